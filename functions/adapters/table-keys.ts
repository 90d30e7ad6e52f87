/**
 * Key design of the single table (see docs/data-model.md). Every key the adapters write is built here, so the
 * access patterns can be read in one place.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../domain/governance-ports.ts';
import type { EmailId } from '../domain/ports.ts';

/** Attribute names of the table's keys and indexes; the CDK table definition imports these too. */
export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** GSI1: enquiries by status, newest first. */
  byStatusIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  /** GSI2 (sparse): enquiries whose EnquiryReceived is not yet published. */
  outboxIndex: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  /**
   * Sparse, keys only: enquiries by the keyed hash of their enquirer's normalised email, then phone, for
   * subject access requests. The hash is an HMAC (see secret-keyed-hasher.ts): no address is an index key.
   */
  subjectEmail: { name: 'SubjectEmail', partitionKey: 'subjectEmailHash', sortKey: 'receivedAt' },
  subjectPhone: { name: 'SubjectPhone', partitionKey: 'subjectPhoneHash', sortKey: 'receivedAt' },
  /** Epoch seconds after which DynamoDB deletes the item. */
  ttlAttribute: 'expiresAt',
} as const;

/** Every index, with what it projects: the CDK table and DynamoDB Local's are both built from this list. */
export const TABLE_INDEXES = [
  { ...TABLE_SCHEMA.byStatusIndex, projection: 'ALL' },
  { ...TABLE_SCHEMA.outboxIndex, projection: 'ALL' },
  // A subject access request reads each enquiry it finds in full anyway; nothing sent is copied here.
  { ...TABLE_SCHEMA.subjectEmail, projection: 'KEYS_ONLY' },
  { ...TABLE_SCHEMA.subjectPhone, projection: 'KEYS_ONLY' },
] as const;

/** The partition of a month's statistics counters. */
export const statisticsMonthPartition = (month: string) => `STATS#${month}`;

/** The GSI1 partition listing every Open311 client. */
export const OPEN311_CLIENTS_PARTITION = 'OPEN311_CLIENTS';

export const keys = {
  /** A statistics fact already counted for an enquiry (so a redelivered event is not counted twice). */
  statisticsFact: (reference: string, factId: string) => ({ PK: `STATS_FACT#${reference}`, SK: factId }),
  /** One month's counter of one dimension value (`category#parking`) or one histogram (`days#daysToClosure`). */
  statisticsCounter: (month: string, counter: string) => ({
    PK: statisticsMonthPartition(month),
    SK: counter,
  }),
  /** An Open311 client, found by the hash of its key; listed in GSI1 under one partition, oldest first. */
  open311Client: (keyHash: string) => ({ PK: `OPEN311_KEY#${keyHash}`, SK: 'CLIENT' }),
  /** Which key hash an Open311 client's id belongs to: revoking it needs no index. */
  open311ClientById: (id: string) => ({ PK: `OPEN311_CLIENT#${id}`, SK: 'KEY' }),
  open311ClientListing: (createdAt: string, id: string) => ({
    GSI1PK: OPEN311_CLIENTS_PARTITION,
    GSI1SK: `${createdAt}#${id}`,
  }),
  /** A console session ended by signing out: a copy of its cookie is refused until the session would have ended. */
  endedSession: (sessionId: string) => ({ PK: `CONSOLE_SESSION#${sessionId}`, SK: 'ENDED' }),
  enquiry: (reference: string) => ({ PK: `ENQUIRY#${reference}`, SK: 'ENQUIRY' }),
  enquiryByStatus: (status: string, receivedAt: string, reference: string) => ({
    GSI1PK: `ENQUIRY_STATUS#${status}`,
    GSI1SK: `${receivedAt}#${reference}`,
  }),
  enquiryStatusPartition: (status: string) => `ENQUIRY_STATUS#${status}`,
  /** GSI1 partition of one agency's referrals in one case status (its inbox), beside the CSU's by status. */
  agencyReferralsPartition: (agencyId: string, status: string) => `AGENCY_REFERRALS#${agencyId}#${status}`,
  /** A case's items sit in its enquiry's partition, after the enquiry item. */
  referralListing: (reference: string, agencyId: string) => ({
    PK: `ENQUIRY#${reference}`,
    SK: `REFERRAL#${agencyId}`,
  }),
  timelineEntry: (reference: string, entry: { at: string; id: string }) => ({
    PK: `ENQUIRY#${reference}`,
    SK: `TIMELINE#${entry.at}#${entry.id}`,
  }),
  caseNote: (reference: string, note: { at: string; id: string }) => ({
    PK: `ENQUIRY#${reference}`,
    SK: `NOTE#${note.at}#${note.id}`,
  }),
  caseEventsOutbox: (reference: string, outboxId: string) => ({
    PK: `ENQUIRY#${reference}`,
    SK: `OUTBOX#${outboxId}`,
  }),
  caseEventsOutboxIndex: (at: string, reference: string, outboxId: string) => ({
    GSI2PK: CASE_EVENTS_OUTBOX_PARTITION,
    GSI2SK: `${at}#${reference}#${outboxId}`,
  }),
  /** A closed case waiting for the retention job, by when it closed (sensitive ones on their own clock). */
  closedForRetention: (sensitive: boolean, closedAt: string, reference: string) => ({
    GSI2PK: `RETENTION#CLOSED#${sensitive ? 'SENSITIVE' : 'STANDARD'}`,
    GSI2SK: `${closedAt}#${reference}`,
  }),
  /** Who read a case's personal data: kept apart from the case, so reading a case never reads its log. */
  caseAccess: (reference: string, at: string, id: string) => ({
    PK: `ACCESS#ENQUIRY#${reference}`,
    SK: `${at}#${id}`,
  }),
  /**
   * The index keys of an audit record (a case read, a timeline entry, a record change): by who did it in GSI1,
   * and by when in GSI2, one partition per UTC month. Both sort keys are the record's position, `<at>#<id>`.
   */
  auditIndexes: (actor: string, at: string, id: string) => ({
    GSI1PK: `${AUDIT_BY_ACTOR_PREFIX}${actor}`,
    GSI1SK: `${at}#${id}`,
    GSI2PK: auditMonthPartition(at.slice(0, 7)),
    GSI2SK: `${at}#${id}`,
  }),
  outbox: (receivedAt: string, reference: string) => ({
    GSI2PK: OUTBOX_PARTITION,
    GSI2SK: `${receivedAt}#${reference}`,
  }),
  referenceCounter: (year: number) => ({ PK: 'COUNTER#ENQUIRY_REFERENCE', SK: `YEAR#${year}` }),
  idempotency: (keyHash: string) => ({ PK: `IDEMPOTENCY#${keyHash}`, SK: 'IDEMPOTENCY' }),
  /** The latest acknowledgements to one address (by its keyed hash, never the address), for the rolling limit. */
  recentAcknowledgements: (addressHash: string) => ({
    PK: `ACK_COUNT#${addressHash}`,
    SK: 'RECENT',
  }),
  /** An address never to be emailed again (a hard bounce or a complaint), by its keyed hash. */
  suppressedAddress: (addressHash: string) => ({ PK: `SUPPRESSED#${addressHash}`, SK: 'SUPPRESSION' }),
  /** An email record sits in the partition of what it is about (e.g. beside its enquiry). */
  email: (id: EmailId) => ({ PK: id.topic, SK: `EMAIL#${id.kind}#${id.recipientId}` }),
  partnership: () => ({ PK: 'PARTNERSHIP', SK: 'PROFILE' }),
  /** A counter of changes to the directory, which reference-data caches compare against. */
  directoryVersion: () => ({ PK: 'PARTNERSHIP', SK: 'DIRECTORY_VERSION' }),
  /** A published document, listed newest first. */
  document: (publishedOn: string, id: string) => ({ PK: DOCUMENT_PARTITION, SK: `${publishedOn}#${id}` }),
  /** A partnership plan, by its period (`2021-24`). */
  plan: (period: string) => ({ PK: PLAN_PARTITION, SK: period }),
  assessment: (planYear: string) => ({ PK: ASSESSMENT_PARTITION, SK: planYear }),
  category: (code: string) => ({ PK: CATEGORY_PARTITION, SK: code }),
  routingRule: (category: string) => ({ PK: ROUTING_PARTITION, SK: category }),
  agency: (id: string) => ({ PK: AGENCY_PARTITION, SK: id }),
  organisation: (id: string) => ({ PK: ORGANISATION_PARTITION, SK: id }),
  motion: (id: string) => ({ PK: `MOTION#${id}`, SK: 'MOTION' }),
  action: (id: string) => ({ PK: 'ACTION', SK: id }),
  actionUpdate: (actionId: string, suffix: string) => ({ PK: `ACTION#${actionId}`, SK: `UPDATE#${suffix}` }),
  meeting: (date: string, id: string) => ({ PK: 'MEETING', SK: `${date}#${id}` }),
  vote: (motionId: string, organisationId: string) => ({
    PK: `MOTION#${motionId}`,
    SK: `VOTE#${organisationId}`,
  }),
  chairTerm: (startsOn: string) => ({ PK: CHAIR_TERM_PARTITION, SK: startsOn }),
  /** One item per plan year, holding its priorities in order. */
  planYear: (planYear: string) => ({ PK: PRIORITY_PARTITION, SK: planYear }),
} as const;

export const OUTBOX_PARTITION = 'OUTBOX#UNPUBLISHED';
/** GSI1 partitions of the audit trail by actor: this, then the actor. */
export const AUDIT_BY_ACTOR_PREFIX = 'AUDIT_ACTOR#';
/** GSI2 partition of the audit trail of one UTC month, `YYYY-MM`. */
export const auditMonthPartition = (month: string) => `AUDIT_MONTH#${month}`;
/** GSI2 partition of case changes whose events are not yet known to be published. */
export const CASE_EVENTS_OUTBOX_PARTITION = 'OUTBOX#CASE_EVENTS';
export const CATEGORY_PARTITION = 'ENQUIRY_CATEGORY';
export const ROUTING_PARTITION = 'ROUTING';
export const AGENCY_PARTITION = 'AGENCY';
/** An agency's count of routing changes naming it: what a deactivation checks no rule changed against. */
export const ROUTING_CHANGES = 'routingChanges';
export const ORGANISATION_PARTITION = 'ORGANISATION';
export const CHAIR_TERM_PARTITION = 'CHAIR_TERM';
export const PRIORITY_PARTITION = 'PRIORITY';
export const DOCUMENT_PARTITION = 'DOCUMENT';
export const PLAN_PARTITION = 'PLAN';
export const ASSESSMENT_PARTITION = 'ASSESSMENT';

/** Epoch seconds `days` after `from`, for the TTL attribute. */
export function expiryAfterDays(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 24 * 60 * 60;
}

/** An audit entry as an item, in the partition of the entity it is about (`AUDIT#<entity>`), by time. */
export function auditItem(entry: AuditEntry): Record<string, unknown> {
  const id = randomUUID();
  return {
    PK: `AUDIT#${entry.entity}`,
    SK: `${entry.at}#${id}`,
    ...keys.auditIndexes(entry.actor, entry.at, id),
    type: 'AuditEntry',
    ...entry,
  };
}
