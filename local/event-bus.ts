/**
 * A local EventBridge custom bus: the rules from `functions/topology.ts`, matched with EventBridge's pattern
 * semantics, delivering to local queues as an SQS rule target does (the whole event as the message body).
 */
import { randomUUID } from 'node:crypto';
import { type QueueName, RULES, type RuleName, type RuleSpec } from '../functions/topology.ts';
import { assertValidEventPattern, matchesEventPattern } from './event-pattern.ts';
import type { LocalQueue } from './queue.ts';

/** An entry of a PutEvents request. */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: string[];
  readonly Time?: string | number;
}

/** A result entry of PutEvents: an EventId, or an error code and message. */
export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** What the bus saw, for the control API (events carry no personal data by design). */
export interface BusRecord {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly time: string;
  readonly matchedRules: RuleName[];
}

const MAX_ENTRY_BYTES = 256 * 1024;

export class LocalEventBus {
  private readonly history: BusRecord[] = [];
  /** Entries still to fail, for tests of the publish-failure path. */
  failNextEntries = 0;
  /**
   * Entries still to accept and then lose before any rule sees them: what a target's undeliverable event
   * looks like from the publisher's side (PutEvents succeeded, nobody received it).
   */
  dropNextEntries = 0;
  /** The probability that any entry fails with InternalFailure (a chaos run's 30 %). */
  failRate = 0;

  /** The rules on this bus: the enquiry bus's, or (for `default`) those AWS services' events feed. */
  private readonly rules: [RuleName, RuleSpec][];

  constructor(
    readonly name: string,
    private readonly queues: ReadonlyMap<QueueName, LocalQueue>,
    private readonly region: string,
    private readonly accountId: string,
    kind: 'custom' | 'default' = 'custom',
  ) {
    this.rules = (Object.entries(RULES) as [RuleName, RuleSpec][]).filter(
      ([, rule]) => (rule.bus ?? 'custom') === kind,
    );
    for (const [, rule] of this.rules) assertValidEventPattern(rule.eventPattern);
  }

  get arn(): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${this.name}`;
  }

  /** Handles the entries of one PutEvents call, as EventBridge does: each entry succeeds or fails alone. */
  putEvents(entries: readonly PutEventsEntry[]): PutEventsResultEntry[] {
    return entries.map((entry) => this.putEvent(entry));
  }

  recent(limit: number): readonly BusRecord[] {
    return this.history.slice(-limit);
  }

  private putEvent(entry: PutEventsEntry): PutEventsResultEntry {
    if (this.failNextEntries > 0 || (this.failRate > 0 && Math.random() < this.failRate)) {
      if (this.failNextEntries > 0) this.failNextEntries -= 1;
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'Failure injected by the local cloud' };
    }
    if (this.dropNextEntries > 0) {
      this.dropNextEntries -= 1;
      return { EventId: randomUUID() };
    }
    if (entry.EventBusName && entry.EventBusName !== this.name && entry.EventBusName !== this.arn) {
      return {
        ErrorCode: 'NotFoundException',
        ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
      };
    }
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
      };
    }
    if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Total size of the entries in the request is over the limit.',
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const id = randomUUID();
    const event = {
      version: '0',
      id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.accountId,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    };
    const matchedRules: RuleName[] = [];
    for (const [ruleName, rule] of this.rules) {
      if (!matchesEventPattern(rule.eventPattern, event)) continue;
      matchedRules.push(ruleName);
      const queue = this.queues.get(rule.targetQueue);
      if (!queue) throw new Error(`Rule ${ruleName} targets unknown queue ${rule.targetQueue}`);
      queue.send(JSON.stringify(event));
    }
    this.history.push({
      id,
      source: event.source,
      detailType: event['detail-type'],
      time: event.time,
      matchedRules,
    });
    if (this.history.length > 5000) this.history.splice(0, this.history.length - 5000);
    return { EventId: id };
  }
}
