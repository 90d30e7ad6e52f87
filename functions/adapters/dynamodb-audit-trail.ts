import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditQuery, AuditRecord, AuditTrail } from '../domain/audit.ts';
import type { Actor, TimelineEntry } from '../domain/casework.ts';
import { ValidationFailed } from '../domain/errors.ts';
import type { Page } from '../domain/ports.ts';
import { justBelow } from './dynamodb-helpers.ts';
import { AUDIT_BY_ACTOR_PREFIX, auditMonthPartition, keys, TABLE_SCHEMA } from './table-keys.ts';

type Item = Record<string, unknown>;

/** No audit record is older: the trail began with the release that indexed it. */
export const AUDIT_TRAIL_BEGINS = '2026-01-01T00:00:00.000Z';

/** Empty months one page of the whole trail reads through before it answers with a cursor. */
const MAX_MONTHS_PER_PAGE = 12;

/** One query's answer: its items, and the position it stopped at when it has more. */
interface SourcePage {
  readonly items: Item[];
  readonly stoppedAt?: string;
}

/**
 * The audit trail from the single table, never by Scan: one enquiry's from its access-log partition and its
 * timeline (merged), one actor's from GSI1, everything from GSI2's month partitions. Every record's position
 * is `<at>#<id>` (its index sort key); a cursor is the position the next page is read below.
 */
export class DynamoDbAuditTrail implements AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(query: AuditQuery): Promise<Page<AuditRecord>> {
    const from = query.from ?? AUDIT_TRAIL_BEGINS;
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const ceiling = [query.before, cursor].filter((bound): bound is string => bound !== undefined).sort()[0];
    if (ceiling !== undefined && ceiling <= from) return { items: [] };
    const range = { from, upper: ceiling ? justBelow(ceiling) : '\uffff' };
    if (query.enquiry) return this.listEnquiry(query.enquiry, query, range);
    if (query.actor) {
      const page = await this.querySource(
        {
          IndexName: TABLE_SCHEMA.byStatusIndex.name,
          KeyConditionExpression: 'GSI1PK = :partition AND GSI1SK BETWEEN :from AND :upper',
          ExpressionAttributeValues: { ':partition': `${AUDIT_BY_ACTOR_PREFIX}${query.actor}` },
        },
        range,
        query.limit,
      );
      return answer(page.items, page.stoppedAt);
    }
    return this.listEverything(query.limit, range, ceiling);
  }

  /** One enquiry's reads and changes: two partitions, merged newest first. */
  private async listEnquiry(
    reference: string,
    query: AuditQuery,
    range: { from: string; upper: string },
  ): Promise<Page<AuditRecord>> {
    /** A Query of one partition in the range, keeping only `query.actor`'s records (at `actorPath`) if asked. */
    const partition = (partitionKey: string, actorPath: readonly string[]) => ({
      KeyConditionExpression: 'PK = :partition AND SK BETWEEN :from AND :upper',
      ...(query.actor
        ? {
            FilterExpression: `${actorPath.map((_, i) => `#a${i}`).join('.')} = :actor`,
            ExpressionAttributeNames: Object.fromEntries(actorPath.map((name, i) => [`#a${i}`, name])),
          }
        : {}),
      ExpressionAttributeValues: {
        ':partition': partitionKey,
        ...(query.actor ? { ':actor': query.actor } : {}),
      },
    });
    const [reads, changes] = await Promise.all([
      this.querySource(partition(keys.caseAccess(reference, '', '').PK, ['subject']), range, query.limit),
      this.querySource(
        partition(keys.enquiry(reference).PK, ['entry', 'actor', 'subject']),
        { from: `${TIMELINE_PREFIX}${range.from}`, upper: `${TIMELINE_PREFIX}${range.upper}` },
        query.limit,
      ),
    ]);
    // A source that stopped early may hold newer matches below where it stopped than the other source's
    // oldest: only what is at or above the highest such stop is certainly next.
    const floor = [reads.stoppedAt, changes.stoppedAt]
      .filter((stop): stop is string => stop !== undefined)
      .sort()
      .at(-1);
    const merged = [...reads.items, ...changes.items]
      .filter((item) => floor === undefined || positionOf(item) >= floor)
      .sort((a, b) => (positionOf(a) < positionOf(b) ? 1 : -1));
    const page = merged.slice(0, query.limit);
    const last = page.at(-1);
    if (merged.length > query.limit && last) return answer(page, positionOf(last));
    return answer(page, floor);
  }

  /** The whole trail, month partition by month partition, newest first. */
  private async listEverything(
    limit: number,
    range: { from: string; upper: string },
    ceiling: string | undefined,
  ): Promise<Page<AuditRecord>> {
    const found: Item[] = [];
    const now = this.clock().toISOString();
    let month = (ceiling && ceiling < now ? ceiling : now).slice(0, 7);
    for (let read = 0; read < MAX_MONTHS_PER_PAGE; read++) {
      if (`${month}-99` < range.from) return answer(found);
      const page = await this.querySource(
        {
          IndexName: TABLE_SCHEMA.outboxIndex.name,
          KeyConditionExpression: 'GSI2PK = :partition AND GSI2SK BETWEEN :from AND :upper',
          ExpressionAttributeValues: { ':partition': auditMonthPartition(month) },
        },
        range,
        limit - found.length,
      );
      found.push(...page.items);
      if (page.stoppedAt) return answer(found, page.stoppedAt);
      if (found.length >= limit) return answer(found, positionOf(found[found.length - 1] as Item));
      month = previousMonth(month);
    }
    // Many quiet months: say where to go on from rather than read on.
    return answer(found, `${nextMonth(month)}-01T00:00:00.000Z`);
  }

  private async querySource(
    request: {
      IndexName?: string;
      KeyConditionExpression: string;
      FilterExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
    range: { from: string; upper: string },
    limit: number,
  ): Promise<SourcePage> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    // A filter (by actor, within one enquiry) may leave a page short: read on until it is full or done.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...request,
          ExpressionAttributeValues: {
            ...request.ExpressionAttributeValues,
            ':from': range.from,
            ':upper': range.upper,
          },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).filter(isAuditItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    const last = items.at(-1);
    return { items, stoppedAt: startKey && last ? positionOf(last) : undefined };
  }
}

const TIMELINE_PREFIX = 'TIMELINE#';

const AUDIT_TYPES = new Set(['CaseAccess', 'TimelineEntry', 'AuditEntry']);

function isAuditItem(item: Item): boolean {
  return AUDIT_TYPES.has(String(item.type));
}

/**
 * A record's position in the trail, `<at>#<id>`: its index sort key, or for a record written before the trail
 * was indexed (a kept local table), its own sort key.
 */
function positionOf(item: Item): string {
  return typeof item.GSI2SK === 'string' ? item.GSI2SK : String(item.SK).replace(TIMELINE_PREFIX, '');
}

function answer(items: readonly Item[], nextBelow?: string): Page<AuditRecord> {
  return { items: items.map(toAuditRecord), cursor: nextBelow ? encodeCursor(nextBelow) : undefined };
}

function toAuditRecord(item: Item): AuditRecord {
  if (item.type === 'CaseAccess') {
    return {
      kind: 'case-read',
      at: String(item.at),
      actor: actor(item.subject, item.role, item.agencyId),
      enquiry: String(item.reference),
      view: String(item.view),
    };
  }
  if (item.type === 'TimelineEntry') {
    const entry = item.entry as TimelineEntry;
    return {
      kind: 'case-change',
      at: entry.at,
      actor: entry.actor,
      enquiry: String(item.PK).slice(keys.enquiry('').PK.length),
      change: entry.kind,
      details: entry.details,
    };
  }
  return {
    kind: 'record-change',
    at: String(item.at),
    actor: { subject: String(item.actor) },
    entity: String(item.entity),
    action: String(item.action),
    before: item.before ?? null,
    after: item.after ?? null,
  };
}

function actor(subject: unknown, role: unknown, agencyId: unknown): Actor {
  return {
    subject: String(subject),
    role: String(role),
    ...(typeof agencyId === 'string' ? { agencyId } : {}),
  };
}

function previousMonth(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 7);
}

function nextMonth(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 7);
}

const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z(#[\w.:-]{1,100})?$/;

function encodeCursor(position: string): string {
  return Buffer.from(position).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CURSOR.test(position)) {
    throw new ValidationFailed([{ field: 'cursor', message: 'Not a cursor this API returned' }]);
  }
  return position;
}
