/**
 * Seeding a partnership file into DynamoDB Local: idempotent, never overwriting a change made through the API
 * (it reports the difference instead), filling in what a newer file brings, refusing another partnership's
 * table, and recording the current chair term once, already announced.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbDirectoryRepository } from '../../functions/adapters/dynamodb-directory-repository.ts';
import { DynamoDbGovernanceRepository } from '../../functions/adapters/dynamodb-governance-repository.ts';
import { DynamoDbReferenceDataRepository } from '../../functions/adapters/dynamodb-reference-data-repository.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import { updateProfile } from '../../functions/domain/use-cases/directory.ts';
import { ASHFORD_FILE } from '../../scripts/seed/ashford.ts';
import { loadPartnershipFile } from '../../scripts/seed/partnership-file.ts';
import { describeSeeding, partnershipItems, WrongPartnership } from '../../scripts/seed/seed-partnership.ts';
import { aFreshTable, seedTable } from '../support/dynamodb.ts';
import { anAdmin, anAuditEntry } from '../support/in-memory-governance.ts';

const NOW = new Date('2026-11-26T10:00:00.000Z');

describe('seeding a partnership file', () => {
  it('adds every record once; a second run adds nothing and changes nothing', async () => {
    const table = await aFreshTable();

    const first = await seedTable(table, NOW);
    const second = await seedTable(table, new Date('2026-11-27T10:00:00.000Z'));

    expect(first).toHaveLength(partnershipItems(ASHFORD_FILE).length);
    expect(first.every((r) => r.outcome === 'added')).toBe(true);
    expect(second.every((r) => r.outcome === 'unchanged')).toBe(true);
    const governance = new DynamoDbGovernanceRepository(table.documentClient, table.tableName);
    expect(await governance.listChairTerms()).toEqual([
      expect.objectContaining({
        startsOn: '2026-04-01',
        organisationId: 'kent-police',
        announcedAt: NOW.toISOString(),
      }),
    ]);
  });

  it('keeps a mailbox changed through the API, and reports it with both values', async () => {
    const table = await aFreshTable();
    await seedTable(table, NOW);
    const directory = new DynamoDbDirectoryRepository(table.documentClient, table.tableName);
    const police = (await directory.getAgency('kent-police'))!;
    const { routingChanges: _, ...agency } = police;
    await directory.updateAgency({ ...agency, email: 'new@police.example' }, police.version, anAuditEntry());

    const report = await seedTable(table, NOW);

    expect((await directory.getAgency('kent-police'))?.email).toBe('new@police.example');
    expect(report.find((r) => r.record === 'agency kent-police')).toEqual({
      record: 'agency kent-police',
      outcome: 'kept',
      differences: [{ field: 'email', table: 'new@police.example', file: agency.email }],
    });
    const text = describeSeeding(ASHFORD_FILE, report);
    expect(text).toContain('1 differ from the file (the table’s kept)');
    expect(text).toContain('agency kent-police: email differs from the file');
    expect(text).not.toContain('new@police.example');
    expect(describeSeeding(ASHFORD_FILE, report, { withValues: true })).toContain(
      'agency kent-police: email is "new@police.example" in the table',
    );
  });

  it('leaves a field cleared through the API cleared, and reports it as differing', async () => {
    const table = await aFreshTable();
    await seedTable(table, NOW);
    const directory = new DynamoDbDirectoryRepository(table.documentClient, table.tableName);
    const governance = new DynamoDbGovernanceRepository(table.documentClient, table.tableName);
    // As PATCH /partnership {privacyNoticeUrl: null} does it: the use case removes the attribute.
    await updateProfile(
      { directory, clock: () => NOW, organisations: () => governance.listOrganisations() },
      { principal: anAdmin(), ifMatch: '"1"', changes: { privacyNoticeUrl: null } },
    );

    const report = await seedTable(table, new Date('2026-11-27T10:00:00.000Z'));

    expect((await directory.getProfile())?.privacyNoticeUrl).toBeUndefined();
    expect(report.find((r) => r.record === 'partnership')).toEqual({
      record: 'partnership',
      outcome: 'kept',
      differences: [
        { field: 'privacyNoticeUrl', table: undefined, file: ASHFORD_FILE.profile.privacyNoticeUrl },
      ],
    });
    expect(describeSeeding(ASHFORD_FILE, report)).toContain(
      'partnership: privacyNoticeUrl differs from the file',
    );
    expect(describeSeeding(ASHFORD_FILE, report, { withValues: true })).toContain(
      'partnership: privacyNoticeUrl is absent in the table',
    );
  });

  it('fills in what a newer file brings, without touching what is there', async () => {
    const table = await aFreshTable();
    const older = {
      ...ASHFORD_FILE,
      categories: ASHFORD_FILE.categories.filter((c) => c.code !== 'hate-crime'),
      routing: ASHFORD_FILE.routing.filter((r) => r.category !== 'hate-crime'),
    };
    await seedTable(table, NOW, older);
    // An item as an older version wrote it: without the field a newer file has.
    await table.documentClient.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.agency('age-uk'),
        UpdateExpression: 'REMOVE active',
      }),
    );

    const report = await seedTable(table, NOW);

    const referenceData = new DynamoDbReferenceDataRepository(table.documentClient, table.tableName);
    expect((await referenceData.listCategories()).map((c) => c.code)).toContain('hate-crime');
    expect(report.find((r) => r.record === 'category hate-crime')?.outcome).toBe('added');
    expect(report.find((r) => r.record === 'agency age-uk')?.outcome).toBe('filled-in');
  });

  it('refuses to seed another partnership into a table that serves one, writing nothing', async () => {
    const table = await aFreshTable();
    await seedTable(table, NOW);
    const northmere = loadPartnershipFile('partnerships/northmere.json');

    await expect(seedTable(table, NOW, northmere)).rejects.toBeInstanceOf(WrongPartnership);

    const referenceData = new DynamoDbReferenceDataRepository(table.documentClient, table.tableName);
    expect((await referenceData.listAgencies()).map((a) => a.id)).not.toContain('river-wardens');
  });
});
