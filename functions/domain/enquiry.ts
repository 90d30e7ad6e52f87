/**
 * The enquiry: what a member of the public tells the Community Safety Unit, and the rules about what may be
 * done with their personal data.
 */
import type { Closure, PublicUpdate, Referral } from './casework.ts';

/** Where an enquiry is in its life. Staff move it forward; the public only ever sees this value. */
export const ENQUIRY_STATUSES = ['received', 'routed', 'in-progress', 'closed'] as const;
export type EnquiryStatus = (typeof ENQUIRY_STATUSES)[number];

/** The statuses of a case still being worked: everything but closed. */
export const OPEN_STATUSES: readonly EnquiryStatus[] = ['received', 'routed', 'in-progress'];

/** Plain-English status labels for the enquirer's status page. */
export const STATUS_DESCRIPTIONS: Record<EnquiryStatus, string> = {
  received: 'We have received your enquiry and will pass it to the right team.',
  routed: 'Your enquiry has been passed to the agencies who can help.',
  'in-progress': 'An officer is working on your enquiry.',
  closed: 'Your enquiry has been closed.',
};

/** Where the issue is happening. Any combination may be given; none is required. */
export interface EnquiryLocation {
  readonly postcode?: string;
  readonly address?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

/** Personal contact details. Every field is personal data. */
export interface EnquirerContact {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
}

/** What the enquirer said is safe: an abuser may read their email, answer their phone or hear a voicemail. */
export interface SafeContactPreferences {
  readonly mayEmail: boolean;
  readonly mayPhone: boolean;
  /** A message may be left on the phone given; absent means no. */
  readonly mayLeaveVoicemail?: boolean;
  /** When it is safe to make contact, in the enquirer's words (at most 200 characters). */
  readonly safeTimes?: string;
  readonly preferredLanguage?: string;
}

/** Who submitted an enquiry on the enquirer's behalf: absent for our own API and form. */
export interface EnquirySource {
  /** An Open311 GeoReport v2 client (a council site, FixMyStreet), identified by its API key. */
  readonly channel: 'open311';
  readonly clientId: string;
  readonly clientName: string;
}

/** A validated submission, before it is given a reference. */
export interface NewEnquiry {
  readonly category: string;
  readonly description: string;
  readonly contact: EnquirerContact;
  readonly location?: EnquiryLocation;
  readonly happeningNow: boolean;
  readonly safeContact: SafeContactPreferences;
  readonly source?: EnquirySource;
}

/** A stored enquiry: what the enquirer sent, and the case staff work from it (see casework.ts). */
export interface Enquiry extends NewEnquiry {
  readonly reference: string;
  /** Whether its category is sensitive (e.g. domestic abuse), as it was when the enquiry was received. */
  readonly sensitive: boolean;
  readonly status: EnquiryStatus;
  /** Incremented by every change; the ETag staff send back in If-Match. */
  readonly version: number;
  /** Secret that lets the enquirer view the status; never logged. */
  readonly statusToken: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** Agency ids the router chose; set once, when the enquiry is routed. */
  readonly routedTo?: readonly string[];
  /** The recipients the router chose, with their mailboxes; the mailer sends only to these. */
  readonly routing?: readonly RoutedRecipient[];
  /** One per agency the enquiry was referred to, with its answer. */
  readonly referrals: readonly Referral[];
  /** The officer working the case. */
  readonly assignedTo?: string;
  /** When the case should be closed by (its category's target, in working days from receipt). */
  readonly dueBy?: string;
  /** Waiting for the CSU to decide where it goes (nothing routed, or a referral was declined). */
  readonly needsTriage: boolean;
  readonly closure?: Closure;
  /** Messages to the enquirer, newest first. */
  readonly publicUpdates: readonly PublicUpdate[];
  /** When storage deletes it and everything about it (epoch seconds): the end of its retention. */
  readonly expiresAt?: number;
  /** The address had its day's acknowledgements already: this enquiry is stored and routed, not acknowledged. */
  readonly acknowledgementLimited?: boolean;
  /** When its personal data was removed (see retention.ts); what is left is kept for statistics. */
  readonly anonymisedAt?: string;
  /**
   * Keyed hashes of the enquirer's normalised email and phone (never the values), by which a subject access
   * request finds every enquiry of one person. Removed with the rest of the personal data.
   */
  readonly subjectKeys?: SubjectKeys;
  /** The hash of the client's Idempotency-Key, so erasure can find the record that fingerprints the request. */
  readonly idempotencyKeyHash?: string;
}

/** Keyed hashes identifying an enquirer, one per contact channel given. */
export interface SubjectKeys {
  readonly email?: string;
  readonly phone?: string;
}

/** A mailbox an enquiry was routed to (an organisation's, not personal data). */
export interface RoutedRecipient {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

/** Maximum description length, in characters. */
export const MAX_DESCRIPTION_LENGTH = 4000;

/** The enquirer gave an email address and said it is safe to use: updates and closure may be emailed. */
export function consentsToEmail(enquiry: Pick<NewEnquiry, 'contact' | 'safeContact'>): boolean {
  return Boolean(enquiry.contact.email) && enquiry.safeContact.mayEmail;
}

/** An acknowledgement goes only to an address given and said safe, and not beyond its daily limit. */
export function wantsAcknowledgement(
  enquiry: Pick<Enquiry, 'contact' | 'safeContact'> & { readonly acknowledgementLimited?: boolean },
): boolean {
  return consentsToEmail(enquiry) && !enquiry.acknowledgementLimited;
}

/** An address as one person's, whatever its case or surrounding space, for counting and finding. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A phone number as one person's, however it was written: digits only, a UK international prefix (`+44`,
 * `0044`, with or without the trunk `(0)`) written as the national `0`. `+44 (0)7700 900123`, `07700-900123`
 * and `00447700900123` are all `07700900123`; other international numbers keep their country code.
 */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  const international = trimmed.startsWith('+') || trimmed.startsWith('00');
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('00')) digits = digits.slice(2);
  if (!international) return digits;
  if (!digits.startsWith('44')) return `+${digits}`;
  const national = digits.slice(2);
  return national.startsWith('0') ? national : `0${national}`;
}

/**
 * The contact details an agency may see: each channel only where the enquirer consented to it. The name is
 * shared whenever some channel is shared, so the agency knows whom to ask for.
 */
export function contactSharedWithAgencies(
  enquiry: Pick<NewEnquiry, 'contact' | 'safeContact'>,
): EnquirerContact {
  const email = enquiry.safeContact.mayEmail ? enquiry.contact.email : undefined;
  const phone = enquiry.safeContact.mayPhone ? enquiry.contact.phone : undefined;
  const name = email || phone ? enquiry.contact.name : undefined;
  return { name, email, phone };
}

/** The enquirer's status page; the token is the only credential. */
export function statusUrl(baseUrl: string, enquiry: Pick<Enquiry, 'reference' | 'statusToken'>): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/enquiries/${encodeURIComponent(enquiry.reference)}/status?token=${encodeURIComponent(enquiry.statusToken)}`;
}

/**
 * A case in the staff console (`/console/cases/{reference}`): it opens in a browser after sign-in, for staff
 * who may see the case only, so it is safe to put in an email.
 */
export function caseUrl(apiUrl: string, reference: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/console/cases/${encodeURIComponent(reference)}`;
}
