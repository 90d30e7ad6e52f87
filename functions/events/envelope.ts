/**
 * Every event we publish is `{ metadata, data }`: metadata says what it is and ties it to one enquiry's
 * correlation id; data is the event's own, versioned schema. Events never carry personal data: consumers read
 * the enquiry from the table when they need its content.
 */
import * as z from 'zod/mini';

/** Source of every event the enquiry slice publishes. */
export const ENQUIRIES_SOURCE = 'csp.enquiries';

/** Source of governance events (chair rotation). */
export const GOVERNANCE_SOURCE = 'csp.governance';

export const eventMetadataSchema = z.object({
  eventName: z.string(),
  version: z.int(),
  correlationId: z.string(),
  occurredAt: z.iso.datetime(),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

/** What a publisher sends: EventBridge's Source, DetailType and Detail. */
export interface OutgoingEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: { readonly metadata: EventMetadata; readonly data: unknown };
}

/** Describes one event type so producers and consumers share its name, source, version and schema. */
export interface EventDefinition<Data> {
  readonly source: string;
  readonly detailType: string;
  readonly version: number;
  readonly schema: z.ZodMiniType<Data>;
}

/** Builds an outgoing event of `definition`, validating `data` so a producer cannot emit a malformed event. */
export function createEvent<Data>(
  definition: EventDefinition<Data>,
  data: Data,
  context: { correlationId: string; occurredAt: string },
): OutgoingEvent {
  return {
    source: definition.source,
    detailType: definition.detailType,
    detail: {
      metadata: {
        eventName: definition.detailType,
        version: definition.version,
        correlationId: context.correlationId,
        occurredAt: context.occurredAt,
      },
      data: definition.schema.parse(data),
    },
  };
}

/** Parses an EventBridge event's `detail` as `definition`; throws a ZodError when it does not fit. */
export function parseEventDetail<Data>(
  definition: EventDefinition<Data>,
  detail: unknown,
): { metadata: EventMetadata; data: Data } {
  const envelope = z.object({ metadata: eventMetadataSchema, data: definition.schema }).parse(detail);
  return { metadata: envelope.metadata, data: envelope.data as Data };
}
