/** An agency's answer to a referral: accepted, or declined with a reason code. */
import { ENQUIRIES_SOURCE, type EventDefinition } from './envelope.ts';
import { type DataOf, eventSchema } from './event-schema.ts';

const ENQUIRY_REFERRAL_ACCEPTED = { reference: 'string', agencyId: 'string', changeId: 'string' } as const;
export type EnquiryReferralAccepted = DataOf<typeof ENQUIRY_REFERRAL_ACCEPTED>;

/** Data of `EnquiryReferralAccepted` v1: the agency has taken the case on. */
export const EnquiryReferralAcceptedEvent: EventDefinition<EnquiryReferralAccepted> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryReferralAccepted',
  version: 1,
  schema: eventSchema(ENQUIRY_REFERRAL_ACCEPTED, 'data.'),
};

/** `reason` is one of DECLINE_REASONS; the officer's own words stay in the case's internal notes. */
const ENQUIRY_REFERRAL_DECLINED = {
  reference: 'string',
  agencyId: 'string',
  reason: 'string',
  changeId: 'string',
} as const;
export type EnquiryReferralDeclined = DataOf<typeof ENQUIRY_REFERRAL_DECLINED>;

/** Data of `EnquiryReferralDeclined` v1: the case is back with the CSU, who are told by email. */
export const EnquiryReferralDeclinedEvent: EventDefinition<EnquiryReferralDeclined> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryReferralDeclined',
  version: 1,
  schema: eventSchema(ENQUIRY_REFERRAL_DECLINED, 'data.'),
};

/** `bounceType` is SES's (`Permanent`); no address travels. */
const ENQUIRY_REFERRAL_UNDELIVERED = {
  reference: 'string',
  agencyId: 'string',
  bounceType: 'string',
} as const;
export type EnquiryReferralUndelivered = DataOf<typeof ENQUIRY_REFERRAL_UNDELIVERED>;

/**
 * Data of `EnquiryReferralUndelivered` v1: the agency's mailbox refused the referral for good; the case is
 * back with the CSU, who are alerted by email (once per enquiry and agency).
 */
export const EnquiryReferralUndeliveredEvent: EventDefinition<EnquiryReferralUndelivered> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryReferralUndelivered',
  version: 1,
  schema: eventSchema(ENQUIRY_REFERRAL_UNDELIVERED, 'data.'),
};
