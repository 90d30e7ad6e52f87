/** Open311 clients in DynamoDB Local: found by key hash, listed oldest first, revoked once. */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbOpen311Clients } from '../../functions/adapters/dynamodb-open311-clients.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import { aFreshTable } from '../support/dynamodb.ts';

let clients: DynamoDbOpen311Clients;
let table: Awaited<ReturnType<typeof aFreshTable>>;

beforeAll(async () => {
  table = await aFreshTable();
  clients = new DynamoDbOpen311Clients(table.documentClient, table.tableName);
});

describe('DynamoDbOpen311Clients', () => {
  it('finds a client by its key hash, lists clients oldest first, and keeps the first revocation', async () => {
    const older = { id: 'client-a', name: 'FixMyStreet', createdAt: '2026-11-01T10:00:00.000Z' };
    const newer = { id: 'client-b', name: 'Council site', createdAt: '2026-11-02T10:00:00.000Z' };
    await clients.create(newer, 'hash-b');
    await clients.create(older, 'hash-a');

    const found = await clients.findByKeyHash('hash-a');
    const revoked = await clients.revoke('client-a', '2026-11-03T10:00:00.000Z');
    const again = await clients.revoke('client-a', '2026-11-04T10:00:00.000Z');
    const unknown = await clients.revoke('client-z', '2026-11-04T10:00:00.000Z');

    expect(found).toEqual(older);
    expect(await clients.findByKeyHash('hash-z')).toBeUndefined();
    expect([revoked, again, unknown]).toEqual([true, true, false]);
    expect(await clients.list()).toEqual([{ ...older, revokedAt: '2026-11-03T10:00:00.000Z' }, newer]);
    expect((await clients.findByKeyHash('hash-a'))?.revokedAt).toBe('2026-11-03T10:00:00.000Z');
  });

  it('refuses a second client with the same key hash', async () => {
    await clients.create({ id: 'client-c', name: 'C', createdAt: '2026-11-05T10:00:00.000Z' }, 'hash-c');

    await expect(
      clients.create({ id: 'client-d', name: 'D', createdAt: '2026-11-05T10:00:00.000Z' }, 'hash-c'),
    ).rejects.toThrow();
    const { Items = [] } = await table.documentClient.send(new ScanCommand({ TableName: table.tableName }));
    expect(Items.filter((item) => item.id === 'client-d')).toEqual([]);
  });

  it('revokes a client issued before id pointers existed, found through the listing', async () => {
    const legacy = { id: 'client-legacy', name: 'Old app', createdAt: '2026-01-01T10:00:00.000Z' };
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...keys.open311Client('hash-legacy'),
          ...keys.open311ClientListing(legacy.createdAt, legacy.id),
          type: 'Open311Client',
          ...legacy,
        },
      }),
    );

    expect(await clients.revoke('client-legacy', '2026-11-06T10:00:00.000Z')).toBe(true);
    expect((await clients.findByKeyHash('hash-legacy'))?.revokedAt).toBe('2026-11-06T10:00:00.000Z');
  });
});
