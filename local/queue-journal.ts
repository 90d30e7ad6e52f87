/**
 * Keeps the local queues on disk as they change, so `kill -9` of the local cloud loses no message: every
 * change is appended to a journal (one JSON line, written before the change is acted on) and replayed at the
 * next start. The journal is rewritten as a snapshot when it grows long. The OS holds what was written even
 * if the process dies; only a machine crash could lose the last lines, which SQS would not either.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { DeadLetter } from './queue.ts';

/** A message as the queue holds it, including when it next becomes visible (epoch ms). */
export interface JournalledMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  readonly visibleAt: number;
  readonly firstReceivedAt?: number;
  readonly visibilityChanges: readonly number[];
}

/** What one queue holds: its messages (waiting, in flight or backing off) and its dead letters. */
export interface QueueState {
  readonly messages: readonly JournalledMessage[];
  readonly deadLetters: readonly DeadLetter[];
}

/** One change to one queue. */
export type QueueChange =
  /** A message was sent, received, or had its visibility changed: its whole state now (body only when sent). */
  | { readonly op: 'put'; readonly message: Omit<JournalledMessage, 'body'> & { readonly body?: string } }
  /** A message was deleted (processed). */
  | { readonly op: 'delete'; readonly messageId: string }
  /** A message moved to the dead-letter queue. */
  | { readonly op: 'dead'; readonly letter: DeadLetter }
  /** A dead letter was moved back onto the queue (its new state follows as a `put`). */
  | { readonly op: 'redriven'; readonly messageId: string };

/** Rewrite the journal as a snapshot after this many changes. */
const COMPACT_AFTER_CHANGES = 50_000;

export class QueueJournal {
  private fd: number;
  private changes = 0;
  private closed = false;

  private constructor(
    private readonly file: string,
    private readonly stateNow: () => Record<string, QueueState>,
  ) {
    this.fd = openSync(file, 'a');
  }

  /**
   * Replays `file` (if any) into each queue's state, and opens it for the changes to come. `stateNow` gives
   * the live state when the journal is compacted.
   */
  static open(
    file: string,
    stateNow: () => Record<string, QueueState>,
  ): { journal: QueueJournal; restored: Record<string, QueueState> } {
    const restored = existsSync(file) ? replay(readFileSync(file, 'utf8')) : {};
    // Start from a compact file: the replayed state, and nothing else.
    writeSnapshot(file, restored);
    return { journal: new QueueJournal(file, stateNow), restored };
  }

  /** Appends one change; it is on disk (in the OS's hands) when this returns. */
  record(queue: string, change: QueueChange): void {
    // Batches still finishing while the cloud stops: their messages were journalled as in flight, and are
    // delivered again after the restart.
    if (this.closed) return;
    writeSync(this.fd, `${JSON.stringify({ queue, ...change })}\n`);
    this.changes += 1;
    if (this.changes >= COMPACT_AFTER_CHANGES) this.compact();
  }

  /** Rewrites the journal as the queues stand now. */
  compact(): void {
    closeSync(this.fd);
    writeSnapshot(this.file, this.stateNow());
    this.fd = openSync(this.file, 'a');
    this.changes = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Rebuilds every queue's state from journal lines; a torn last line (a write cut off) is ignored. */
export function replay(text: string): Record<string, QueueState> {
  const queues = new Map<
    string,
    { messages: Map<string, JournalledMessage>; dead: Map<string, DeadLetter> }
  >();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: QueueChange & { queue: string };
    try {
      entry = JSON.parse(line) as QueueChange & { queue: string };
    } catch {
      continue;
    }
    let queue = queues.get(entry.queue);
    if (!queue) {
      queue = { messages: new Map(), dead: new Map() };
      queues.set(entry.queue, queue);
    }
    if (entry.op === 'put') {
      const before = queue.messages.get(entry.message.messageId);
      const body = entry.message.body ?? before?.body;
      if (body !== undefined) queue.messages.set(entry.message.messageId, { ...entry.message, body });
    } else if (entry.op === 'delete') {
      queue.messages.delete(entry.messageId);
    } else if (entry.op === 'dead') {
      queue.messages.delete(entry.letter.messageId);
      queue.dead.set(entry.letter.messageId, entry.letter);
    } else if (entry.op === 'redriven') {
      queue.dead.delete(entry.messageId);
    }
  }
  return Object.fromEntries(
    [...queues].map(([name, q]) => [
      name,
      { messages: [...q.messages.values()], deadLetters: [...q.dead.values()] },
    ]),
  );
}

/** Writes `state` as a journal to `file`, atomically (a temporary file, synced, then renamed over it). */
function writeSnapshot(file: string, state: Record<string, QueueState>): void {
  const lines: string[] = [];
  for (const [queue, { messages, deadLetters }] of Object.entries(state)) {
    for (const message of messages) lines.push(JSON.stringify({ queue, op: 'put', message }));
    for (const letter of deadLetters) lines.push(JSON.stringify({ queue, op: 'dead', letter }));
  }
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
