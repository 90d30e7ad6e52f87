/** The local queue must behave like SQS with a Lambda event source mapping, or local tests would lie. */
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../local/queue.ts';

const spec = {
  consumer: 'mailer',
  visibilityTimeoutSeconds: 1,
  maxReceiveCount: 3,
  batchSize: 2,
  maxBatchingWindowSeconds: 0,
  maxConcurrency: 2,
  retentionDays: 4,
  dlqRetentionDays: 14,
  retryBackoff: { baseSeconds: 1, maxSeconds: 10 },
} as const;

function aQueue() {
  const errors: string[] = [];
  const queue = new LocalQueue({
    name: 'test',
    spec,
    region: 'eu-west-2',
    accountId: '000000000000',
    timeScale: 0.01,
    onError: (message) => errors.push(message),
  });
  return { queue, errors };
}

async function untilIdle(queue: LocalQueue) {
  const deadline = Date.now() + 5000;
  while (!queue.isIdle()) {
    if (Date.now() > deadline) throw new Error('queue never drained');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LocalQueue', () => {
  it('holds messages while delivery is paused, and delivers them all once resumed', async () => {
    const { queue } = aQueue();
    const delivered: string[] = [];
    queue.start(async (event: SQSEvent) => {
      delivered.push(...event.Records.map((r) => r.body));
    });
    queue.setDeliveryPaused(true);

    for (const body of ['a', 'b', 'c']) queue.send(body);
    // Let every poll the sends scheduled (timers of 0 ms) run.
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
    const whilePaused = [...delivered];
    const pendingWhilePaused = queue.stats().pending;
    queue.setDeliveryPaused(false);
    await untilIdle(queue);

    expect(whilePaused).toEqual([]);
    expect(pendingWhilePaused).toBe(3);
    expect(delivered.sort()).toEqual(['a', 'b', 'c']);
  });

  it('delivers in batches of at most batchSize and deletes what succeeded', async () => {
    const { queue } = aQueue();
    const batches: string[][] = [];
    queue.start(async (event: SQSEvent) => {
      batches.push(event.Records.map((r) => r.body));
    });

    for (const body of ['a', 'b', 'c']) queue.send(body);
    await untilIdle(queue);

    expect(batches.flat().sort()).toEqual(['a', 'b', 'c']);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(2);
    expect(queue.stats()).toMatchObject({ pending: 0, deadLetters: 0 });
  });

  it('redelivers only the reported failures, counting receives, then dead-letters them', async () => {
    const { queue } = aQueue();
    const receives: Record<string, string[]> = {};
    queue.start(async (event) => {
      for (const r of event.Records) (receives[r.body] ??= []).push(r.attributes.ApproximateReceiveCount);
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });

    queue.send('good');
    queue.send('bad');
    await untilIdle(queue);

    expect(receives.good).toEqual(['1']);
    expect(receives.bad).toEqual(['1', '2', '3']);
    expect(queue.listDeadLetters().map((d) => [d.body, d.receiveCount])).toEqual([['bad', 3]]);
  });

  it('retries the whole batch when the consumer throws', async () => {
    const { queue, errors } = aQueue();
    let calls = 0;
    queue.start(async () => {
      calls += 1;
      if (calls === 1) throw new Error('cold start failed');
    });

    queue.send('x');
    await untilIdle(queue);

    expect(calls).toBe(2);
    expect(queue.listDeadLetters()).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});

describe('LocalQueue.changeVisibility', () => {
  it('accepts only the receipt handle of the latest receive, and records the delay', async () => {
    const { queue } = aQueue();
    const handles: string[] = [];
    queue.start(async (event) => {
      handles.push(event.Records[0]!.receiptHandle);
      if (handles.length === 1) {
        expect(queue.changeVisibility(event.Records[0]!.receiptHandle, 2)).toBe(true);
        return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
      }
      expect(queue.changeVisibility(handles[0]!, 2)).toBe(false);
      return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
    });

    queue.send('x');
    await untilIdle(queue);

    expect(handles).toHaveLength(3);
    expect(queue.listDeadLetters()[0]!.visibilityChanges).toEqual([2]);
  });
});

describe('LocalQueue snapshot', () => {
  it('keeps waiting messages and dead letters across a restart', async () => {
    const { queue: before } = aQueue();
    before.start(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    before.send('poison');
    await untilIdle(before);
    before.stop();
    before.send('waiting');
    const { queue: after } = aQueue();
    const delivered: string[] = [];

    after.restore(JSON.parse(JSON.stringify(before.snapshot())));
    after.start(async (event) => {
      delivered.push(...event.Records.map((r) => r.body));
    });
    await untilIdle(after);

    expect(delivered).toEqual(['waiting']);
    expect(after.listDeadLetters().map((d) => d.body)).toEqual(['poison']);
  });
});
