/** The EventBridge publisher against the local bus, which speaks the PutEvents wire protocol. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge-publisher.ts';
import { EventsNotPublished } from '../../functions/domain/errors.ts';
import type { OutgoingEvent } from '../../functions/events/envelope.ts';
import { cloud, setFaults } from '../support/local-cloud.ts';

const client = new EventBridgeClient({
  endpoint: inject('localCloud').aws,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const publisher = new EventBridgePublisher(client, 'csp-local-enquiries');

const anEvent = (n: number): OutgoingEvent => ({
  source: 'test.adapter',
  detailType: `AdapterTest${n}`,
  detail: {
    metadata: {
      eventName: 'AdapterTest',
      version: 1,
      correlationId: 'c',
      occurredAt: new Date().toISOString(),
    },
    data: { n },
  },
});

async function busHistory(): Promise<string[]> {
  const response = await fetch(`${cloud().control}/events?limit=5000`);
  return ((await response.json()) as { events: { detailType: string }[] }).events.map((e) => e.detailType);
}

afterEach(async () => {
  await setFaults();
});

describe('EventBridgePublisher', () => {
  it('publishes more than ten events in calls of at most ten', async () => {
    const events = Array.from({ length: 23 }, (_, i) => anEvent(1000 + i));

    await publisher.publish(events);

    const history = await busHistory();
    for (const event of events) expect(history.filter((t) => t === event.detailType)).toHaveLength(1);
  });

  it('throws when EventBridge refuses an entry (FailedEntryCount > 0), naming the error code', async () => {
    await setFaults({ eventBridgeFailNextEntries: 1 });

    const failure = await publisher.publish([anEvent(1), anEvent(2)]).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(EventsNotPublished);
    expect((failure as EventsNotPublished).failures).toEqual([
      { detailType: 'AdapterTest1', errorCode: 'InternalFailure' },
    ]);
  });

  it('throws for an unknown bus rather than reporting success', async () => {
    const wrongBus = new EventBridgePublisher(client, 'no-such-bus');
    await expect(wrongBus.publish([anEvent(3)])).rejects.toBeInstanceOf(EventsNotPublished);
  });
});
