import { ENQUIRIES_SOURCE, type EventDefinition } from './envelope.ts';
import { type DataOf, eventSchema } from './event-schema.ts';

/**
 * Data of `EnquiryReferralRequested` v1: send one enquiry to one of the recipients recorded on it. Only the
 * recipient's id travels; the mailer reads the address from the enquiry's recorded routing.
 */
const ENQUIRY_REFERRAL_REQUESTED = { reference: 'string', recipientId: 'string' } as const;
export type EnquiryReferralRequested = DataOf<typeof ENQUIRY_REFERRAL_REQUESTED>;
export const enquiryReferralRequestedSchema = eventSchema(ENQUIRY_REFERRAL_REQUESTED, 'data.');

/** Emitted by the router, one per recipient, so each email is retried and deduplicated on its own. */
export const EnquiryReferralRequestedEvent: EventDefinition<EnquiryReferralRequested> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryReferralRequested',
  version: 1,
  schema: enquiryReferralRequestedSchema,
};
