/**
 * Subject access (UK GDPR art. 15): what one person is told we hold about them, built from their cases. Pure:
 * the use case finds the cases and audits the reads.
 */
import type { TimelineKind } from './casework.ts';
import { timelineOf } from './casework.ts';
import type { CaseRecord } from './casework-ports.ts';
import type { Enquiry } from './enquiry.ts';

/** How a request identifies the person. */
export type SubjectIdentifier = 'email' | 'phone' | 'reference';

/** Timeline details that name staff or point at internal records: not the requester's data, and not shown. */
const INTERNAL_DETAILS = new Set(['officer', 'noteId', 'updateId']);

/** One enquiry of the person, as their export shows it. */
export interface SubjectEnquiry {
  readonly reference: string;
  /** Which of the request's identifiers found it. */
  readonly matchedBy: readonly SubjectIdentifier[];
  readonly category: { readonly code: string; readonly title: string };
  readonly receivedAt: string;
  readonly status: Enquiry['status'];
  readonly closure?: Enquiry['closure'];
  /** When its personal data was removed, if it was: what is left is not about an identifiable person. */
  readonly anonymisedAt?: string;
  /** Everything the person sent, as stored. */
  readonly submitted: {
    readonly description: string;
    readonly happeningNow: boolean;
    readonly contact: Enquiry['contact'];
    readonly location?: Enquiry['location'];
    readonly safeContact: Enquiry['safeContact'];
  };
  /** Every change to the case, oldest first, without the staff it names. */
  readonly statusHistory: readonly {
    readonly at: string;
    readonly change: TimelineKind;
    readonly details: Readonly<Record<string, unknown>>;
  }[];
  readonly publicUpdates: Enquiry['publicUpdates'];
  /** Emails to the person about this enquiry: when, what, and whether sent. */
  readonly emailsToThem: readonly {
    readonly kind: string;
    readonly status: string;
    readonly sentAt?: string;
  }[];
  /** Who the enquiry was passed to. */
  readonly referredTo: readonly {
    readonly agencyId: string;
    readonly agencyName: string;
    readonly referredAt: string;
    readonly status: string;
    readonly respondedAt?: string;
  }[];
  /** Only when the officer included them (they may be exempt, e.g. where disclosure would harm someone). */
  readonly internalNotes?: readonly { readonly at: string; readonly text: string }[];
}

/** The export: the enquiries found, oldest first, and how they were looked for. */
export interface SubjectAccessExport {
  readonly generatedAt: string;
  readonly searchedBy: readonly SubjectIdentifier[];
  readonly includesInternalNotes: boolean;
  readonly enquiries: readonly SubjectEnquiry[];
}

/** One found case, with what found it. */
export interface SubjectMatch {
  readonly record: CaseRecord;
  readonly matchedBy: readonly SubjectIdentifier[];
}

/** The export of `matches`, oldest first; internal notes only when asked for. */
export function subjectAccessExport(
  matches: readonly SubjectMatch[],
  options: {
    readonly generatedAt: string;
    readonly searchedBy: readonly SubjectIdentifier[];
    readonly includeInternalNotes: boolean;
    /** Category titles by code; an unknown code is shown as itself. */
    readonly categoryTitles: ReadonlyMap<string, string>;
  },
): SubjectAccessExport {
  const enquiries = [...matches]
    .sort((a, b) => (a.record.enquiry.receivedAt < b.record.enquiry.receivedAt ? -1 : 1))
    .map(({ record, matchedBy }) => subjectEnquiry(record, matchedBy, options));
  return {
    generatedAt: options.generatedAt,
    searchedBy: options.searchedBy,
    includesInternalNotes: options.includeInternalNotes,
    enquiries,
  };
}

function subjectEnquiry(
  record: CaseRecord,
  matchedBy: readonly SubjectIdentifier[],
  options: { includeInternalNotes: boolean; categoryTitles: ReadonlyMap<string, string> },
): SubjectEnquiry {
  const { enquiry } = record;
  return {
    reference: enquiry.reference,
    matchedBy,
    category: {
      code: enquiry.category,
      title: options.categoryTitles.get(enquiry.category) ?? enquiry.category,
    },
    receivedAt: enquiry.receivedAt,
    status: enquiry.status,
    closure: enquiry.closure,
    anonymisedAt: enquiry.anonymisedAt,
    submitted: {
      description: enquiry.description,
      happeningNow: enquiry.happeningNow,
      contact: enquiry.contact,
      location: enquiry.location,
      safeContact: enquiry.safeContact,
    },
    statusHistory: timelineOf(enquiry, record.timeline).map((entry) => ({
      at: entry.at,
      change: entry.kind,
      details: Object.fromEntries(
        Object.entries(entry.details).filter(([name]) => !INTERNAL_DETAILS.has(name)),
      ),
    })),
    publicUpdates: enquiry.publicUpdates,
    emailsToThem: record.emails
      .filter((email) => email.recipientId === 'enquirer' || email.recipientId.startsWith('enquirer#'))
      .map((email) => ({ kind: email.kind, status: email.status, sentAt: email.sentAt })),
    referredTo: enquiry.referrals.map((referral) => ({
      agencyId: referral.agencyId,
      agencyName: referral.agencyName,
      referredAt: referral.referredAt,
      status: referral.status,
      respondedAt: referral.respondedAt,
    })),
    ...(options.includeInternalNotes
      ? { internalNotes: record.notes.map((note) => ({ at: note.at, text: note.text })) }
      : {}),
  };
}
