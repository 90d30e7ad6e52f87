import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ENQUIRY_STATUSES, type Enquiry, type EnquiryStatus } from '../domain/enquiry.ts';
import { ValidationFailed } from '../domain/errors.ts';
import {
  type EnquiryRepository,
  IdempotencyKeyTaken,
  type IdempotencyRecord,
  type ListByStatusOptions,
  type Page,
} from '../domain/ports.ts';
import { formatReference } from '../domain/reference.ts';
import type { Recipient } from '../domain/routing.ts';
import { expiryAfterDays, keys, OUTBOX_PARTITION, TABLE_SCHEMA } from './table-keys.ts';

type Item = Record<string, unknown>;

/** Enquiries, their references, idempotency records and outbox marks, in the single table. */
export class DynamoDbEnquiryRepository implements EnquiryRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Days an enquiry is kept before TTL deletes it. */
    private readonly retentionDays: number,
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

  async create(enquiry: Enquiry, idempotency?: IdempotencyRecord & { expiresAt: number }): Promise<void> {
    const item: Item = {
      ...keys.enquiry(enquiry.reference),
      ...keys.enquiryByStatus(enquiry.status, enquiry.receivedAt, enquiry.reference),
      ...keys.outbox(enquiry.receivedAt, enquiry.reference),
      type: 'Enquiry',
      ...enquiry,
      [TABLE_SCHEMA.ttlAttribute]: expiryAfterDays(new Date(enquiry.receivedAt), this.retentionDays),
    };
    const transactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> =
      [{ Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } }];
    if (idempotency) {
      transactItems.push({
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
          ExpressionAttributeValues: { ':now': Math.floor(new Date(enquiry.receivedAt).getTime() / 1000) },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: transactItems }));
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      // ConditionalCheckFailed: the key is recorded. TransactionConflict: another request is writing it now.
      const keyReason = reasons[1]?.Code;
      if (idempotency && (keyReason === 'ConditionalCheckFailed' || keyReason === 'TransactionConflict')) {
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
    return { keyHash, requestHash: String(Item.requestHash), reference: String(Item.reference) };
  }

  async get(reference: string): Promise<Enquiry | undefined> {
    const item = await this.getItem(reference);
    return item ? toEnquiry(item) : undefined;
  }

  async markPublished(reference: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.enquiry(reference),
        UpdateExpression: 'SET publishedAt = :at REMOVE GSI2PK, GSI2SK',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async listUnpublished(receivedBefore: string, limit: number): Promise<Enquiry[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_SCHEMA.outboxIndex.name,
        KeyConditionExpression: 'GSI2PK = :outbox AND GSI2SK < :before',
        ExpressionAttributeValues: { ':outbox': OUTBOX_PARTITION, ':before': receivedBefore },
        Limit: limit,
      }),
    );
    return Items.map(toEnquiry);
  }

  async recordRouting(
    reference: string,
    recipients: readonly Recipient[],
    at: string,
  ): Promise<readonly Recipient[]> {
    const item = await this.getItem(reference);
    if (!item) throw new Error(`Cannot route missing enquiry ${reference}`);
    if (item.routing) return item.routing as Recipient[];
    const enquiry = toEnquiry(item);
    // Only a newly received enquiry moves to `routed`; staff may already have moved it further.
    const advanceStatus = enquiry.status === 'received';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.enquiry(reference),
          UpdateExpression: advanceStatus
            ? 'SET routing = :recipients, routedTo = :ids, routedAt = :at, updatedAt = :at, #status = :routed, GSI1PK = :statusPk, GSI1SK = :statusSk'
            : 'SET routing = :recipients, routedTo = :ids, routedAt = :at',
          ConditionExpression: advanceStatus
            ? 'attribute_not_exists(routing) AND #status = :received'
            : 'attribute_not_exists(routing)',
          ExpressionAttributeNames: advanceStatus ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: {
            ':recipients': recipients,
            ':ids': recipients.map((r) => r.id),
            ':at': at,
            ...(advanceStatus
              ? {
                  ':routed': 'routed',
                  ':received': 'received',
                  ':statusPk': keys.enquiryByStatus('routed', enquiry.receivedAt, reference).GSI1PK,
                  ':statusSk': keys.enquiryByStatus('routed', enquiry.receivedAt, reference).GSI1SK,
                }
              : {}),
          },
        }),
      );
      return recipients;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // A concurrent delivery recorded its decision first, or the status moved: look again.
      return this.recordRouting(reference, recipients, at);
    }
  }

  async listByStatus(status: EnquiryStatus, options: ListByStatusOptions): Promise<Page<Enquiry>> {
    // GSI1SK is `<receivedAt>#<reference>`. BETWEEN is inclusive, and `<before>#` sorts just below every key
    // of an enquiry received exactly at `before`, so the range is [from, before).
    const from = options.receivedFrom ?? '0000';
    const before = options.receivedBefore ?? '9999';
    if (from > before) {
      throw new ValidationFailed([{ field: 'receivedFrom', message: 'must not be after receivedBefore' }]);
    }
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_SCHEMA.byStatusIndex.name,
        KeyConditionExpression: 'GSI1PK = :status AND GSI1SK BETWEEN :from AND :before',
        ExpressionAttributeValues: {
          ':status': keys.enquiryStatusPartition(status),
          ':from': from,
          ':before': `${before}#`,
        },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.cursor ? decodeCursor(options.cursor) : undefined,
      }),
    );
    return {
      items: Items.map(toEnquiry),
      cursor: LastEvaluatedKey ? encodeCursor(LastEvaluatedKey) : undefined,
    };
  }

  private async getItem(reference: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.enquiry(reference), ConsistentRead: true }),
    );
    return Item && !isExpired(Item) ? Item : undefined;
  }
}

function isExpired(item: Item): boolean {
  const expiresAt = item[TABLE_SCHEMA.ttlAttribute];
  return typeof expiresAt === 'number' && expiresAt * 1000 < Date.now();
}

function toEnquiry(item: Item): Enquiry {
  const status = item.status as EnquiryStatus;
  if (!ENQUIRY_STATUSES.includes(status)) throw new Error(`Corrupt enquiry item: status ${String(status)}`);
  return {
    reference: String(item.reference),
    category: String(item.category),
    description: String(item.description),
    contact: (item.contact as Enquiry['contact']) ?? {},
    location: item.location as Enquiry['location'],
    happeningNow: Boolean(item.happeningNow),
    safeContact: item.safeContact as Enquiry['safeContact'],
    status,
    statusToken: String(item.statusToken),
    receivedAt: String(item.receivedAt),
    updatedAt: String(item.updatedAt),
    routedTo: item.routedTo as string[] | undefined,
    routing: item.routing as Recipient[] | undefined,
  };
}

/** Opaque pagination cursor: the DynamoDB key, base64url JSON. */
function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Item {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Item;
  } catch {
    // Fall through to the validation error.
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'Not a cursor this API returned' }]);
}
