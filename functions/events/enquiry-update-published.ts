import { ENQUIRIES_SOURCE, type EventDefinition } from './envelope.ts';
import { type DataOf, eventSchema } from './event-schema.ts';

/** Data of `EnquiryUpdatePublished` v1: staff wrote the enquirer an update; its text stays on the case. */
const ENQUIRY_UPDATE_PUBLISHED = { reference: 'string', updateId: 'string' } as const;
export type EnquiryUpdatePublished = DataOf<typeof ENQUIRY_UPDATE_PUBLISHED>;

/** Published for each public update that is not part of a closure; emailed to the enquirer with consent. */
export const EnquiryUpdatePublishedEvent: EventDefinition<EnquiryUpdatePublished> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryUpdatePublished',
  version: 1,
  schema: eventSchema(ENQUIRY_UPDATE_PUBLISHED, 'data.'),
};
