/**
 * The event-driven shape of the system, as plain data: functions, HTTP routes, event rules, queues and
 * schedules. `lib/` builds AWS resources from it and `local/` runs the same topology on one machine; a test
 * checks the two agree. Change wiring here, never in only one of them.
 */

import { ENV, type EnvName } from './config.ts';
import type { StaffRole } from './domain/staff.ts';
import { ChairRotatedEvent } from './events/chair-rotated.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import {
  EnquiryReferralAcceptedEvent,
  EnquiryReferralDeclinedEvent,
  EnquiryReferralUndeliveredEvent,
} from './events/enquiry-referral-answered.ts';
import { EnquiryReferralRequestedEvent } from './events/enquiry-referral-requested.ts';
import { EnquiryStatusChangedEvent } from './events/enquiry-status-changed.ts';
import { EnquiryUpdatePublishedEvent } from './events/enquiry-update-published.ts';
import { ENQUIRIES_SOURCE, GOVERNANCE_SOURCE } from './events/envelope.ts';
import { EMAIL_ID_TAG, SES_DELIVERY_EVENTS, SES_SOURCE } from './events/ses-delivery-event.ts';

/**
 * DynamoDB actions a function may be granted on the table. No Scan (no access pattern needs one, and it would
 * read every enquiry) and no DeleteItem (records expire through TTL). TransactWriteItems has no IAM action of
 * its own: each item is authorised as the PutItem, UpdateItem or ConditionCheckItem it is.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'ConditionCheckItem';

/** Actions that change items: a function with any of them also needs the table key's encrypt actions. */
export const TABLE_WRITE_ACTIONS: readonly TableAction[] = ['PutItem', 'UpdateItem'];

/** Secondary indexes of the table (see `TABLE_SCHEMA` in functions/adapters/table-keys.ts). */
/** The table's indexes (see TABLE_SCHEMA in table-keys.ts, which names them). */
export type TableIndex = 'GSI1' | 'GSI2' | 'SubjectEmail' | 'SubjectPhone';

/**
 * What one function needs, declared once: the stateless stack grants exactly this (and sets exactly these
 * variables), and the local cloud gives the function exactly these variables.
 */
export interface FunctionSpec {
  /** Relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly description: string;
  /** At most this many run at once (reserved concurrency), e.g. 1 for a job whose runs must never overlap. */
  readonly reservedConcurrency?: number;
  /** Table actions it calls, and the indexes it queries. Sets `TABLE_NAME`. */
  readonly table?: { readonly actions: readonly TableAction[]; readonly indexes?: readonly TableIndex[] };
  /** Puts events on the bus. Sets `EVENT_BUS_NAME`. */
  readonly bus?: boolean;
  /** Sends email as the stage's SES identity. Sets `SENDER_ADDRESS`. */
  readonly ses?: boolean;
  /**
   * Reads the secret that keys hashes of personal data (so an address can be counted or found without being
   * stored in clear). Sets `PERSONAL_DATA_KEY_SECRET`.
   */
  readonly personalDataKey?: boolean;
  /** Reads the secret that keys the console's session cookies. Sets `SESSION_KEY_SECRET`. */
  readonly sessionKey?: boolean;
  /** Settings it reads besides those its bindings set (their values come from the stage). */
  readonly settings: readonly FunctionSetting[];
}

/** Variables a function declares as settings; the table, bus and SES bindings set the others. */
export type FunctionSetting = Exclude<
  EnvName,
  | typeof ENV.tableName
  | typeof ENV.eventBusName
  | typeof ENV.senderAddress
  | typeof ENV.personalDataKeySecret
  | typeof ENV.sessionKeySecret
>;

/** Lambda functions. */
export const FUNCTIONS = {
  api: {
    entry: 'functions/api-handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 10,
    description: 'Public enquiry API and the staff API',
    // GSI1 lists cases (the CSU's inbox by status, each agency's by its referrals) and the audit trail by
    // actor, GSI2 the audit trail by month, the subject indexes find a person's enquiries; PutItem also
    // records who read a case; UpdateItem takes published case events out of the outbox; BatchGetItem reads the
    // enquiries of the public Open311 feed.
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      indexes: ['GSI1', 'GSI2', 'SubjectEmail', 'SubjectPhone'],
    },
    bus: true,
    // Keys the hashes that count acknowledgements per address and find a person's enquiries.
    personalDataKey: true,
    settings: [
      ENV.enquiryRetentionDays,
      ENV.publicApiUrl,
      ENV.statusPageBaseUrl,
      ENV.allowedOrigins,
      ENV.authIssuer,
      ENV.authAudience,
      ENV.authJwksUrl,
    ],
  },
  docs: {
    entry: 'functions/docs-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    description: 'The OpenAPI document and the API reference page',
    // Reads the partnership record (the document's contact) and the directory's version, to see it change.
    table: { actions: ['GetItem'] },
    // The document's server.
    settings: [ENV.publicApiUrl],
  },
  web: {
    entry: 'functions/web-handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 10,
    description: 'The staff console and the public contact form: server-rendered pages and their assets',
    // The contact form stores enquiries as POST /enquiries does (PutItem, UpdateItem and ConditionCheckItem in
    // one transaction); the console lists cases (GSI1), reads and changes them, and records each read (PutItem).
    table: {
      actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      indexes: ['GSI1'],
    },
    bus: true,
    // Counts acknowledgements per address, as the API does.
    personalDataKey: true,
    sessionKey: true,
    settings: [
      ENV.enquiryRetentionDays,
      ENV.publicApiUrl,
      ENV.statusPageBaseUrl,
      ENV.authIssuer,
      ENV.authJwksUrl,
      ENV.authDomainUrl,
      ENV.consoleClientId,
    ],
  },
  router: {
    entry: 'functions/router-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    description: 'Routes received enquiries to agencies',
    // One transaction (UpdateItem, PutItem) records the referrals and their listings; GetItem reads the case
    // only when that transaction finds it changed since it was stored (a redelivery, a staff change).
    // Query reads the agencies (cached).
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
    bus: true,
    // The items routing adds are kept as long as the enquiry.
    settings: [ENV.enquiryRetentionDays],
  },
  mailer: {
    entry: 'functions/mailer-handler.ts',
    memoryMb: 512,
    // Room to keep retrying a "sent" mark through a short DynamoDB outage; under EMAIL_LEASE_SECONDS (120).
    timeoutSeconds: 90,
    description: 'Sends enquiry emails through SES, once each',
    // BatchGetItem reads a batch's enquiries at once; PutItem/UpdateItem keep the email ledger, in a
    // transaction with a ConditionCheckItem that the address is not on the suppression list.
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'] },
    ses: true,
    // Looks recipients up on the suppression list by keyed hash.
    personalDataKey: true,
    settings: [ENV.enquiryRetentionDays, ENV.publicApiUrl, ENV.statusPageBaseUrl],
  },
  outboxSweeper: {
    entry: 'functions/outbox-sweeper-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    description: 'Republishes enquiries the router has not yet received, and case events not yet published',
    // One run at a time, and a failed run is not retried: the next minute's run does the same work.
    reservedConcurrency: 1,
    // It only queries the outbox index, never the table itself.
    table: { actions: ['UpdateItem'], indexes: ['GSI2'] },
    bus: true,
    settings: [ENV.outboxGraceSeconds],
  },
  chairRotation: {
    entry: 'functions/chair-rotation-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    description: 'Records each new chair term once and announces it',
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
    bus: true,
    settings: [],
  },
  overdueDigest: {
    entry: 'functions/overdue-digest-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 120,
    description: 'Emails each agency, and the CSU, one digest of overdue enquiries each working morning',
    // GSI1 lists open cases; PutItem/UpdateItem keep the email ledger, so each digest goes once a day, and
    // ConditionCheckItem keeps it from a suppressed mailbox.
    table: {
      actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      indexes: ['GSI1'],
    },
    ses: true,
    personalDataKey: true,
    settings: [ENV.enquiryRetentionDays, ENV.publicApiUrl],
  },
  deliveryEvents: {
    entry: 'functions/delivery-events-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    description: 'Records what SES says about each email, and suppresses addresses that bounce or complain',
    // UpdateItem records the report on the email's ledger item and the address on the suppression list; a
    // bounced referral's case is read (Query) and changed in one transaction (UpdateItem, PutItem) with the
    // event that alerts the CSU, published on the bus.
    table: { actions: ['Query', 'PutItem', 'UpdateItem'] },
    bus: true,
    // Suppressed addresses are kept by keyed hash.
    personalDataKey: true,
    settings: [],
  },
  statistics: {
    entry: 'functions/statistics-handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    description: 'Counts enquiries by month, category, sector, agency and outcome for the open data',
    // GetItem reads an enquiry's outline (never its personal data); one transaction (PutItem of the fact's
    // marker, UpdateItem of the counters) counts each fact once.
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    settings: [],
  },
  retention: {
    entry: 'functions/retention-handler.ts',
    memoryMb: 512,
    timeoutSeconds: 300,
    description: 'Anonymises enquiries whose retention period has ended, keeping what statistics need',
    // Queries its case partition and the indexes of closed (GSI2) and open (GSI1) cases; UpdateItem anonymises.
    table: { actions: ['Query', 'UpdateItem'], indexes: ['GSI1', 'GSI2'] },
    settings: [ENV.anonymiseAfterMonths],
  },
} as const satisfies Record<string, FunctionSpec>;
export type FunctionName = keyof typeof FUNCTIONS;

/** Every variable `name` reads: those its bindings set, then its settings. */
export function environmentOf(name: FunctionName): EnvName[] {
  const spec: FunctionSpec = FUNCTIONS[name];
  return [
    ...(spec.table ? [ENV.tableName] : []),
    ...(spec.bus ? [ENV.eventBusName] : []),
    ...(spec.ses ? [ENV.senderAddress] : []),
    ...(spec.personalDataKey ? [ENV.personalDataKeySecret] : []),
    ...(spec.sessionKey ? [ENV.sessionKeySecret] : []),
    ...spec.settings,
  ];
}

/** The AWS SDK clients `name` uses: what its bundle must hold, and the floor its bundle is measured against. */
export function sdkClientsOf(
  name: FunctionName,
): ('dynamodb' | 'eventbridge' | 'ses' | 'sqs' | 'secretsmanager')[] {
  const spec: FunctionSpec = FUNCTIONS[name];
  const consumesQueue = Object.values(QUEUES).some((queue) => queue.consumer === name);
  return [
    ...(spec.table ? (['dynamodb'] as const) : []),
    ...(spec.bus ? (['eventbridge'] as const) : []),
    ...(spec.ses ? (['ses'] as const) : []),
    ...(spec.personalDataKey || spec.sessionKey ? (['secretsmanager'] as const) : []),
    // Consumers postpone failed messages with ChangeMessageVisibility.
    ...(consumesQueue ? (['sqs'] as const) : []),
  ];
}

/** Who may call a route: anyone, or staff holding one of the roles. */
export type RouteAccess = 'public' | readonly StaffRole[];

/** A route of the API. Paths use API Gateway's `{param}` form. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly access: RouteAccess;
  /** The function serving it: `api` unless named (the API's own documentation has its own function). */
  readonly function?: FunctionName;
}

/** The function that serves `route`. */
export const functionOf = (route: RouteSpec): FunctionName => route.function ?? 'api';

/**
 * Where `npm start` serves the API by default: the OpenAPI document lists it as a server beside the stage's
 * public URL, so a client generated from a deployed stage's document also runs against the local cloud.
 */
export const LOCAL_API_URL = 'http://localhost:3000';

/** True for routes that need a staff token (API Gateway's Cognito authorizer on AWS). */
export const isStaffRoute = (route: RouteSpec): boolean => route.access !== 'public';

const ADMIN = ['partnership-admin'] as const satisfies readonly StaffRole[];
const CSU_OFFICER = ['csu-officer'] as const satisfies readonly StaffRole[];
const REPRESENTATIVE = ['partner-representative'] as const satisfies readonly StaffRole[];
/** The CSU's agencies are kept by partnership admins and CSU officers alike. */
const DIRECTORY_KEEPERS = ['partnership-admin', 'csu-officer'] as const satisfies readonly StaffRole[];
/** Casework: the CSU on every case, an agency officer on its own agency's (checked per case). */
const CASEWORKERS = ['csu-officer', 'agency-officer'] as const satisfies readonly StaffRole[];

/**
 * Every route, by name: method, path and who may call it, written once. The route modules in
 * `functions/api/routes/` define each one's schemas and handler from its entry here; API Gateway (the Cognito
 * authorizer on staff routes) and the local gateway are built from the same entries. Plain data, so CDK synth
 * does not load Hono or zod.
 */
export const ROUTES = {
  // Enquiries (public)
  listCategories: { method: 'GET', path: '/enquiry-categories', access: 'public' },
  submitEnquiry: { method: 'POST', path: '/enquiries', access: 'public' },
  enquiryStatus: { method: 'GET', path: '/enquiries/{reference}/status', access: 'public' },
  // Casework (staff)
  listCases: { method: 'GET', path: '/enquiries', access: CASEWORKERS },
  getCase: { method: 'GET', path: '/enquiries/{reference}', access: CASEWORKERS },
  acceptReferral: {
    method: 'POST',
    path: '/enquiries/{reference}/referrals/{agencyId}/accept',
    access: CASEWORKERS,
  },
  declineReferral: {
    method: 'POST',
    path: '/enquiries/{reference}/referrals/{agencyId}/decline',
    access: CASEWORKERS,
  },
  referCase: { method: 'POST', path: '/enquiries/{reference}/referrals', access: CSU_OFFICER },
  assignCase: { method: 'POST', path: '/enquiries/{reference}/assignment', access: CASEWORKERS },
  addCaseNote: { method: 'POST', path: '/enquiries/{reference}/notes', access: CASEWORKERS },
  publishCaseUpdate: { method: 'POST', path: '/enquiries/{reference}/updates', access: CASEWORKERS },
  transitionCase: { method: 'POST', path: '/enquiries/{reference}/transitions', access: CASEWORKERS },
  eraseEnquiry: { method: 'POST', path: '/enquiries/{reference}/erasure', access: CSU_OFFICER },
  // Data protection
  subjectAccess: { method: 'POST', path: '/subject-access', access: CSU_OFFICER },
  readAuditTrail: { method: 'GET', path: '/audit', access: ADMIN },
  // Open311 GeoReport v2 (public; a submission needs a client's api_key, checked by the route). Path
  // parameters are whole files (`requests.xml`): API Gateway takes no parameter inside a segment.
  open311Document: { method: 'GET', path: '/open311/v2/{document}', access: 'public' },
  open311Submit: { method: 'POST', path: '/open311/v2/{document}', access: 'public' },
  open311Service: { method: 'GET', path: '/open311/v2/services/{serviceFile}', access: 'public' },
  open311Request: { method: 'GET', path: '/open311/v2/requests/{requestFile}', access: 'public' },
  open311Token: { method: 'GET', path: '/open311/v2/tokens/{tokenFile}', access: 'public' },
  listOpen311Clients: { method: 'GET', path: '/open311/clients', access: ADMIN },
  issueOpen311Client: { method: 'POST', path: '/open311/clients', access: ADMIN },
  revokeOpen311Client: { method: 'POST', path: '/open311/clients/{id}/revoke', access: ADMIN },
  // Open data
  enquiryStatistics: { method: 'GET', path: '/statistics/enquiries', access: 'public' },
  // The API's own description
  // The API's own documentation, served by a function of its own so the api function's cold start never pays
  // for the JSON Schema generator and every route's schemas.
  openApiDocument: { method: 'GET', path: '/openapi.json', access: 'public', function: 'docs' },
  apiReference: { method: 'GET', path: '/docs', access: 'public', function: 'docs' },
  // Partnership and partners
  partnership: { method: 'GET', path: '/partnership', access: 'public' },
  updatePartnership: { method: 'PATCH', path: '/partnership', access: ADMIN },
  partnershipHistory: { method: 'GET', path: '/partnership/history', access: ADMIN },
  listPartners: { method: 'GET', path: '/partners', access: 'public' },
  // Directory: organisations (partnership admins), agencies (and CSU officers), categories
  listOrganisations: { method: 'GET', path: '/organisations', access: 'public' },
  createOrganisation: { method: 'POST', path: '/organisations', access: ADMIN },
  getOrganisation: { method: 'GET', path: '/organisations/{id}', access: ADMIN },
  updateOrganisation: { method: 'PATCH', path: '/organisations/{id}', access: ADMIN },
  addMembership: { method: 'POST', path: '/organisations/{id}/memberships', access: ADMIN },
  endMembership: { method: 'POST', path: '/organisations/{id}/memberships/{n}/end', access: ADMIN },
  organisationHistory: { method: 'GET', path: '/organisations/{id}/history', access: ADMIN },
  listAgencies: { method: 'GET', path: '/agencies', access: 'public' },
  createAgency: { method: 'POST', path: '/agencies', access: DIRECTORY_KEEPERS },
  getAgency: { method: 'GET', path: '/agencies/{id}', access: DIRECTORY_KEEPERS },
  updateAgency: { method: 'PATCH', path: '/agencies/{id}', access: DIRECTORY_KEEPERS },
  agencyHistory: { method: 'GET', path: '/agencies/{id}/history', access: DIRECTORY_KEEPERS },
  createCategory: { method: 'POST', path: '/enquiry-categories', access: ADMIN },
  getCategory: { method: 'GET', path: '/enquiry-categories/{code}', access: 'public' },
  updateCategory: { method: 'PATCH', path: '/enquiry-categories/{code}', access: ADMIN },
  categoryHistory: { method: 'GET', path: '/enquiry-categories/{code}/history', access: ADMIN },
  // Published documents and the partnership plan
  listDocuments: { method: 'GET', path: '/documents', access: 'public' },
  recordDocument: { method: 'POST', path: '/documents', access: ADMIN },
  listPlans: { method: 'GET', path: '/plans', access: 'public' },
  savePlan: { method: 'POST', path: '/plans', access: ADMIN },
  // Chair
  currentChair: { method: 'GET', path: '/chair', access: 'public' },
  chairHistory: { method: 'GET', path: '/chair/history', access: 'public' },
  appointChair: { method: 'PUT', path: '/chair', access: ADMIN },
  // Priorities
  listPriorities: { method: 'GET', path: '/priorities', access: 'public' },
  revisePriorities: { method: 'PUT', path: '/priorities/{planYear}', access: ADMIN },
  // Motions and votes
  createMotion: { method: 'POST', path: '/motions', access: ADMIN },
  getMotion: { method: 'GET', path: '/motions/{id}', access: 'public' },
  castVote: { method: 'POST', path: '/motions/{id}/votes', access: REPRESENTATIVE },
  closeMotion: { method: 'POST', path: '/motions/{id}/close', access: ADMIN },
  // Routing table
  getRouting: { method: 'GET', path: '/routing/{category}', access: CSU_OFFICER },
  updateRouting: { method: 'PUT', path: '/routing/{category}', access: CSU_OFFICER },
  routingHistory: { method: 'GET', path: '/routing/{category}/history', access: CSU_OFFICER },
  // Strategic assessments
  listAssessments: { method: 'GET', path: '/assessments', access: 'public' },
  saveAssessment: { method: 'POST', path: '/assessments', access: ADMIN },
  // Rolling action plan
  listActions: { method: 'GET', path: '/action-plan', access: 'public' },
  createAction: { method: 'POST', path: '/action-plan', access: ADMIN },
  getAction: { method: 'GET', path: '/action-plan/{id}', access: 'public' },
  updateAction: { method: 'PATCH', path: '/action-plan/{id}', access: ADMIN },
  // Meetings
  listMeetings: { method: 'GET', path: '/meetings', access: 'public' },
  createMeeting: { method: 'POST', path: '/meetings', access: ADMIN },
  getMeeting: { method: 'GET', path: '/meetings/{id}', access: 'public' },
  publishMinutes: { method: 'PUT', path: '/meetings/{id}/minutes', access: ADMIN },
} as const satisfies Record<string, RouteSpec>;
export type RouteName = keyof typeof ROUTES;

/** Every route as a list, each with its name. */
export const ROUTE_LIST: readonly (RouteSpec & { readonly name: RouteName })[] = Object.entries(ROUTES).map(
  ([name, route]) => ({ name: name as RouteName, ...route }),
);

/**
 * A page of the web front doors (the public contact form, the staff console) or one of their static assets,
 * served by the `web` function. Pages are not API operations (they answer HTML, not the OpenAPI contract), and
 * none needs a bearer token: the console checks its own session cookie, so API Gateway lets every page through.
 */
export interface PageSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}

/**
 * Every page and form target, written once: the web function registers them, API Gateway and the local
 * gateway route them to it. Each path segment is plain or one `{param}`, as API Gateway resources are.
 */
export const PAGES = {
  asset: { method: 'GET', path: '/assets/{file}' },
  contactForm: { method: 'GET', path: '/contact' },
  submitContactForm: { method: 'POST', path: '/contact' },
  inbox: { method: 'GET', path: '/console' },
  signIn: { method: 'GET', path: '/console/sign-in' },
  signInCallback: { method: 'GET', path: '/console/callback' },
  signOut: { method: 'POST', path: '/console/sign-out' },
  signedOut: { method: 'GET', path: '/console/signed-out' },
  casePage: { method: 'GET', path: '/console/cases/{reference}' },
  caseAction: { method: 'POST', path: '/console/cases/{reference}/{action}' },
  routingPage: { method: 'GET', path: '/console/routing' },
  routingRulePage: { method: 'GET', path: '/console/routing/{category}' },
  saveRoutingRule: { method: 'POST', path: '/console/routing/{category}' },
  directoryPage: { method: 'GET', path: '/console/directory' },
} as const satisfies Record<string, PageSpec>;
export type PageName = keyof typeof PAGES;

/** The function that serves every page. */
export const PAGES_FUNCTION: FunctionName = 'web';

/** Every page as a list, each with its name. */
export const PAGE_LIST: readonly (PageSpec & { readonly name: PageName })[] = Object.entries(PAGES).map(
  ([name, page]) => ({ name: name as PageName, ...page }),
);

/**
 * How stale cached reference data (categories, the partnership record, agencies, routing rules) may be in a
 * warm function: a change made through the API reaches every function within this many seconds.
 */
export const REFERENCE_DATA_MAX_AGE_SECONDS = 60;

/** Settings both queues share. Visibility is six times the consumers' timeout, as AWS recommends. */
const DEFAULT_QUEUE_SETTINGS = {
  // At least six times the consumer's timeout, as AWS advises for a Lambda event source: a batch still being
  // processed (or retried by the event source) is never handed to a second consumer.
  visibilityTimeoutSeconds: 180,
  // With the back-off below, a message is tried 15 times, the last about 8 hours after the first
  // (retryHorizonSeconds): an outage of SES, DynamoDB or a mailbox of 6 hours, with 2 hours to spare, loses
  // nothing. An hour after that last try it goes to the dead-letter queue (alarmed).
  maxReceiveCount: 15,
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  // Concurrent batches per queue: keeps the mailer under SES's sending rate and DynamoDB bursts small.
  maxConcurrency: 5,
  // Longer than any retry horizon (and SQS's maximum), so no message expires while it is still retried.
  retentionDays: 14,
  dlqRetentionDays: 14,
  retryBackoff: { baseSeconds: 30, maxSeconds: 3600 },
} as const;

/** Exponential back-off: `base × 2^(receives − 1)`, capped; 12 hours is SQS's own ceiling. */
export function backoffSeconds(
  receiveCount: number,
  policy: { baseSeconds: number; maxSeconds: number },
): number {
  const exponent = Math.max(0, receiveCount - 1);
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** exponent, 43_200);
}

/** The shortest outage every queue must outlast before a message is dead-lettered. */
export const OUTAGE_TO_OUTLAST_SECONDS = 6 * 60 * 60;

/**
 * How long after its first try a message that keeps failing is tried for the last time: the back-offs after
 * each receive but the last (the time spent processing it comes on top). An outage must end by then for the
 * message to get through; the back-off after the last try only delays its move to the dead-letter queue.
 */
export function retryHorizonSeconds(spec: Pick<QueueSpec, 'maxReceiveCount' | 'retryBackoff'>): number {
  let total = 0;
  for (let receive = 1; receive < spec.maxReceiveCount; receive++)
    total += backoffSeconds(receive, spec.retryBackoff);
  return total;
}

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
  // Six times the mailer's 90 s: it may spend its whole invocation retrying a "sent" mark (docs/delivery.md).
  mail: { consumer: 'mailer', ...DEFAULT_QUEUE_SETTINGS, visibilityTimeoutSeconds: 540 },
  deliveryEvents: { consumer: 'deliveryEvents', ...DEFAULT_QUEUE_SETTINGS },
  statistics: { consumer: 'statistics', ...DEFAULT_QUEUE_SETTINGS },
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
  /** How long the queue keeps a message: longer than its retry horizon. */
  readonly retentionDays: number;
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

/** Rules on the enquiry bus (and SES's on the default bus): pattern → queue. */
export const RULES = {
  countForStatistics: {
    description: 'Receipts, referrals, first acceptances and closures are counted for the open data',
    eventPattern: {
      source: [ENQUIRIES_SOURCE],
      'detail-type': [
        EnquiryReceivedEvent.detailType,
        EnquiryReferralRequestedEvent.detailType,
        EnquiryReferralAcceptedEvent.detailType,
        EnquiryStatusChangedEvent.detailType,
      ],
    },
    targetQueue: 'statistics',
  },
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
    description: 'Each referral the router (or a CSU officer) requests is emailed',
    eventPattern: { source: [ENQUIRIES_SOURCE], 'detail-type': [EnquiryReferralRequestedEvent.detailType] },
    targetQueue: 'mail',
  },
  emailPublicUpdates: {
    description: 'Public updates are emailed to enquirers who said email is safe',
    eventPattern: { source: [ENQUIRIES_SOURCE], 'detail-type': [EnquiryUpdatePublishedEvent.detailType] },
    targetQueue: 'mail',
  },
  emailClosures: {
    description: 'A closure is emailed to enquirers who said email is safe',
    eventPattern: {
      source: [ENQUIRIES_SOURCE],
      'detail-type': [EnquiryStatusChangedEvent.detailType],
      detail: { data: { to: ['closed'] } },
    },
    targetQueue: 'mail',
  },
  tellCsuOfDeclinedReferrals: {
    description: 'The CSU is told by email when an agency declines a referral',
    eventPattern: { source: [ENQUIRIES_SOURCE], 'detail-type': [EnquiryReferralDeclinedEvent.detailType] },
    targetQueue: 'mail',
  },
  alertCsuOfUndeliveredReferrals: {
    description: 'The CSU is alerted by email when an agency’s mailbox refuses a referral for good',
    eventPattern: { source: [ENQUIRIES_SOURCE], 'detail-type': [EnquiryReferralUndeliveredEvent.detailType] },
    targetQueue: 'mail',
  },
  recordDeliveryEvents: {
    description: 'SES delivery, bounce, complaint, reject and delay events about our emails',
    // SES publishes to the account's default bus, never to a custom one.
    bus: 'default',
    eventPattern: {
      source: [SES_SOURCE],
      'detail-type': Object.keys(SES_DELIVERY_EVENTS),
      detail: { mail: { tags: { [EMAIL_ID_TAG]: [{ exists: true }] } } },
    },
    targetQueue: 'deliveryEvents',
  },
} as const satisfies Record<string, RuleSpec>;

/** A rule: on the enquiry bus unless it names the account's default bus (where AWS services publish). */
export interface RuleSpec {
  readonly description: string;
  readonly bus?: 'default';
  readonly eventPattern: EventPattern;
  readonly targetQueue: QueueName;
}
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
    // The next run comes within a minute; a retry would only overlap it.
    retries: 0,
  },
  'chair-rotation': {
    // Daily, so a run missed on the day a term starts is caught up the next day.
    description: 'Start the next chair term when it is due, and announce it',
    expression: 'cron(5 0 * * ? *)',
    target: 'chairRotation',
  },
  retention: {
    description: 'Anonymise the enquiries whose retention period has ended',
    expression: 'cron(30 2 * * ? *)',
    timeZone: 'Europe/London',
    target: 'retention',
  },
  'overdue-digest': {
    // Weekdays at 08:00 UK time; the job itself skips bank holidays.
    description: 'Email each agency and the CSU one digest of overdue enquiries',
    expression: 'cron(0 8 ? * MON-FRI *)',
    timeZone: 'Europe/London',
    target: 'overdueDigest',
  },
} as const satisfies Record<string, ScheduleSpec>;

/** A schedule: its expression is evaluated in `timeZone` (UTC when absent), as EventBridge Scheduler does. */
export interface ScheduleSpec {
  readonly description: string;
  readonly expression: string;
  /** Retries of a failed invocation; the scheduler's default policy (SCHEDULE_RETRY_POLICY) when absent. */
  readonly retries?: number;
  readonly timeZone?: 'Europe/London';
  readonly target: FunctionName;
}
export type ScheduleName = keyof typeof SCHEDULES;
