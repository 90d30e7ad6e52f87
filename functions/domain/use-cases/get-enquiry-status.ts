import { timingSafeEqual } from 'node:crypto';
import { CLOSURE_OUTCOMES, type ClosureReason } from '../casework-vocabulary.ts';
import { type EnquiryStatus, STATUS_DESCRIPTIONS } from '../enquiry.ts';
import { EnquiryNotFound } from '../errors.ts';
import type { EnquiryRepository } from '../ports.ts';
import { isReference } from '../reference.ts';

/**
 * What the enquirer may see: the status, the updates staff wrote for them and, once closed, the outcome in
 * plain words; never what they sent (someone else may hold the link) and never staff notes.
 */
export interface EnquiryStatusView {
  readonly reference: string;
  readonly status: EnquiryStatus;
  readonly statusDescription: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  /** Newest first. */
  readonly publicUpdates: readonly { readonly at: string; readonly message: string }[];
  readonly closure?: { readonly reason: ClosureReason; readonly at: string; readonly outcome: string };
}

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Shows an enquiry's status to whoever holds its token; a wrong token looks exactly like a wrong reference. */
export async function getEnquiryStatus(
  enquiries: Pick<EnquiryRepository, 'get'>,
  reference: string,
  token: string,
): Promise<EnquiryStatusView> {
  if (!isReference(reference)) throw new EnquiryNotFound(reference);
  const enquiry = await enquiries.get(reference);
  if (!enquiry || !tokensEqual(enquiry.statusToken, token)) throw new EnquiryNotFound(reference);
  return {
    reference: enquiry.reference,
    status: enquiry.status,
    statusDescription: STATUS_DESCRIPTIONS[enquiry.status],
    receivedAt: enquiry.receivedAt,
    updatedAt: enquiry.updatedAt,
    publicUpdates: enquiry.publicUpdates.map(({ at, message }) => ({ at, message })),
    closure:
      enquiry.status === 'closed' && enquiry.closure
        ? { ...enquiry.closure, outcome: CLOSURE_OUTCOMES[enquiry.closure.reason] }
        : undefined,
  };
}
