/**
 * The restore script against DynamoDB Local: items come back from a restored table without undoing what has
 * happened since the restore point.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import { RestoreOptionsError, restoreItems } from '../../scripts/restore/restore-items.ts';
import { aFreshTable } from '../support/dynamodb.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';

let restored: Awaited<ReturnType<typeof aFreshTable>>;
let live: Awaited<ReturnType<typeof aFreshTable>>;
const client = () => live.documentClient;

/** The same enquiry stored in both tables, as it was at the restore point. */
async function inBoth(reference: string, description = 'Van on the pavement every night') {
  const enquiry = aStoredEnquiry({ reference, description });
  for (const table of [restored, live]) {
    await new DynamoDbEnquiryRepository(table.documentClient, table.tableName, 30).create(enquiry);
  }
  return enquiry;
}

async function liveEnquiry(reference: string) {
  const { Item } = await client().send(
    new GetCommand({ TableName: live.tableName, Key: keys.enquiry(reference), ConsistentRead: true }),
  );
  return Item;
}

async function changeLive(reference: string, set: Record<string, unknown>) {
  const names = Object.keys(set);
  await client().send(
    new UpdateCommand({
      TableName: live.tableName,
      Key: keys.enquiry(reference),
      UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#n${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, set[name]])),
    }),
  );
}

beforeEach(async () => {
  [restored, live] = await Promise.all([aFreshTable(), aFreshTable()]);
});

describe('restoreItems', () => {
  it('brings back what the live table lost, leaving everything it still has as it is now', async () => {
    const lost = aStoredEnquiry({ reference: 'CSU-2026-000001' });
    await new DynamoDbEnquiryRepository(restored.documentClient, restored.tableName, 30).create(lost);
    await inBoth('CSU-2026-000002');
    await changeLive('CSU-2026-000002', { description: 'Worked on since the restore point' });
    const options = { from: restored.tableName, to: live.tableName };

    const dryRun = await restoreItems(client(), options);
    const beforeApply = await liveEnquiry('CSU-2026-000001');
    const report = await restoreItems(client(), { ...options, apply: true });

    expect(dryRun.written).toBe(report.written);
    expect(beforeApply).toBeUndefined();
    expect(report.written).toBeGreaterThan(0);
    expect(report.keptLive).toBeGreaterThan(0);
    expect((await liveEnquiry('CSU-2026-000001'))?.description).toBe(lost.description);
    expect((await liveEnquiry('CSU-2026-000002'))?.description).toBe('Worked on since the restore point');
  });

  it('rolls chosen enquiries back when asked to overwrite, and only those', async () => {
    await inBoth('CSU-2026-000003', 'As it was');
    await inBoth('CSU-2026-000004', 'As it was');
    await changeLive('CSU-2026-000003', { description: 'Corrupted by a bad deploy' });
    await changeLive('CSU-2026-000004', { description: 'Changed since, correctly' });

    await restoreItems(client(), {
      from: restored.tableName,
      to: live.tableName,
      enquiries: ['CSU-2026-000003'],
      overwrite: true,
      apply: true,
    });

    expect((await liveEnquiry('CSU-2026-000003'))?.description).toBe('As it was');
    expect((await liveEnquiry('CSU-2026-000004'))?.description).toBe('Changed since, correctly');
  });

  it('never brings back an enquiry anonymised or erased since the restore point, even when overwriting', async () => {
    await inBoth('CSU-2026-000005', 'Personal details the retention job has since removed');
    await changeLive('CSU-2026-000005', { description: '', anonymisedAt: '2026-11-26T02:30:00.000Z' });

    const report = await restoreItems(client(), {
      from: restored.tableName,
      to: live.tableName,
      enquiries: ['CSU-2026-000005'],
      overwrite: true,
      apply: true,
    });

    expect(report).toEqual({ written: 0, keptLive: 0, skippedAnonymised: ['CSU-2026-000005'] });
    expect((await liveEnquiry('CSU-2026-000005'))?.description).toBe('');
  });

  it('refuses to overwrite without naming the enquiries, or to restore a table onto itself', async () => {
    await expect(
      restoreItems(client(), { from: restored.tableName, to: live.tableName, overwrite: true }),
    ).rejects.toThrow(RestoreOptionsError);
    await expect(restoreItems(client(), { from: live.tableName, to: live.tableName })).rejects.toThrow(
      RestoreOptionsError,
    );
  });
});
