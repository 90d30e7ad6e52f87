/**
 * Open311 clients in the table: one item per client keyed by the hash of its API key (a submission finds its
 * client with one GetItem), listed through GSI1 under one partition. The key itself is never stored.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.open311Client(keyHash),
          ...keys.open311ClientListing(client.createdAt, client.id),
          type: 'Open311Client',
          ...client,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
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
    const item = (await this.listItems()).find((candidate) => candidate.id === id);
    if (!item) return false;
    await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: item.PK, SK: item.SK },
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
