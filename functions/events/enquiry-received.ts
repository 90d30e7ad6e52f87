import { type Enquiry, wantsAcknowledgement } from '../domain/enquiry.ts';
import { createEvent, ENQUIRIES_SOURCE, type EventDefinition, type OutgoingEvent } from './envelope.ts';
import { type DataOf, eventSchema, optional } from './event-schema.ts';

/** Data of `EnquiryReceived` v1: an enquiry was stored. No personal data. */
const ENQUIRY_RECEIVED = {
  reference: 'string',
  category: 'string',
  /** The enquirer gave an email address and said it is safe to email them. */
  acknowledgementRequested: 'boolean',
  happeningNow: 'boolean',
  /**
   * When it was stored, and whether its category is sensitive: with these the router can record its decision
   * without reading the enquiry first. Optional, so an event published before they existed still routes.
   */
  receivedAt: optional('datetime'),
  sensitive: optional('boolean'),
} as const;
export type EnquiryReceived = DataOf<typeof ENQUIRY_RECEIVED>;
export const enquiryReceivedSchema = eventSchema(ENQUIRY_RECEIVED, 'data.');

/** Published once an enquiry is stored (again by the outbox sweeper if the first publish failed). */
export const EnquiryReceivedEvent: EventDefinition<EnquiryReceived> = {
  source: ENQUIRIES_SOURCE,
  detailType: 'EnquiryReceived',
  version: 1,
  schema: enquiryReceivedSchema,
};

/** The `EnquiryReceived` event announcing `enquiry`; its reference is the correlation id of all that follows. */
export function enquiryReceived(enquiry: Enquiry, occurredAt: string): OutgoingEvent {
  return createEvent(
    EnquiryReceivedEvent,
    {
      reference: enquiry.reference,
      category: enquiry.category,
      acknowledgementRequested: wantsAcknowledgement(enquiry),
      happeningNow: enquiry.happeningNow,
      receivedAt: enquiry.receivedAt,
      sensitive: enquiry.sensitive,
    },
    { correlationId: enquiry.reference, occurredAt },
  );
}
