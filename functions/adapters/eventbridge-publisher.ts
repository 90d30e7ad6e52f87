import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { EventsNotPublished } from '../domain/errors.ts';
import type { EventPublisher } from '../domain/ports.ts';
import type { OutgoingEvent } from '../events/envelope.ts';

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

/** Publishes events on one custom bus, checking FailedEntryCount instead of trusting a 200. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_CALL) {
      const batch = events.slice(start, start + MAX_ENTRIES_PER_CALL);
      const entries: PutEventsRequestEntry[] = batch.map((event) => ({
        EventBusName: this.eventBusName,
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
      }));
      const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failures = (result.Entries ?? [])
          .map((entry, index) => ({ entry, event: batch[index] }))
          .filter(({ entry }) => entry.ErrorCode)
          .map(({ entry, event }) => ({
            detailType: event?.detailType ?? 'unknown',
            errorCode: entry.ErrorCode,
          }));
        throw new EventsNotPublished(failures.length > 0 ? failures : [{ detailType: 'unknown' }]);
      }
    }
  }
}
