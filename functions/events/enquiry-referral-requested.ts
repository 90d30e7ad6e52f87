import * as z from 'zod/mini';
import { ENQUIRIES_SOURCE, type EventDefinition } from './envelope.ts';

/**
 * Data of `EnquiryReferralRequested` v1: send one enquiry to one of the recipients recorded on it. Only the
 * recipient's id travels; the mailer reads the address from the enquiry's recorded routing.
 */
export const enquiryReferralRequestedSchema = z.object({
  reference: z.string(),
  recipientId: z.string(),
});
export type EnquiryReferralRequested = z.infer<typeof enquiryReferralRequestedSchema>;

/** Emitted by the router, one per recipient, so each email is retried and deduplicated on its own. */
export const EnquiryReferralRequestedEvent: EventDefinition<EnquiryReferralRequested> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryReferralRequested',
  version: 1,
  schema: enquiryReferralRequestedSchema,
};
