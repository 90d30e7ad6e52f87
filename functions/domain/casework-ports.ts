/** What the casework use cases need from storage. */
import type { OutgoingEvent } from '../events/envelope.ts';
import type { CaseChange, CaseListing, CaseNote, TimelineEntry } from './casework.ts';
import type { Enquiry, EnquiryStatus } from './enquiry.ts';
import type { DeliveryReport, Page } from './ports.ts';

/** How one email about the case fared, from the email ledger. */
export interface EmailDelivery {
  /** `acknowledgement`, `referral`, `public-update`, `closure`… */
  readonly kind: string;
  /** The agency id for a referral; `enquirer#…` or `csu#…` otherwise. */
  readonly recipientId: string;
  /**
   * `sending` while a mailer holds it, or if a send failed and awaits its retry; `suppressed` when its address
   * bounced or complained before, so it was never sent.
   */
  readonly status: 'sending' | 'sent' | 'suppressed';
  readonly sentAt?: string;
  /** What the mail provider later reported: delivered, bounced, complained… */
  readonly delivery?: DeliveryReport;
}

/** Everything about one case, as staff see it. */
export interface CaseRecord {
  readonly enquiry: Enquiry;
  /** Oldest first. */
  readonly timeline: readonly TimelineEntry[];
  /** Oldest first. */
  readonly notes: readonly CaseNote[];
  readonly emails: readonly EmailDelivery[];
}

/** One read of a case's personal data, for the audit trail. */
export interface CaseAccess {
  readonly reference: string;
  readonly at: string;
  readonly subject: string;
  readonly role: string;
  readonly agencyId?: string;
  /** What was read, e.g. `case` (the record, timeline and notes together). */
  readonly view: string;
}

/** Which cases to list; every filter is optional but `statuses`. */
export interface CaseListQuery {
  readonly statuses: readonly EnquiryStatus[];
  /** Only cases referred to this agency (and not declined by it). */
  readonly agencyId?: string;
  readonly category?: string;
  /** ISO instants: received at or after `receivedFrom`, before `receivedBefore`. */
  readonly receivedFrom?: string;
  readonly receivedBefore?: string;
  /** Only cases whose deadline is before this instant (overdue at it). */
  readonly overdueAt?: string;
  readonly assignedTo?: string;
  readonly needsTriage?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

/** A change's events not yet known to be on the bus. */
export interface PendingCaseEvents {
  readonly reference: string;
  readonly outboxId: string;
  readonly events: readonly OutgoingEvent[];
}

export interface CaseRepository {
  getCase(reference: string): Promise<CaseRecord | undefined>;
  /**
   * Writes a change (the case, its timeline entries, its note, each agency's listing) and the events it must
   * publish, in one transaction, if the case is still at `change.before.version`.
   * @returns the outbox id of the events, to mark them published; undefined when there are none.
   * @throws StaleVersion when the case changed since it was read.
   */
  save(change: CaseChange, events?: readonly OutgoingEvent[]): Promise<string | undefined>;
  /** Takes a change's events out of the outbox once they are on the bus. */
  markEventsPublished(reference: string, outboxId: string, at: string): Promise<void>;
  /** Changes whose events were written before `notSince` and are still unpublished, oldest first. */
  listPendingEvents(notSince: string, limit: number): Promise<PendingCaseEvents[]>;
  /** Cases newest first, one page; never a Scan. */
  listCases(query: CaseListQuery): Promise<Page<CaseListing>>;
  recordAccess(access: CaseAccess): Promise<void>;
  /** References of the enquiries whose enquirer's email or phone has this keyed hash (see `SubjectKeys`). */
  findBySubject(channel: 'email' | 'phone', subjectKey: string): Promise<string[]>;
  /** References of cases closed before `closedBefore` and not yet anonymised, oldest first. */
  listClosedBefore(sensitive: boolean, closedBefore: string, limit: number): Promise<string[]>;
  /**
   * Writes `after`, the anonymised case, over `record` (its notes' text and its idempotency record's request
   * fingerprint removed too), if the case is still at the version read. @throws StaleVersion otherwise.
   */
  anonymise(record: CaseRecord, after: Enquiry, timeline?: readonly TimelineEntry[]): Promise<void>;
}
