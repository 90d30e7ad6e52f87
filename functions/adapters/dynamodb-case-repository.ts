import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  agencyAttentionBy,
  type CaseChange,
  type CaseListing,
  type CaseNote,
  listingOf,
  type TimelineEntry,
} from '../domain/casework.ts';
import type {
  CaseAccess,
  CaseListQuery,
  CaseRecord,
  CaseRepository,
  EmailDelivery,
  PendingCaseEvents,
} from '../domain/casework-ports.ts';
import type { Enquiry } from '../domain/enquiry.ts';
import { StaleVersion, ValidationFailed } from '../domain/errors.ts';
import type { Page } from '../domain/ports.ts';
import { REMOVED } from '../domain/retention.ts';
import type { OutgoingEvent } from '../events/envelope.ts';
import { isExpired, subjectIndexAttributes, toEnquiry } from './dynamodb-enquiry-repository.ts';
import {
  cancellationReason,
  justBelow,
  queryPartition,
  type TransactItem,
  whenConditionHolds,
} from './dynamodb-helpers.ts';
import { CASE_EVENTS_OUTBOX_PARTITION, keys, TABLE_SCHEMA } from './table-keys.ts';

type Item = Record<string, unknown>;

/** Rounds of index reads one list page may make before it answers with what it has and a cursor. */
const MAX_LIST_ROUNDS = 5;

/**
 * The case an enquiry becomes: the enquiry item, and beside it in its partition the timeline, internal notes,
 * email records, one listing item per referral (which puts the case in that agency's inbox, in GSI1) and the
 * events each change must publish (an outbox, in GSI2). Every change is one transaction, conditional on the
 * version the caller read.
 */
export class DynamoDbCaseRepository implements CaseRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getCase(reference: string): Promise<CaseRecord | undefined> {
    // Consistent: staff act on what they read, with its version, straight after a change.
    const items = await queryPartition(this.client, this.tableName, keys.enquiry(reference).PK, {
      consistent: true,
    });
    const enquiryItem = items.find((item) => item.SK === keys.enquiry(reference).SK);
    if (!enquiryItem || isExpired(enquiryItem)) return undefined;
    const timeline: TimelineEntry[] = [];
    const notes: CaseNote[] = [];
    const emails: EmailDelivery[] = [];
    for (const item of items) {
      const sk = String(item.SK);
      if (sk.startsWith('TIMELINE#')) timeline.push(item.entry as TimelineEntry);
      else if (sk.startsWith('NOTE#')) notes.push(item.note as CaseNote);
      else if (sk.startsWith('EMAIL#')) {
        const [, kind = '', ...recipient] = sk.split('#');
        emails.push({
          kind,
          recipientId: recipient.join('#'),
          status: item.status === 'sent' || item.status === 'suppressed' ? item.status : 'sending',
          sentAt: typeof item.sentAt === 'string' ? item.sentAt : undefined,
          delivery: item.delivery as EmailDelivery['delivery'],
        });
      }
    }
    return { enquiry: toEnquiry(enquiryItem), timeline, notes, emails };
  }

  async save(change: CaseChange, events: readonly OutgoingEvent[] = []): Promise<string | undefined> {
    const { before, after } = change;
    const outboxId = events.length > 0 ? randomUUID() : undefined;
    // Everything about a case is deleted with it, when its retention ends.
    const expiry = { [TABLE_SCHEMA.ttlAttribute]: after.expiresAt };
    const items: TransactItem[] = [
      { Update: { TableName: this.tableName, ...enquiryUpdate(before, after) } },
      ...change.timeline.map((entry) => this.put(timelineItem(after, entry))),
      ...(change.note
        ? [
            this.put({
              ...keys.caseNote(after.reference, change.note),
              type: 'CaseNote',
              note: change.note,
              ...expiry,
            }),
          ]
        : []),
      ...after.referrals.map((referral) => this.put(referralListingItem(after, referral.agencyId))),
      ...(outboxId
        ? [
            this.put({
              ...keys.caseEventsOutbox(after.reference, outboxId),
              ...keys.caseEventsOutboxIndex(after.updatedAt, after.reference, outboxId),
              type: 'CaseEvents',
              outboxId,
              reference: after.reference,
              events,
              ...expiry,
            }),
          ]
        : []),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      // A failed version check, or another change to the same case committing at this moment: either way the
      // copy this change was made from is no longer current.
      const reasons = [0, ...items.keys()].map((index) => cancellationReason(error, index));
      if (reasons[0] === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict')) {
        throw new StaleVersion();
      }
      throw error;
    }
    return outboxId;
  }

  async markEventsPublished(reference: string, outboxId: string, at: string): Promise<void> {
    // Already marked by whoever published first (the api or the sweeper): nothing to do.
    await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.caseEventsOutbox(reference, outboxId),
          UpdateExpression: 'SET publishedAt = :at REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'attribute_exists(GSI2PK)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }

  async listPendingEvents(notSince: string, limit: number): Promise<PendingCaseEvents[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_SCHEMA.outboxIndex.name,
        KeyConditionExpression: 'GSI2PK = :outbox AND GSI2SK < :before',
        ExpressionAttributeValues: { ':outbox': CASE_EVENTS_OUTBOX_PARTITION, ':before': notSince },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      reference: String(item.reference),
      outboxId: String(item.outboxId),
      events: item.events as OutgoingEvent[],
    }));
  }

  async listCases(query: CaseListQuery): Promise<Page<CaseListing>> {
    const partitions = query.statuses.map((status) =>
      query.agencyId
        ? keys.agencyReferralsPartition(query.agencyId, status)
        : keys.enquiryStatusPartition(status),
    );
    const from = query.receivedFrom ?? '0000';
    if (query.receivedBefore !== undefined && from > query.receivedBefore) {
      throw new ValidationFailed([{ field: 'receivedFrom', message: 'must not be after receivedTo' }]);
    }
    // Newest first. Each round reads every partition below `listedDownTo`, the sort key of the oldest item
    // already listed (or, after an empty round, the lowest key every partition has been read down to).
    let listedDownTo = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rangeTop = `${query.receivedBefore ?? '9999'}#`;
    const filter = filterOf(query);
    const found: CaseListing[] = [];
    for (let round = 0; round < MAX_LIST_ROUNDS && found.length < query.limit; round++) {
      const wanted = query.limit - found.length;
      const upper = listedDownTo && justBelow(listedDownTo) < rangeTop ? justBelow(listedDownTo) : rangeTop;
      // Read down past the start of the range: there is nothing more, and no cursor to follow.
      if (upper < from) return { items: found };
      const pages = await Promise.all(
        partitions.map(async (partition) => {
          const page = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: TABLE_SCHEMA.byStatusIndex.name,
              KeyConditionExpression: 'GSI1PK = :partition AND GSI1SK BETWEEN :from AND :upper',
              FilterExpression: filter.expression,
              ExpressionAttributeNames: filter.names,
              ExpressionAttributeValues: {
                ':partition': partition,
                ':from': from,
                ':upper': upper,
                ...filter.values,
              },
              ScanIndexForward: false,
              Limit: wanted,
            }),
          );
          return { items: page.Items ?? [], stoppedAt: page.LastEvaluatedKey?.GSI1SK as string | undefined };
        }),
      );
      // A partition that stopped early may still hold matches below where it stopped, so only items at or
      // above the highest such stop are certainly the newest; the rest are read again next round.
      const floor = pages
        .flatMap((page) => (page.stoppedAt ? [page.stoppedAt] : []))
        .sort()
        .at(-1);
      const candidates = pages
        .flatMap((page) => page.items)
        .filter((item) => floor === undefined || String(item.GSI1SK) >= floor)
        .sort((a, b) => (String(a.GSI1SK) < String(b.GSI1SK) ? 1 : -1))
        .slice(0, wanted);
      found.push(...candidates.map((item) => listingFromItem(item, query.agencyId)));
      const last = candidates.at(-1);
      if (candidates.length === wanted && last) listedDownTo = String(last.GSI1SK);
      else if (floor === undefined) return { items: found };
      else listedDownTo = floor;
    }
    if (!listedDownTo) return { items: found };
    return { items: found, cursor: encodeCursor(listedDownTo) };
  }

  async listClosedBefore(sensitive: boolean, closedBefore: string, limit: number): Promise<string[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_SCHEMA.outboxIndex.name,
        KeyConditionExpression: 'GSI2PK = :partition AND GSI2SK < :before',
        ExpressionAttributeValues: {
          ':partition': keys.closedForRetention(sensitive, closedBefore, '').GSI2PK,
          ':before': closedBefore,
        },
        Limit: limit,
      }),
    );
    return Items.map((item) => String(item.reference));
  }

  async findBySubject(channel: 'email' | 'phone', subjectKey: string): Promise<string[]> {
    const index = channel === 'email' ? TABLE_SCHEMA.subjectEmail : TABLE_SCHEMA.subjectPhone;
    const references: string[] = [];
    let startKey: Item | undefined;
    // One person's enquiries: a handful, but every page is read, so none is left out of their export.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#subject = :subject',
          ExpressionAttributeNames: { '#subject': index.partitionKey },
          ExpressionAttributeValues: { ':subject': subjectKey },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) references.push(referenceOfPartition(String(item.PK)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return references;
  }

  async anonymise(
    record: CaseRecord,
    after: Enquiry,
    timeline: readonly TimelineEntry[] = [],
  ): Promise<void> {
    // Notes first, one by one: a run that stops half way leaves the enquiry due, and the next run redoes it.
    for (const note of record.notes) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.caseNote(after.reference, note),
          UpdateExpression: 'SET note.#text = :removed',
          ExpressionAttributeNames: { '#text': 'text' },
          ExpressionAttributeValues: { ':removed': REMOVED },
        }),
      );
    }
    // The enquirer's own fields too, which no other change writes.
    const anonymising = {
      TableName: this.tableName,
      ...enquiryUpdate(record.enquiry, after, {
        description: after.description,
        contact: after.contact,
        safeContact: after.safeContact,
        statusToken: after.statusToken,
        location: after.location,
        anonymisedAt: after.anonymisedAt,
        idempotencyKeyHash: after.idempotencyKeyHash,
        ...subjectIndexAttributes(after),
      }),
    };
    // The idempotency record fingerprints the request (a hash of everything the enquirer sent): drop it,
    // keeping the key's link to the reference so a retry is still recognised. Before the enquiry, as the notes.
    const keyHash = record.enquiry.idempotencyKeyHash;
    if (keyHash) {
      // Already gone with its TTL: nothing to remove.
      await whenConditionHolds(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.idempotency(keyHash),
            UpdateExpression: 'REMOVE requestHash',
            ConditionExpression: 'attribute_exists(PK)',
          }),
        ),
      );
    }
    try {
      if (timeline.length === 0) {
        await this.client.send(new UpdateCommand(anonymising));
      } else {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: anonymising },
              ...timeline.map((entry) => this.put(timelineItem(after, entry))),
            ],
          }),
        );
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new StaleVersion();
      if (cancellationReason(error, 0) === 'ConditionalCheckFailed') throw new StaleVersion();
      throw error;
    }
  }

  async recordAccess(access: CaseAccess): Promise<void> {
    const id = randomUUID();
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.caseAccess(access.reference, access.at, id),
          ...keys.auditIndexes(access.subject, access.at, id),
          type: 'CaseAccess',
          ...access,
        },
      }),
    );
  }

  private put(item: Item): TransactItem {
    return { Put: { TableName: this.tableName, Item: item } };
  }
}

/**
 * The update that writes the case fields of `after`, only if the stored case is still at `before.version`.
 * The enquirer's own words and contact details are never rewritten here.
 */
function enquiryUpdate(
  before: Enquiry,
  after: Enquiry,
  /** Other attributes to write with the case fields; an undefined one is removed. */
  alsoWrite: Record<string, unknown> = {},
) {
  const set: Record<string, unknown> = {
    status: after.status,
    version: after.version,
    updatedAt: after.updatedAt,
    GSI1PK: keys.enquiryStatusPartition(after.status),
    referrals: after.referrals,
    publicUpdates: after.publicUpdates,
    needsTriage: after.needsTriage,
  };
  const optional: Record<string, unknown> = {
    assignedTo: after.assignedTo,
    dueBy: after.dueBy,
    closure: after.closure,
    routing: after.routing,
    routedTo: after.routedTo,
    attentionBy: listingOf(after).attentionBy,
    ...alsoWrite,
  };
  const remove: string[] = [];
  for (const [name, value] of Object.entries(optional)) {
    if (value === undefined) remove.push(name);
    else set[name] = value;
  }
  // GSI2: until routed, the outbox mark (left alone). Once routed, a closed case waits there for the retention
  // job, by when it closed; an open or anonymised one is not in it.
  if (after.routing) {
    const retention = retentionKeys(after);
    if (retention) Object.assign(set, retention);
    else remove.push('GSI2PK', 'GSI2SK');
  }
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expected': before.version, ':category': before.category };
  const assignments = Object.entries(set).map(([name, value], index) => {
    names[`#s${index}`] = name;
    values[`:s${index}`] = value;
    return `#s${index} = :s${index}`;
  });
  const removals = remove.map((name, index) => {
    names[`#r${index}`] = name;
    return `#r${index}`;
  });
  names['#version'] = 'version';
  names['#category'] = 'category';
  return {
    Key: keys.enquiry(after.reference),
    UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
    // The category never changes: checking it makes a change computed for another enquiry's data fail.
    ConditionExpression: '#version = :expected AND #category = :category',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A timeline entry as an item, kept as long as its case. */
function timelineItem(enquiry: Enquiry, entry: TimelineEntry): Item {
  return {
    ...keys.timelineEntry(enquiry.reference, entry),
    ...keys.auditIndexes(entry.actor.subject, entry.at, entry.id),
    type: 'TimelineEntry',
    entry,
    [TABLE_SCHEMA.ttlAttribute]: enquiry.expiresAt,
  };
}

/** Where a closed case waits to be anonymised, by when it closed; none for an open or anonymised one. */
function retentionKeys(enquiry: Enquiry): { GSI2PK: string; GSI2SK: string } | undefined {
  if (enquiry.status !== 'closed' || enquiry.anonymisedAt || !enquiry.closure) return undefined;
  return keys.closedForRetention(enquiry.sensitive, enquiry.closure.at, enquiry.reference);
}

/** The item that lists a case in one agency's inbox; a declined referral leaves it (no index keys). */
function referralListingItem(enquiry: Enquiry, agencyId: string): Item {
  const referral = enquiry.referrals.find((r) => r.agencyId === agencyId);
  const listing: CaseListing = { ...listingOf(enquiry), attentionBy: agencyAttentionBy(enquiry, agencyId) };
  return {
    ...keys.referralListing(enquiry.reference, agencyId),
    ...(referral?.status === 'declined'
      ? {}
      : {
          GSI1PK: keys.agencyReferralsPartition(agencyId, enquiry.status),
          GSI1SK: keys.enquiryByStatus(enquiry.status, enquiry.receivedAt, enquiry.reference).GSI1SK,
        }),
    type: 'ReferralListing',
    agencyId,
    ...withoutUndefined(listing),
    [TABLE_SCHEMA.ttlAttribute]: enquiry.expiresAt,
  };
}

function withoutUndefined(value: object): Item {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** The listing of an index item: the enquiry itself (CSU inbox) or an agency's referral listing. */
function listingFromItem(item: Item, agencyId: string | undefined): CaseListing {
  if (item.type === 'ReferralListing') {
    return {
      reference: String(item.reference),
      category: String(item.category),
      sensitive: Boolean(item.sensitive),
      status: item.status as CaseListing['status'],
      receivedAt: String(item.receivedAt),
      dueBy: item.dueBy as string | undefined,
      attentionBy: item.attentionBy as string | undefined,
      needsTriage: Boolean(item.needsTriage),
      agencies: (item.agencies as CaseListing['agencies']) ?? [],
      assignedTo: item.assignedTo as string | undefined,
    };
  }
  const enquiry = toEnquiry(item);
  return agencyId
    ? { ...listingOf(enquiry), attentionBy: agencyAttentionBy(enquiry, agencyId) }
    : listingOf(enquiry);
}

function filterOf(query: CaseListQuery): {
  expression?: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
} {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.category !== undefined) {
    clauses.push('#category = :category');
    names['#category'] = 'category';
    values[':category'] = query.category;
  }
  if (query.overdueAt !== undefined) {
    clauses.push('attentionBy < :now');
    values[':now'] = query.overdueAt;
  }
  if (query.assignedTo !== undefined) {
    clauses.push('assignedTo = :assignedTo');
    values[':assignedTo'] = query.assignedTo;
  }
  if (query.needsTriage !== undefined) {
    clauses.push('needsTriage = :needsTriage');
    values[':needsTriage'] = query.needsTriage;
  }
  if (clauses.length === 0) return { values };
  return {
    expression: clauses.join(' AND '),
    names: Object.keys(names).length > 0 ? names : undefined,
    values,
  };
}

/** The reference of an enquiry partition key, `ENQUIRY#<reference>`. */
function referenceOfPartition(partitionKey: string): string {
  return partitionKey.slice(keys.enquiry('').PK.length);
}

/** Opaque cursor: the sort key the next page is read below, base64url. */
function encodeCursor(sortKey: string): string {
  return Buffer.from(sortKey).toString('base64url');
}

const CURSOR_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#CSU-\d{4}-\d{6}$/;

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CURSOR_KEY.test(key)) {
    throw new ValidationFailed([{ field: 'cursor', message: 'Not a cursor this API returned' }]);
  }
  return key;
}
