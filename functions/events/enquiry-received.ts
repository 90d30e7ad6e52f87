import * as z from 'zod/mini';
import { type Enquiry, wantsAcknowledgement } from '../domain/enquiry.ts';
import { createEvent, ENQUIRIES_SOURCE, type EventDefinition, type OutgoingEvent } from './envelope.ts';

/** Data of `EnquiryReceived` v1: an enquiry was stored. No personal data. */
export const enquiryReceivedSchema = z.object({
  reference: z.string(),
  category: z.string(),
  /** The enquirer gave an email address and said it is safe to email them. */
  acknowledgementRequested: z.boolean(),
  happeningNow: z.boolean(),
});
export type EnquiryReceived = z.infer<typeof enquiryReceivedSchema>;

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
    },
    { correlationId: enquiry.reference, occurredAt },
  );
}
