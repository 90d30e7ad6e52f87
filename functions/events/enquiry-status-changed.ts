import { ENQUIRIES_SOURCE, type EventDefinition } from './envelope.ts';
import { type DataOf, eventSchema, optional } from './event-schema.ts';

/**
 * Data of `EnquiryStatusChanged` v1: staff moved a case along its state machine. Codes only: the closure
 * reason is one of CLOSURE_REASONS, and `updateId` names the public update published with the change, if any.
 */
const ENQUIRY_STATUS_CHANGED = {
  reference: 'string',
  from: 'string',
  to: 'string',
  reason: optional('string'),
  updateId: optional('string'),
  /** The timeline entry of the change: one closure email per closure, however often this is delivered. */
  changeId: 'string',
} as const;
export type EnquiryStatusChanged = DataOf<typeof ENQUIRY_STATUS_CHANGED>;

/** Published for every staff transition; a closure is emailed to the enquirer (with consent). */
export const EnquiryStatusChangedEvent: EventDefinition<EnquiryStatusChanged> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryStatusChanged',
  version: 1,
  schema: eventSchema(ENQUIRY_STATUS_CHANGED, 'data.'),
};
