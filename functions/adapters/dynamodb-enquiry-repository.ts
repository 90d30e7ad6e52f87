import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ENQUIRY_STATUSES, type Enquiry, type EnquiryStatus } from '../domain/enquiry.ts';
import {
  type AcknowledgementWindow,
  type EnquiryRepository,
  IdempotencyKeyTaken,
  type IdempotencyRecord,
  type OutboxEntry,
} from '../domain/ports.ts';
import { formatReference } from '../domain/reference.ts';
import type { Recipient } from '../domain/routing.ts';
import type { EnquiryOutline } from '../domain/statistics.ts';
import { cancellationReason, whenConditionHolds } from './dynamodb-helpers.ts';
import { expiryAfterDays, keys, OUTBOX_PARTITION, TABLE_SCHEMA } from './table-keys.ts';

type Item = Record<string, unknown>;

/** BatchGetItem reads at most 100 keys per call. */
const MAX_BATCH_GET = 100;

/**
 * Enquiries, their references, idempotency records and outbox marks, in the single table. An enquiry's outbox
 * mark (its GSI2 keys) is written with it and cleared by the router's routing write; see docs/outbox.md.
 */
export class DynamoDbEnquiryRepository implements EnquiryRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days a new enquiry is kept before TTL deletes it; only `create` needs it. */
    private readonly retentionDays?: number,
  ) {}

  async nextReference(year: number): Promise<string> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.referenceCounter(year),
        UpdateExpression: 'ADD lastSequence :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return formatReference(year, Number(result.Attributes?.lastSequence));
  }

  /**
   * The item holds the times of the latest `limit` acknowledgements, oldest first (ISO strings, which compare
   * in time order). Below the limit a time is appended; at it, the oldest is dropped and the new one appended,
   * if the oldest is out of the window. One conditional write in the common case, two when the list is full.
   */
  async recordAcknowledgement(addressHash: string, window: AcknowledgementWindow): Promise<boolean> {
    const key = keys.recentAcknowledgements(addressHash);
    const at = window.at.toISOString();
    const common = {
      TableName: this.tableName,
      Key: key,
      ExpressionAttributeNames: { '#times': 'times', '#expiresAt': TABLE_SCHEMA.ttlAttribute },
    };
    // Once the window has passed since the latest, none of the times can limit anything.
    const expiresAt = Math.floor(window.at.getTime() / 1000) + window.seconds;
    const appended = await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          ...common,
          UpdateExpression:
            'SET #times = list_append(if_not_exists(#times, :empty), :at), #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#times) OR size(#times) < :limit',
          ExpressionAttributeValues: {
            ':empty': [],
            ':at': [at],
            ':limit': window.limit,
            ':expiresAt': expiresAt,
          },
        }),
      ),
    );
    if (appended) return true;
    const shifts = Array.from({ length: window.limit - 1 }, (_, i) => `#times[${i}] = #times[${i + 1}]`);
    return whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          ...common,
          UpdateExpression: `SET ${[...shifts, `#times[${window.limit - 1}] = :at`].join(', ')}, #expiresAt = :expiresAt`,
          ConditionExpression: '#times[0] <= :cutoff',
          ExpressionAttributeValues: {
            ':at': at,
            ':cutoff': new Date(window.at.getTime() - window.seconds * 1000).toISOString(),
            ':expiresAt': expiresAt,
          },
        }),
      ),
    );
  }

  async releaseAcknowledgement(addressHash: string, at: Date): Promise<void> {
    const key = keys.recentAcknowledgements(addressHash);
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const times = (result.Item?.times as string[] | undefined) ?? [];
    const index = times.lastIndexOf(at.toISOString());
    if (index < 0) return;
    // Only if it is still at that place: a concurrent acknowledgement may have shifted the list since.
    await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `REMOVE #times[${index}]`,
          ConditionExpression: `#times[${index}] = :at`,
          ExpressionAttributeNames: { '#times': 'times' },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      ),
    );
  }

  async create(enquiry: Enquiry, idempotency?: IdempotencyRecord & { expiresAt: number }): Promise<void> {
    if (this.retentionDays === undefined) throw new Error('This repository was built without retentionDays');
    const item: Item = {
      ...keys.enquiry(enquiry.reference),
      ...keys.enquiryByStatus(enquiry.status, enquiry.receivedAt, enquiry.reference),
      ...keys.outbox(enquiry.receivedAt, enquiry.reference),
      type: 'Enquiry',
      ...withoutSubjectKeys(enquiry),
      ...subjectIndexAttributes(enquiry),
      [TABLE_SCHEMA.ttlAttribute]: expiryAfterDays(new Date(enquiry.receivedAt), this.retentionDays),
    };
    const put = { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' };
    if (!idempotency) {
      // One item: a conditional PutItem costs half a one-item transaction.
      await this.client.send(new PutCommand(put));
      return;
    }
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.idempotency(idempotency.keyHash),
                  type: 'IdempotencyRecord',
                  requestHash: idempotency.requestHash,
                  reference: idempotency.reference,
                  [TABLE_SCHEMA.ttlAttribute]: idempotency.expiresAt,
                },
                // TTL deletes lazily: a record past its expiry may still be there, and may be replaced.
                ConditionExpression: 'attribute_not_exists(PK) OR #expiresAt < :now',
                ExpressionAttributeNames: { '#expiresAt': TABLE_SCHEMA.ttlAttribute },
                ExpressionAttributeValues: {
                  ':now': Math.floor(new Date(enquiry.receivedAt).getTime() / 1000),
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // ConditionalCheckFailed: the key is recorded. TransactionConflict: another request is writing it now.
      const keyReason = cancellationReason(error, 1);
      if (keyReason === 'ConditionalCheckFailed' || keyReason === 'TransactionConflict') {
        throw new IdempotencyKeyTaken();
      }
      throw error;
    }
  }

  async findIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.idempotency(keyHash), ConsistentRead: true }),
    );
    // TTL deletion is lazy: an expired record may still be returned, and must not count.
    if (!Item || isExpired(Item)) return undefined;
    // An erased enquiry's record has no request hash left: it then matches no request.
    const requestHash = typeof Item.requestHash === 'string' ? Item.requestHash : '';
    return { keyHash, requestHash, reference: String(Item.reference) };
  }

  async get(reference: string): Promise<Enquiry | undefined> {
    const item = await this.getItem(reference);
    return item ? toEnquiry(item) : undefined;
  }

  async getMany(references: readonly string[]): Promise<Map<string, Enquiry>> {
    const found = new Map<string, Enquiry>();
    const unique = [...new Set(references)];
    for (let start = 0; start < unique.length; start += MAX_BATCH_GET) {
      let pending: Item[] | undefined = unique
        .slice(start, start + MAX_BATCH_GET)
        .map((reference) => keys.enquiry(reference));
      // DynamoDB may leave keys unprocessed under load; ask again for those only.
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          if (!isExpired(item)) found.set(String(item.reference), toEnquiry(item));
        }
        pending = UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
        if (attempt >= 5 && pending && pending.length > 0)
          throw new Error('BatchGetItem left keys unprocessed');
      }
    }
    return found;
  }

  async listInOutbox(notAttemptedSince: string, limit: number): Promise<OutboxEntry[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_SCHEMA.outboxIndex.name,
        KeyConditionExpression: 'GSI2PK = :outbox AND GSI2SK < :before',
        ExpressionAttributeValues: { ':outbox': OUTBOX_PARTITION, ':before': notAttemptedSince },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({ enquiry: toEnquiry(item), attempts: Number(item.outboxAttempts ?? 0) }));
  }

  async deferOutbox(reference: string, until: string): Promise<void> {
    await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.enquiry(reference),
          UpdateExpression: 'SET GSI2SK = :sortKey ADD outboxAttempts :one',
          // Only while still marked: the router may have cleared the mark since it was listed, and must win.
          ConditionExpression: 'attribute_exists(GSI2PK)',
          ExpressionAttributeValues: { ':sortKey': keys.outbox(until, reference).GSI2SK, ':one': 1 },
        }),
      ),
    );
  }

  async countInOutbox(receivedBefore: string, atMost: number): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    // The outbox partition is empty when all is well; in an outage it is counted a page at a time, up to atMost.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE_SCHEMA.outboxIndex.name,
          KeyConditionExpression: 'GSI2PK = :outbox',
          FilterExpression: 'receivedAt < :receivedBefore',
          ExpressionAttributeValues: { ':outbox': OUTBOX_PARTITION, ':receivedBefore': receivedBefore },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey && count < atMost);
    return Math.min(count, atMost);
  }

  async getOutline(reference: string): Promise<EnquiryOutline | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.enquiry(reference),
        // Strongly consistent: the event may arrive a moment after the enquiry was written.
        ConsistentRead: true,
        // Only what is counted: never the enquirer's details or words.
        // Every name through a placeholder: some (`location`, `reference`) are DynamoDB reserved words.
        ProjectionExpression: '#reference, #category, #sensitive, #receivedAt, #location.#postcode',
        ExpressionAttributeNames: {
          '#reference': 'reference',
          '#category': 'category',
          '#sensitive': 'sensitive',
          '#receivedAt': 'receivedAt',
          '#location': 'location',
          '#postcode': 'postcode',
        },
      }),
    );
    if (!Item) return undefined;
    const postcode = (Item.location as { postcode?: unknown } | undefined)?.postcode;
    return {
      reference: String(Item.reference),
      category: String(Item.category),
      sensitive: Item.sensitive === true,
      receivedAt: String(Item.receivedAt),
      ...(typeof postcode === 'string' ? { postcode } : {}),
    };
  }

  private async getItem(reference: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.enquiry(reference), ConsistentRead: true }),
    );
    return Item && !isExpired(Item) ? Item : undefined;
  }
}

function withoutSubjectKeys({ subjectKeys: _, ...enquiry }: Enquiry): Omit<Enquiry, 'subjectKeys'> {
  return enquiry;
}

/** The subject keys an item holds, as the attributes the subject indexes are keyed on. */
function subjectKeysOfItem(item: Item): Enquiry['subjectKeys'] {
  const { subjectEmail, subjectPhone } = TABLE_SCHEMA;
  const email = item[subjectEmail.partitionKey];
  const phone = item[subjectPhone.partitionKey];
  if (typeof email !== 'string' && typeof phone !== 'string') return undefined;
  return {
    ...(typeof email === 'string' ? { email } : {}),
    ...(typeof phone === 'string' ? { phone } : {}),
  };
}

/** The subject-index attributes of an enquiry; undefined ones are not written, so the indexes stay sparse. */
export function subjectIndexAttributes(enquiry: Enquiry): Item {
  const { subjectEmail, subjectPhone } = TABLE_SCHEMA;
  return {
    [subjectEmail.partitionKey]: enquiry.subjectKeys?.email,
    [subjectPhone.partitionKey]: enquiry.subjectKeys?.phone,
  };
}

/** TTL deletes lazily: an item past its expiry may still be read, and must count as gone. */
export function isExpired(item: Item): boolean {
  const expiresAt = item[TABLE_SCHEMA.ttlAttribute];
  return typeof expiresAt === 'number' && expiresAt * 1000 < Date.now();
}

/** The enquiry an item holds. */
export function toEnquiry(item: Item): Enquiry {
  const status = item.status as EnquiryStatus;
  if (!ENQUIRY_STATUSES.includes(status)) throw new Error(`Corrupt enquiry item: status ${String(status)}`);
  return {
    reference: String(item.reference),
    category: String(item.category),
    sensitive: item.sensitive === true,
    version: Number(item.version ?? 1),
    description: String(item.description),
    contact: (item.contact as Enquiry['contact']) ?? {},
    location: item.location as Enquiry['location'],
    happeningNow: Boolean(item.happeningNow),
    safeContact: item.safeContact as Enquiry['safeContact'],
    source: item.source as Enquiry['source'],
    status,
    statusToken: String(item.statusToken),
    receivedAt: String(item.receivedAt),
    updatedAt: String(item.updatedAt),
    routedTo: item.routedTo as string[] | undefined,
    routing: item.routing as Recipient[] | undefined,
    referrals: (item.referrals as Enquiry['referrals']) ?? [],
    assignedTo: item.assignedTo as string | undefined,
    dueBy: item.dueBy as string | undefined,
    needsTriage: item.needsTriage === true,
    closure: item.closure as Enquiry['closure'],
    publicUpdates: (item.publicUpdates as Enquiry['publicUpdates']) ?? [],
    acknowledgementLimited: item.acknowledgementLimited === true ? true : undefined,
    anonymisedAt: typeof item.anonymisedAt === 'string' ? item.anonymisedAt : undefined,
    subjectKeys: subjectKeysOfItem(item),
    idempotencyKeyHash: typeof item.idempotencyKeyHash === 'string' ? item.idempotencyKeyHash : undefined,
    expiresAt:
      typeof item[TABLE_SCHEMA.ttlAttribute] === 'number'
        ? Number(item[TABLE_SCHEMA.ttlAttribute])
        : undefined,
  };
}
