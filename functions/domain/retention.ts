/**
 * Retention: when an enquiry stops being a case about a person and becomes a statistic, and what is left of it.
 * Anonymising removes everything that identifies or describes anyone (name, email, phone, address, description,
 * safe-contact details, the text of public updates and notes) and keeps what the partnership counts: reference,
 * category, dates, status, outcome, agencies and the postcode sector (`TN23 1`).
 */
import type { ClosureReason } from './casework-vocabulary.ts';
import type { Enquiry } from './enquiry.ts';

/** Months after which enquiries are anonymised (the stage config's `anonymiseAfterMonths`). */
export interface AnonymiseAfterMonths {
  /** After closure, for categories that are not sensitive. */
  readonly closed: number;
  /** After closure, for sensitive categories. */
  readonly sensitiveClosed: number;
  /** After receipt, for an enquiry never closed. */
  readonly neverClosed: number;
}

/** Reads the policy from its JSON form (the `ANONYMISE_AFTER_MONTHS` variable); throws when malformed. */
export function parseAnonymiseAfterMonths(json: string): AnonymiseAfterMonths {
  const value = JSON.parse(json) as Record<string, unknown>;
  const months = (key: keyof AnonymiseAfterMonths) => {
    const n = value[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      throw new Error(`${key} must be whole months`);
    return n;
  };
  return {
    closed: months('closed'),
    sensitiveClosed: months('sensitiveClosed'),
    neverClosed: months('neverClosed'),
  };
}

/** The instant `months` calendar months before `at` (the same day of the month, clamped to its end). */
export function monthsBefore(at: Date, months: number): Date {
  const result = new Date(at.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** `TN23 1PL` → `TN23 1`: enough to count by area, too little to find a home. */
export function postcodeSector(postcode: string | undefined): string | undefined {
  const match = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d)[A-Z]{2}$/i.exec(postcode?.trim() ?? '');
  return match ? `${match[1]!.toUpperCase()} ${match[2]}` : undefined;
}

/** The text that stands where removed free text was. */
export const REMOVED = '[removed]';

/**
 * The enquiry with every personal detail removed. An enquiry never closed is closed (`no-response`) as it is
 * anonymised: nobody can be contacted about it any more.
 */
export function anonymised(
  enquiry: Enquiry,
  at: string,
  closureReason: ClosureReason = 'no-response',
): Enquiry {
  const sector = postcodeSector(enquiry.location?.postcode);
  const closing = enquiry.status !== 'closed';
  return {
    ...enquiry,
    description: REMOVED,
    contact: {},
    location: sector ? { postcode: sector } : undefined,
    safeContact: { mayEmail: false, mayPhone: false },
    publicUpdates: enquiry.publicUpdates.map((update) => ({ ...update, message: REMOVED })),
    statusToken: '',
    subjectKeys: undefined,
    idempotencyKeyHash: undefined,
    status: 'closed',
    closure: closing ? { reason: closureReason, at } : enquiry.closure,
    anonymisedAt: at,
    version: enquiry.version + 1,
    updatedAt: at,
  };
}
