/**
 * An in-memory SQS queue with the semantics our functions rely on: at-least-once delivery, a visibility
 * timeout, ApproximateReceiveCount, partial batch failures, and a dead-letter queue after maxReceiveCount.
 * The poller hands batches to the consumer exactly as the Lambda event source mapping does on AWS.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueSpec } from '../functions/topology.ts';
import type { QueueChange, QueueState } from './queue-journal.ts';

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Epoch ms before which the message is invisible (in flight or backing off). */
  visibleAt: number;
  /** Visibility timeouts the consumer asked for with ChangeMessageVisibility, in seconds. */
  readonly visibilityChanges: number[];
}

/** A message that exhausted its receives, kept for inspection. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  /** Retry delays the consumer set (ChangeMessageVisibility), in seconds: shows the back-off it used. */
  readonly visibilityChanges: readonly number[];
}

/** The consumer's result is read as an SQSBatchResponse when it has one (ReportBatchItemFailures). */

export type QueueConsumer = (event: SQSEvent) => Promise<unknown>;

export interface LocalQueueOptions {
  readonly name: string;
  readonly spec: QueueSpec;
  readonly region: string;
  readonly accountId: string;
  /** Multiplies every wait (visibility timeout): tests use a small value to exercise retries quickly. */
  readonly timeScale: number;
  readonly onError: (message: string, error: unknown) => void;
  /** Told of every change before it takes effect, to keep the queue on disk (see queue-journal.ts). */
  readonly onChange?: (change: QueueChange) => void;
}

/** One queue and its dead-letter queue, with a poller that feeds the consumer. */
export class LocalQueue {
  private readonly messages: StoredMessage[] = [];
  private readonly deadLetters: DeadLetter[] = [];
  private consumer?: QueueConsumer;
  private timer?: NodeJS.Timeout;
  private activeBatches = 0;
  private inFlight = 0;
  private stopped = false;
  private paused = false;

  constructor(private readonly options: LocalQueueOptions) {}

  /**
   * Speeds up the back-off between retries from now on (ChangeMessageVisibility), leaving the visibility of a
   * batch being processed alone: a test compresses hours of back-off into seconds without a slow batch being
   * handed out twice. Undefined goes back to the queue's time scale.
   */
  setRetryTimeScale(scale: number | undefined): void {
    this.retryTimeScale = scale;
  }

  private retryTimeScale?: number;

  /**
   * Moves every dead letter back onto the queue, as SQS's redrive (StartMessageMoveTask) does: each is
   * delivered again with a fresh receive count. @returns how many moved.
   */
  redrive(): number {
    const moved = this.deadLetters.splice(0, this.deadLetters.length);
    for (const letter of moved) {
      this.options.onChange?.({ op: 'redriven', messageId: letter.messageId });
      this.accept({
        messageId: letter.messageId,
        body: letter.body,
        sentAt: Date.now(),
        receiveCount: 0,
        visibleAt: 0,
        visibilityChanges: [],
      });
    }
    if (moved.length > 0) this.schedulePoll(0);
    return moved.length;
  }

  get name(): string {
    return this.options.name;
  }

  get arn(): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.accountId}:${this.options.name}`;
  }

  /** Accepts a message; it becomes visible at once. */
  send(body: string): string {
    const messageId = randomUUID();
    this.accept({
      messageId,
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: 0,
      visibilityChanges: [],
    });
    this.schedulePoll(0);
    return messageId;
  }

  private accept(message: StoredMessage): void {
    // Kept (journalled) before it is acknowledged: a crash after this line cannot lose it.
    this.options.onChange?.({
      op: 'put',
      message: { ...message, visibilityChanges: [...message.visibilityChanges] },
    });
    this.messages.push(message);
  }

  /** Tells the journal a message's new state (receive count, visibility), without its body. */
  private changed(message: StoredMessage): void {
    const { body: _body, ...state } = message;
    this.options.onChange?.({
      op: 'put',
      message: { ...state, visibilityChanges: [...state.visibilityChanges] },
    });
  }

  /** Everything the queue holds, in flight and backing off included, for keeping across a restart. */
  state(): QueueState {
    return {
      messages: this.messages.map((m) => ({ ...m, visibilityChanges: [...m.visibilityChanges] })),
      deadLetters: [...this.deadLetters],
    };
  }

  /**
   * Puts back what `state` returned. Each message keeps its receive count and when it becomes visible: one in
   * flight when the cloud stopped is delivered again once its visibility timeout passes, as in SQS, and one
   * backing off keeps its delay.
   */
  restore(state: QueueState): void {
    for (const m of state.messages) this.messages.push({ ...m, visibilityChanges: [...m.visibilityChanges] });
    this.deadLetters.push(...state.deadLetters);
    this.schedulePoll(0);
  }

  /** Starts delivering to `consumer`. */
  start(consumer: QueueConsumer): void {
    this.consumer = consumer;
    this.stopped = false;
    this.schedulePoll(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Stops (or restarts) handing messages to the consumer, as disabling (or enabling) a Lambda event source
   * mapping does: messages keep arriving and wait; batches already delivered finish.
   */
  setDeliveryPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.schedulePoll(0);
  }

  /**
   * ChangeMessageVisibility: the message becomes visible `seconds` (scaled) from now. Only the receipt
   * handle of the latest receive is valid, as in SQS.
   */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const message = this.messages.find((m) => this.receiptHandle(m) === receiptHandle);
    if (!message) return false;
    message.visibleAt = Date.now() + seconds * 1000 * (this.retryTimeScale ?? this.options.timeScale);
    message.visibilityChanges.push(seconds);
    this.changed(message);
    return true;
  }

  /** Messages waiting or in flight, and dead letters. */
  stats(): { name: string; pending: number; inFlight: number; deadLetters: number } {
    return {
      name: this.options.name,
      pending: this.messages.length,
      inFlight: this.inFlight,
      deadLetters: this.deadLetters.length,
    };
  }

  listDeadLetters(): readonly DeadLetter[] {
    return this.deadLetters;
  }

  /** True when nothing is waiting or being processed. */
  isIdle(): boolean {
    return this.messages.length === 0 && this.inFlight === 0;
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped || !this.consumer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), Math.max(0, delayMs));
  }

  /**
   * Hands visible messages to the consumer in batches, up to `maxConcurrency` batches at once, as the Lambda
   * event source mapping does: concurrent deliveries are what make the consumers' idempotency matter.
   */
  private poll(): void {
    if (this.stopped || this.paused || !this.consumer) return;
    const now = Date.now();
    while (this.activeBatches < this.options.spec.maxConcurrency) {
      const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, this.options.spec.batchSize);
      if (batch.length === 0) break;
      this.activeBatches += 1;
      void this.deliver(batch).finally(() => {
        this.activeBatches -= 1;
        this.poll();
      });
    }
    const nextVisible = Math.min(...this.messages.filter((m) => m.visibleAt > now).map((m) => m.visibleAt));
    if (Number.isFinite(nextVisible)) this.schedulePoll(nextVisible - now);
  }

  private async deliver(batch: StoredMessage[]): Promise<void> {
    const visibilityMs = this.options.spec.visibilityTimeoutSeconds * 1000 * this.options.timeScale;
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityMs;
      this.changed(message);
    }
    this.inFlight += batch.length;
    let failedIds: Set<string>;
    try {
      const response = (await this.consumer!({ Records: batch.map((m) => this.toRecord(m)) })) as
        | SQSBatchResponse
        | undefined;
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A thrown handler fails the whole batch, as on AWS.
      this.options.onError(`Consumer of ${this.options.name} threw; the batch will be retried`, error);
      failedIds = new Set(batch.map((m) => m.messageId));
    } finally {
      this.inFlight -= batch.length;
    }
    for (const message of batch) {
      if (!failedIds.has(message.messageId)) {
        this.options.onChange?.({ op: 'delete', messageId: message.messageId });
        this.remove(message);
      } else if (message.receiveCount >= this.options.spec.maxReceiveCount) {
        const letter: DeadLetter = {
          messageId: message.messageId,
          body: message.body,
          receiveCount: message.receiveCount,
          visibilityChanges: message.visibilityChanges,
        };
        this.options.onChange?.({ op: 'dead', letter });
        this.remove(message);
        this.deadLetters.push(letter);
      }
      // Otherwise it stays invisible until its visibility timeout passes, then is received again.
    }
  }

  private remove(message: StoredMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  private receiptHandle(message: StoredMessage): string {
    return `${message.messageId}#${message.receiveCount}`;
  }

  private toRecord(message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: this.receiptHandle(message),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local-eventbridge',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.options.region,
    };
  }
}
