/**
 * Every event we publish is `{ metadata, data }`: metadata says what it is and ties it to one enquiry's
 * correlation id; data is the event's own, versioned schema. Events never carry personal data: consumers read
 * the enquiry from the table when they need its content.
 */
import { type DataOf, EventDataInvalid, type EventSchema, eventSchema } from './event-schema.ts';

/** Source of every event the enquiry slice publishes. */
export const ENQUIRIES_SOURCE = 'csp.enquiries';

/** Source of governance events (chair rotation). */
export const GOVERNANCE_SOURCE = 'csp.governance';

const METADATA = {
  eventName: 'string',
  version: 'integer',
  correlationId: 'string',
  occurredAt: 'datetime',
} as const;
export type EventMetadata = DataOf<typeof METADATA>;
const eventMetadataSchema = eventSchema(METADATA, 'metadata.');

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
  readonly schema: EventSchema<Data>;
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

/** Parses an EventBridge event's `detail` as `definition`; throws EventDataInvalid when it does not fit. */
export function parseEventDetail<Data>(
  definition: EventDefinition<Data>,
  detail: unknown,
): { metadata: EventMetadata; data: Data } {
  if (typeof detail !== 'object' || detail === null) throw new EventDataInvalid('(detail)', 'an object');
  const { metadata, data } = detail as { metadata?: unknown; data?: unknown };
  return { metadata: eventMetadataSchema.parse(metadata), data: definition.schema.parse(data) };
}
