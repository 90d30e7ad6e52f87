/**
 * The event-driven shape of the system, as plain data: functions, HTTP routes, event rules, queues and
 * schedules. `lib/` builds AWS resources from it and `local/` runs the same topology on one machine; a test
 * checks the two agree. Change wiring here, never in only one of them.
 */

import { ChairRotatedEvent } from './events/chair-rotated.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import { EnquiryReferralRequestedEvent } from './events/enquiry-referral-requested.ts';
import { ENQUIRIES_SOURCE, GOVERNANCE_SOURCE } from './events/envelope.ts';

/** Lambda functions. `entry` is relative to the repository root and exports `handler`. */
export const FUNCTIONS = {
  api: {
    entry: 'functions/api-handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 10,
    description: 'Public enquiry API',
  },
  router: {
    entry: 'functions/router-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    description: 'Routes received enquiries to agencies',
  },
  mailer: {
    entry: 'functions/mailer-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    description: 'Sends enquiry emails through SES, once each',
  },
  outboxSweeper: {
    entry: 'functions/outbox-sweeper-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    description: 'Republishes enquiries whose first publish failed',
  },
  chairRotation: {
    entry: 'functions/chair-rotation-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    description: 'Records each new chair term once and announces it',
  },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

/** HTTP routes of the public API, all served by the `api` function. Paths use API Gateway's `{param}` form. */
export const ROUTES = [
  { method: 'GET', path: '/enquiry-categories' },
  { method: 'POST', path: '/enquiries' },
  { method: 'GET', path: '/enquiries/{reference}/status' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/docs' },
  { method: 'GET', path: '/partnership' },
  { method: 'GET', path: '/partners' },
  { method: 'GET', path: '/chair' },
  { method: 'GET', path: '/chair/history' },
  { method: 'GET', path: '/priorities' },
  { method: 'GET', path: '/motions/{id}' },
  { method: 'GET', path: '/assessments' },
  { method: 'GET', path: '/action-plan' },
  { method: 'GET', path: '/action-plan/{id}' },
  { method: 'GET', path: '/meetings' },
  { method: 'GET', path: '/meetings/{id}' },
  // Staff routes: API Gateway checks the Cognito token first; the function checks it again with the role.
  { method: 'PUT', path: '/chair', staff: true },
  { method: 'PUT', path: '/priorities/{planYear}', staff: true },
  { method: 'POST', path: '/motions', staff: true },
  { method: 'POST', path: '/motions/{id}/votes', staff: true },
  { method: 'POST', path: '/motions/{id}/close', staff: true },
  { method: 'GET', path: '/routing/{category}', staff: true },
  { method: 'PUT', path: '/routing/{category}', staff: true },
  { method: 'GET', path: '/routing/{category}/history', staff: true },
  { method: 'POST', path: '/action-plan', staff: true },
  { method: 'PATCH', path: '/action-plan/{id}', staff: true },
  { method: 'POST', path: '/meetings', staff: true },
  { method: 'PUT', path: '/meetings/{id}/minutes', staff: true },
] as const satisfies readonly RouteSpec[];

/** A route of the API; `staff` routes need a staff token (Cognito on AWS). */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly staff?: boolean;
}
export type Route = (typeof ROUTES)[number];

/** Settings both queues share. Visibility is six times the consumers' timeout, as AWS recommends. */
const DEFAULT_QUEUE_SETTINGS = {
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  // Concurrent batches per queue: keeps the mailer under SES's sending rate and DynamoDB bursts small.
  maxConcurrency: 5,
  dlqRetentionDays: 14,
  retryBackoff: { baseSeconds: 10, maxSeconds: 300 },
} as const;

/** CORS for browsers (the council website); allowed origins come from the stage config. */
export const API_CORS = {
  allowHeaders: ['Content-Type', 'Idempotency-Key', 'Authorization', 'If-Match'],
  exposeHeaders: ['Location', 'Idempotent-Replayed', 'X-Correlation-Id', 'ETag'],
  maxAgeSeconds: 600,
} as const;

/**
 * SQS queues between the bus and the functions. Times are in seconds. A message is received at most
 * `maxReceiveCount` times before it moves to the queue's dead-letter queue; between receives it backs off.
 */
export const QUEUES = {
  routing: { consumer: 'router', ...DEFAULT_QUEUE_SETTINGS },
  mail: { consumer: 'mailer', ...DEFAULT_QUEUE_SETTINGS },
} as const satisfies Record<string, QueueSpec>;
export type QueueName = keyof typeof QUEUES;

export interface QueueSpec {
  readonly consumer: FunctionName;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Most batches processed at once (the event source mapping's maximum concurrency, 2-1000). */
  readonly maxConcurrency: number;
  readonly dlqRetentionDays: number;
  /**
   * A failed message becomes visible again after baseSeconds × 2^(receives − 1), at most maxSeconds (the
   * consumer sets this with ChangeMessageVisibility; SQS alone would retry at a fixed visibility timeout).
   */
  readonly retryBackoff: { readonly baseSeconds: number; readonly maxSeconds: number };
}

/** Retry policy of every rule target; undeliverable events go to the bus's dead-letter queue. */
export const RULE_RETRY_POLICY = { maximumRetryAttempts: 8, maximumEventAgeSeconds: 60 * 60 } as const;

/** An EventBridge event pattern (JSON, as in the AWS console). */
export type EventPattern = Record<string, unknown>;

/** Rules on the enquiry bus: pattern → queue. */
export const RULES = {
  routeReceivedEnquiries: {
    description: 'Every received enquiry goes to the router',
    eventPattern: { source: [ENQUIRIES_SOURCE], 'detail-type': [EnquiryReceivedEvent.detailType] },
    targetQueue: 'routing',
  },
  acknowledgeEnquirers: {
    description: 'Enquirers who said email is safe get an acknowledgement',
    eventPattern: {
      source: [ENQUIRIES_SOURCE],
      'detail-type': [EnquiryReceivedEvent.detailType],
      detail: { data: { acknowledgementRequested: [true] } },
    },
    targetQueue: 'mail',
  },
  announceChairRotation: {
    description: 'Each new chair term is announced to every partner representative by email',
    eventPattern: { source: [GOVERNANCE_SOURCE], 'detail-type': [ChairRotatedEvent.detailType] },
    targetQueue: 'mail',
  },
  sendReferrals: {
    description: 'Each referral the router requests is emailed',
    eventPattern: { source: [ENQUIRIES_SOURCE], 'detail-type': [EnquiryReferralRequestedEvent.detailType] },
    targetQueue: 'mail',
  },
} as const satisfies Record<
  string,
  { description: string; eventPattern: EventPattern; targetQueue: QueueName }
>;
export type RuleName = keyof typeof RULES;

/**
 * The outbox sweeper: it republishes enquiries still unpublished `graceSeconds` after they were received (so
 * it rarely races a request that is still publishing), at most `batchSize` per run.
 */
export const OUTBOX_SWEEP = { graceSeconds: 120, batchSize: 100 } as const;

/** Schedules (EventBridge Scheduler expressions) and the function each invokes. */
export const SCHEDULES = {
  'enquiry-outbox-sweeper': {
    description: 'Republish enquiries whose EnquiryReceived event was not published',
    expression: 'rate(1 minute)',
    target: 'outboxSweeper',
  },
  'chair-rotation': {
    // Daily, so a run missed on the day a term starts is caught up the next day.
    description: 'Start the next chair term when it is due, and announce it',
    expression: 'cron(5 0 * * ? *)',
    target: 'chairRotation',
  },
} as const satisfies Record<string, { description: string; expression: string; target: FunctionName }>;
export type ScheduleName = keyof typeof SCHEDULES;
