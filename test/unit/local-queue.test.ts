/** The local queue must behave like SQS with a Lambda event source mapping, or local tests would lie. */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../local/queue.ts';
import { QueueJournal, replay } from '../../local/queue-journal.ts';

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

describe('LocalQueue journal', () => {
  /** A queue whose every change goes into `changes`, as the local cloud journals it. */
  function aJournalledQueue() {
    const changes: string[] = [];
    const queue = new LocalQueue({
      name: 'test',
      spec,
      region: 'eu-west-2',
      accountId: '000000000000',
      timeScale: 0.01,
      onError: () => undefined,
      onChange: (change) => changes.push(JSON.stringify({ queue: 'test', ...change })),
    });
    return { queue, journal: () => changes.join('\n') };
  }

  it('keeps waiting messages and dead letters across a restart, from the journal alone', async () => {
    const { queue: before, journal } = aJournalledQueue();
    before.start(async (event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    before.send('poison');
    before.send('delivered');
    await untilIdle(before);
    before.stop();
    before.send('waiting');
    const { queue: after } = aQueue();
    const delivered: string[] = [];

    after.restore(replay(journal()).test!);
    after.start(async (event) => {
      delivered.push(...event.Records.map((r) => r.body));
    });
    await untilIdle(after);

    expect(delivered).toEqual(['waiting']);
    expect(after.listDeadLetters().map((d) => d.body)).toEqual(['poison']);
  });

  it('delivers a message that was in flight when the process died again, with its receive count', async () => {
    const { queue: before, journal } = aJournalledQueue();
    let received!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      received = resolve;
    });
    // The consumer never finishes: the process dies with the message in flight.
    before.start(async () => {
      received();
      await new Promise(() => undefined);
    });
    before.send('in flight');
    await inFlight;
    before.stop();
    const { queue: after } = aQueue();
    const counts: string[] = [];

    after.restore(replay(journal()).test!);
    after.start(async (event) => {
      counts.push(...event.Records.map((r) => `${r.body}:${r.attributes.ApproximateReceiveCount}`));
    });
    await untilIdle(after);

    expect(counts).toEqual(['in flight:2']);
  });

  it('redrives dead letters onto the queue with a fresh receive count, and journals that too', async () => {
    const { queue, journal } = aJournalledQueue();
    let fail = true;
    const received: string[] = [];
    queue.start(async (event) => {
      received.push(...event.Records.map((r) => `${r.body}:${r.attributes.ApproximateReceiveCount}`));
      return fail ? { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) } : {};
    });
    queue.send('poison');
    await untilIdle(queue);
    fail = false;

    expect(queue.redrive()).toBe(1);
    await untilIdle(queue);

    expect(received.at(-1)).toBe('poison:1');
    expect(queue.listDeadLetters()).toEqual([]);
    expect(replay(journal()).test).toEqual({ messages: [], deadLetters: [] });
  });
});

describe('QueueJournal', () => {
  const aFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'queue-journal-')), 'queues.journal');
  const message = (id: string, overrides = {}) => ({
    messageId: id,
    body: `body of ${id}`,
    sentAt: 1,
    receiveCount: 0,
    visibleAt: 0,
    visibilityChanges: [],
    ...overrides,
  });

  it('gives back after a crash what was recorded, ignoring a line the crash cut off', () => {
    const file = aFile();
    const { journal } = QueueJournal.open(file, () => ({}));
    journal.record('mail', { op: 'put', message: message('a') });
    journal.record('mail', { op: 'put', message: message('b') });
    const { body: _, ...received } = message('a', { receiveCount: 1, visibleAt: 99 });
    journal.record('mail', { op: 'put', message: received });
    journal.record('mail', { op: 'delete', messageId: 'b' });
    journal.record('mail', {
      op: 'dead',
      letter: { messageId: 'c', body: 'c', receiveCount: 13, visibilityChanges: [] },
    });
    // No close: the process is killed. Its last write was torn.
    appendFileSync(file, '{"queue":"mail","op":"put","mess');

    const { journal: reopened, restored } = QueueJournal.open(file, () => ({}));
    reopened.close();

    expect(restored).toEqual({
      mail: {
        messages: [message('a', { receiveCount: 1, visibleAt: 99 })],
        deadLetters: [{ messageId: 'c', body: 'c', receiveCount: 13, visibilityChanges: [] }],
      },
    });
  });

  it('compacts to the live state, which a restart reads back', () => {
    const file = aFile();
    const live = { mail: { messages: [message('kept')], deadLetters: [] } };
    const { journal } = QueueJournal.open(file, () => live);
    journal.record('mail', { op: 'put', message: message('gone') });
    journal.record('mail', { op: 'delete', messageId: 'gone' });
    journal.record('mail', { op: 'put', message: message('kept') });

    journal.compact();
    journal.close();

    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(QueueJournal.open(file, () => ({})).restored).toEqual(live);
  });
});
