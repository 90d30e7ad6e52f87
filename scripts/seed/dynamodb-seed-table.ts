import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bumpDirectoryVersion } from '../../functions/adapters/dynamodb-helpers.ts';
import type { SeedTable } from './seed-partnership.ts';

/**
 * The single table as seeding writes it: one update per item, `if_not_exists` per field, on condition that the
 * API has never written the item (no `version`).
 */
export class DynamoDbSeedTable implements SeedTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: { PK: string; SK: string }) {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  async addMissing(key: { PK: string; SK: string }, fields: Record<string, unknown>) {
    const entries = Object.entries(fields);
    // One update, so a field the API set between a read and this write is never overwritten: if_not_exists
    // and the condition decide on the item as it is when the write lands, and ALL_OLD says what it was.
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}`,
          // A field missing from an item the API wrote was removed through the API: putting it back would undo it.
          ConditionExpression: 'attribute_not_exists(version)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.get(key);
    }
  }

  async directoryChanged() {
    await bumpDirectoryVersion(this.client, this.tableName);
  }
}
