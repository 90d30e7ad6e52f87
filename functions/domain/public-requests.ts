/**
 * What the public may see of an enquiry in open feeds (Open311's GET requests): its category, whether it is open,
 * a fixed phrase for how far it has got, who is responsible, when, and the postcode sector. Never what the
 * enquirer wrote or who they are, never coordinates, and nothing at all of a sensitive category.
 */
import type { ClosureReason } from './casework-vocabulary.ts';
import type { Enquiry, EnquiryStatus } from './enquiry.ts';
import { postcodeSector } from './retention.ts';

/** An enquiry as a public feed shows it. */
export interface PublicRequest {
  readonly reference: string;
  readonly category: string;
  readonly open: boolean;
  /** One of {@link PUBLIC_STATUS_NOTES} or {@link PUBLIC_CLOSURE_NOTES}: never free text. */
  readonly statusNotes: string;
  /** Names of the agencies the enquiry went to (organisations, not people). */
  readonly agencies: readonly string[];
  readonly requestedAt: string;
  readonly updatedAt: string;
  /** When it is due to be closed, while open. */
  readonly expectedAt?: string;
  /** `TN23 1`: enough for an area, too little for a home. */
  readonly postcodeSector?: string;
}

/** How far an open enquiry has got, in fixed public words. */
export const PUBLIC_STATUS_NOTES: Record<Exclude<EnquiryStatus, 'closed'>, string> = {
  received: 'Received by the Community Safety Unit.',
  routed: 'Passed to the agencies responsible.',
  'in-progress': 'Being dealt with.',
};

/** How a closed enquiry ended, in fixed public words. */
export const PUBLIC_CLOSURE_NOTES: Record<ClosureReason | 'unknown', string> = {
  resolved: 'Dealt with by the agencies involved.',
  'referred-elsewhere': 'Passed to another organisation better placed to help.',
  'no-further-action': 'Looked into; no further action was needed.',
  duplicate: 'Handled together with another report of the same matter.',
  withdrawn: 'Withdrawn.',
  'no-response': 'Closed: the enquirer could not be reached.',
  unknown: 'Closed.',
};

const SECTOR = /^[A-Z]{1,2}\d[A-Z\d]? \d$/;

/** The public view of `enquiry`, or undefined when its category is sensitive: those are never published. */
export function publicRequestOf(enquiry: Enquiry): PublicRequest | undefined {
  if (enquiry.sensitive) return undefined;
  const open = enquiry.status !== 'closed';
  const postcode = enquiry.location?.postcode;
  // An anonymised enquiry already holds only the sector.
  const sector = postcodeSector(postcode) ?? (postcode && SECTOR.test(postcode) ? postcode : undefined);
  const agencies = [...new Set((enquiry.routing ?? []).map((recipient) => recipient.name))];
  return {
    reference: enquiry.reference,
    category: enquiry.category,
    open,
    statusNotes:
      enquiry.status === 'closed'
        ? PUBLIC_CLOSURE_NOTES[enquiry.closure?.reason ?? 'unknown']
        : PUBLIC_STATUS_NOTES[enquiry.status],
    agencies,
    requestedAt: enquiry.receivedAt,
    updatedAt: enquiry.updatedAt,
    ...(open && enquiry.dueBy ? { expectedAt: enquiry.dueBy } : {}),
    ...(sector ? { postcodeSector: sector } : {}),
  };
}
