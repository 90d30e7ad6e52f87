/**
 * What the use cases need from the outside world. Adapters in `functions/adapters` implement these against
 * DynamoDB, EventBridge and SES; tests can implement them in memory.
 */

import type { OutgoingEvent } from '../events/envelope.ts';
import type { EmailContent } from './email-content.ts';
import type { Enquiry } from './enquiry.ts';
import type { AuditEntry } from './governance-ports.ts';
import type { Agency, EnquiryCategory, Partnership, RoutingRule } from './partnership.ts';
import type { EnquiryOutline } from './statistics.ts';

/** Remembers which request an Idempotency-Key was first used with, and what it created. */
export interface IdempotencyRecord {
  readonly keyHash: string;
  readonly requestHash: string;
  readonly reference: string;
}

/** Thrown by `EnquiryRepository.create` when another request claimed the same Idempotency-Key first. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('Idempotency key already recorded');
    this.name = 'IdempotencyKeyTaken';
  }
}

/** One page of a list, with an opaque cursor for the next page. */
export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}

/** An enquiry waiting in the outbox, and how often the sweeper has republished it. */
export interface OutboxEntry {
  readonly enquiry: Enquiry;
  readonly attempts: number;
}

/** A rolling limit on acknowledgements to one address: at most `limit` in any `seconds`, this one at `at`. */
export interface AcknowledgementWindow {
  readonly at: Date;
  readonly limit: number;
  readonly seconds: number;
}

export interface EnquiryRepository {
  /**
   * Records an acknowledgement to the address of `addressHash` at `window.at`, unless `window.limit` were already
   * recorded in the `window.seconds` before it; answers whether it was recorded. Kept one window after the last.
   */
  recordAcknowledgement(addressHash: string, window: AcknowledgementWindow): Promise<boolean>;
  /**
   * Takes back the acknowledgement recorded at `at`, if it is still held: the enquiry it was for was not stored.
   * Best effort; a concurrent acknowledgement to the same address may have moved it, and then it stays.
   */
  releaseAcknowledgement(addressHash: string, at: Date): Promise<void>;
  /** Reserves the next reference of `year`. Gaps are possible (a failed create); duplicates are not. */
  nextReference(year: number): Promise<string>;
  /**
   * Stores a new enquiry, marked unpublished, together with its idempotency record: both or neither.
   * @throws IdempotencyKeyTaken when the idempotency record already exists.
   */
  create(enquiry: Enquiry, idempotency?: IdempotencyRecord & { expiresAt: number }): Promise<void>;
  findIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined>;
  get(reference: string): Promise<Enquiry | undefined>;
  /** Several enquiries at once (strongly consistent), by reference; missing ones are absent from the map. */
  getMany(references: readonly string[]): Promise<Map<string, Enquiry>>;
  /**
   * Enquiries still in the outbox (the router has not received them) whose last publish attempt, or receipt
   * if none, is before `notAttemptedSince`, oldest first.
   */
  listInOutbox(notAttemptedSince: string, limit: number): Promise<OutboxEntry[]>;
  /**
   * After a republish: leaves the enquiry in the outbox but not due again before `until`, and counts the
   * attempt. Does nothing if the router has cleared the mark meanwhile.
   */
  deferOutbox(reference: string, until: string): Promise<void>;
  /**
   * How many enquiries received before `receivedBefore` are still in the outbox (the router has not received
   * them), counting no further than `atMost`.
   */
  countInOutbox(receivedBefore: string, atMost: number): Promise<number>;
  /** What statistics count of an enquiry, read without its personal data. */
  getOutline(reference: string): Promise<EnquiryOutline | undefined>;
}

/** A routing rule with its version, for optimistic concurrency. */
export interface VersionedRoutingRule extends RoutingRule {
  readonly version: number;
}

export interface ReferenceDataRepository {
  getPartnership(): Promise<Partnership | undefined>;
  /** Every category in the form's order, retired ones too (marked `retired`). */
  listCategories(): Promise<EnquiryCategory[]>;
  getCategory(code: string): Promise<EnquiryCategory | undefined>;
  getRoutingRule(category: string): Promise<VersionedRoutingRule | undefined>;
  /** Every agency, inactive ones too (marked `active: false`). */
  listAgencies(): Promise<Agency[]>;
  /** A number that changes whenever the directory (partnership, agencies, categories, routing) changes. */
  getDirectoryVersion(): Promise<number>;
  /**
   * Replaces a rule's agencies if its version is still `expectedVersion`, with the audit entry in the same
   * transaction. @throws StaleVersion otherwise.
   */
  updateRoutingRule(rule: RoutingRule, expectedVersion: number, audit: AuditEntry): Promise<void>;
}

export interface EventPublisher {
  /** Publishes all events or throws; partial failures (FailedEntryCount > 0) throw too. */
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}

/** One outgoing email. `from` and `replyTo` are our own addresses, never the enquirer's. */
export interface OutgoingEmail {
  /** Which email this is: tagged on the message, so the provider's later reports name it. */
  readonly id: EmailId;
  readonly from: string;
  readonly to: string;
  readonly replyTo: string;
  readonly content: EmailContent;
}

export interface Mailer {
  /**
   * Sends and returns the provider's message id.
   * @throws EmailNotAccepted when the provider answered with a refusal (the email was certainly not sent).
   */
  send(email: OutgoingEmail): Promise<string>;
}

/** Outcome of claiming an email for sending; a claim's `leaseId` is needed to release it. */
export type EmailClaim =
  | { readonly outcome: 'claimed'; readonly leaseId: string }
  | { readonly outcome: 'already-sent' }
  /** Its address is on the suppression list: recorded as suppressed, never to be sent. */
  | { readonly outcome: 'suppressed' };

/** Remembers each email sent, so a redelivered message never sends twice. */
export interface EmailLedger {
  /**
   * Claims `emailId` for `leaseSeconds`, unless the address of `suppressionKey` (its keyed hash) is on the
   * suppression list: then the email is recorded as suppressed. Returns 'already-sent' if it was sent before,
   * 'suppressed' if it is (or was) suppressed. @throws EmailSendInProgress while another worker's lease is live.
   */
  claim(emailId: EmailId, now: Date, leaseSeconds: number, suppressionKey: string): Promise<EmailClaim>;
  markSent(emailId: EmailId, providerMessageId: string, at: string): Promise<void>;
  /** Gives up a claim whose send certainly failed, so the next attempt can claim at once. */
  release(emailId: EmailId, leaseId: string): Promise<void>;
  /**
   * Records what the provider later said about a sent email, unless it already holds something at least as
   * final (a complaint outranks a delivery; a delivery never overwrites a bounce). @returns false when the
   * email is not ours, or the report changed nothing.
   */
  recordDelivery(emailId: EmailId, report: DeliveryReport): Promise<boolean>;
}

/**
 * Identifies one email: what it is about (`topic`, e.g. `ENQUIRY#CSU-2026-000123` or
 * `CHAIR_TERM#2027-04-01`), its kind and its recipient.
 */
export interface EmailId {
  readonly topic: string;
  readonly kind: (typeof EMAIL_KINDS)[number];
  readonly recipientId: string;
}

/** Every kind of email we send. */
export const EMAIL_KINDS = [
  'acknowledgement',
  'referral',
  'chair-rotation',
  'public-update',
  'closure',
  'referral-declined',
  'overdue-digest',
  'undelivered-referral',
] as const;

/**
 * What the mail provider later said about a sent email: sent (it took the email on, nothing more yet);
 * delivered; bounced (permanently, unless the bounce type says otherwise); the recipient complained; delayed;
 * or rejected (e.g. a virus).
 */
export type DeliveryOutcome = 'sent' | 'delivered' | 'bounced' | 'complained' | 'delayed' | 'rejected';

/** The provider's latest word on an email. */
export interface DeliveryReport {
  readonly outcome: DeliveryOutcome;
  readonly at: string;
  /** For a bounce: `Permanent`, `Transient` or `Undetermined`. */
  readonly bounceType?: string;
}

/**
 * Addresses that must not be emailed again (a permanent bounce or a complaint), kept by keyed hash, never the
 * address. The partnership's own list, besides the provider's.
 */
export interface SuppressionList {
  /** Adds an address; adding it again is harmless. */
  suppress(addressHash: string, entry: { reason: 'bounce' | 'complaint'; at: string }): Promise<void>;
}

/**
 * Keyed hashes of personal data, to count or find an address without storing it in clear. Callers normalise
 * first (see `normaliseEmail`), so one person's address always hashes alike.
 */
export interface PersonalDataHasher {
  hash(kind: 'email' | 'phone', normalised: string): Promise<string>;
}

/** Injected time, so use cases are testable at any instant. */
export type Clock = () => Date;
