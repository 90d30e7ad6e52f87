import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EndedSessions } from '../web/session.ts';
import { keys, TABLE_SCHEMA } from './table-keys.ts';

/**
 * Console sessions ended by signing out, one item each, deleted by TTL once the session could no longer be
 * used anyway: a copy of a signed-out session's cookie (another tab, a shared computer's history) is refused
 * at its next request rather than living on until its refresh.
 */
export class DynamoDbEndedSessions implements EndedSessions {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async end(sessionId: string, usableUntil: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.endedSession(sessionId), [TABLE_SCHEMA.ttlAttribute]: usableUntil },
      }),
    );
  }

  async hasEnded(sessionId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      // Consistent: a sign-out must hold for the very next request.
      new GetCommand({ TableName: this.tableName, Key: keys.endedSession(sessionId), ConsistentRead: true }),
    );
    return Item !== undefined;
  }
}
