import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../domain/ports.ts';
import type { OutgoingEvent } from '../events/envelope.ts';

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

/** Thrown when EventBridge refused some entries; `failures` has their error codes, never their content. */
export class EventPublishFailed extends Error {
  constructor(readonly failures: readonly { detailType: string; errorCode?: string }[]) {
    super(`EventBridge refused ${failures.length} event(s): ${failures.map((f) => f.errorCode).join(', ')}`);
    this.name = 'EventPublishFailed';
  }
}

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
        throw new EventPublishFailed(failures.length > 0 ? failures : [{ detailType: 'unknown' }]);
      }
    }
  }
}
