/**
 * Open311 clients in the table: one item per client keyed by the hash of its API key (a submission finds its
 * client with one GetItem), listed through GSI1 under one partition. The key itself is never stored.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Open311Client, Open311ClientRepository } from '../domain/open311-clients.ts';
import { queryPartition, whenConditionHolds } from './dynamodb-helpers.ts';
import { keys, OPEN311_CLIENTS_PARTITION, TABLE_SCHEMA } from './table-keys.ts';

type Item = Record<string, unknown>;

export class DynamoDbOpen311Clients implements Open311ClientRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(client: Open311Client, keyHash: string): Promise<void> {
    // With a pointer from the client's id to its key's hash, so revoking it is a consistent read away, never
    // an index that may not show a client issued a moment ago.
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.open311Client(keyHash),
                ...keys.open311ClientListing(client.createdAt, client.id),
                type: 'Open311Client',
                ...client,
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.open311ClientById(client.id), type: 'Open311ClientPointer', keyHash },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
  }

  async findByKeyHash(keyHash: string): Promise<Open311Client | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.open311Client(keyHash), ConsistentRead: true }),
    );
    return Item ? toClient(Item) : undefined;
  }

  async list(): Promise<Open311Client[]> {
    return (await this.listItems()).map(toClient);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const { Item: pointer } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.open311ClientById(id), ConsistentRead: true }),
    );
    // Clients issued before pointers existed are found through the listing.
    const key = pointer
      ? keys.open311Client(String(pointer.keyHash))
      : (await this.listItems()).find((candidate) => candidate.id === id);
    if (!key) return false;
    await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: key.PK, SK: key.SK },
          UpdateExpression: 'SET revokedAt = :at',
          // The first revocation's time stands.
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    return true;
  }

  private async listItems(): Promise<Item[]> {
    return queryPartition(this.client, this.tableName, OPEN311_CLIENTS_PARTITION, {
      index: TABLE_SCHEMA.byStatusIndex,
    });
  }
}

function toClient(item: Item): Open311Client {
  return {
    id: String(item.id),
    name: String(item.name),
    createdAt: String(item.createdAt),
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}
