/** Console sessions ended by signing out, in DynamoDB Local: remembered at once, and only until they matter. */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbEndedSessions } from '../../functions/adapters/dynamodb-ended-sessions.ts';
import { keys, TABLE_SCHEMA } from '../../functions/adapters/table-keys.ts';
import { aFreshTable } from '../support/dynamodb.ts';

describe('DynamoDbEndedSessions', () => {
  it('knows a session has ended from the next read on, and lets TTL delete the record when the session would have', async () => {
    const table = await aFreshTable();
    const sessions = new DynamoDbEndedSessions(table.documentClient, table.tableName);
    const id = randomUUID();
    const other = randomUUID();
    expect(await sessions.hasEnded(id)).toBe(false);
    await sessions.end(id, 1_800_028_800);
    expect(await sessions.hasEnded(id)).toBe(true);
    expect(await sessions.hasEnded(other)).toBe(false);
    const { Item } = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: keys.endedSession(id) }),
    );
    expect(Item?.[TABLE_SCHEMA.ttlAttribute]).toBe(1_800_028_800);
    // Ending it again (a second tab signing out) is harmless.
    await sessions.end(id, 1_800_028_800);
    expect(await sessions.hasEnded(id)).toBe(true);
  });
});
