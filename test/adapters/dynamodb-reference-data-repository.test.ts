import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReferenceDataRepository } from '../../functions/adapters/dynamodb-reference-data-repository.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { aFreshTable, seedTable } from '../support/dynamodb.ts';

let repository: DynamoDbReferenceDataRepository;

beforeAll(async () => {
  const table = await aFreshTable();
  repository = new DynamoDbReferenceDataRepository(table.documentClient, table.tableName);
  await seedTable(table, new Date('2026-11-26T10:00:00Z'));
});

describe('DynamoDbReferenceDataRepository seeded with Ashford', () => {
  it('reads the partnership record with the urgent weekend number from the seed page', async () => {
    expect(await repository.getPartnership()).toEqual(ASHFORD.partnership);
    expect((await repository.getPartnership())?.urgentPhone).toBe('01233 331111');
  });

  it('lists the categories in form order', async () => {
    expect(await repository.listCategories()).toEqual(ASHFORD.categories);
  });

  it('lists every CSU agency from the seed page, active', async () => {
    const agencies = await repository.listAgencies();
    for (const name of [
      'Kent Police',
      'KCC Trading Standards',
      'Age UK',
      'Ashford Mediation Service',
      'Ashford Street Pastors',
    ]) {
      expect(agencies.find((a) => a.name === name)?.active).toBe(true);
    }
  });

  it('reads a routing rule, and nothing for a category without one', async () => {
    expect(await repository.getRoutingRule('parking')).toEqual({
      category: 'parking',
      agencyIds: ['abc-parking'],
      version: 1,
    });
    expect(await repository.getRoutingRule('no-such-category')).toBeUndefined();
  });

  it('counts the seeding as one directory change', async () => {
    expect(await repository.getDirectoryVersion()).toBe(1);
  });
});

describe('changing a routing rule', () => {
  const audit = (after: unknown) => ({
    entity: 'ROUTING#parking',
    action: 'update-routing',
    actor: 'csu-officer',
    at: new Date().toISOString(),
    before: null,
    after,
  });

  it('counts the directory version up with the change', async () => {
    const table = await aFreshTable();
    const referenceData = new DynamoDbReferenceDataRepository(table.documentClient, table.tableName);
    await seedTable(table, new Date());

    const seeded = await referenceData.getDirectoryVersion();
    await referenceData.updateRoutingRule({ category: 'parking', agencyIds: ['kent-police'] }, 1, audit(1));

    expect(await referenceData.getDirectoryVersion()).toBe(seeded + 1);
    expect(await referenceData.getRoutingRule('parking')).toMatchObject({
      agencyIds: ['kent-police'],
      version: 2,
    });
  });

  it('refuses an agency that is not active, changing nothing', async () => {
    const table = await aFreshTable();
    const referenceData = new DynamoDbReferenceDataRepository(table.documentClient, table.tableName);
    await seedTable(table, new Date());
    const { DynamoDbDirectoryRepository } = await import(
      '../../functions/adapters/dynamodb-directory-repository.ts'
    );
    const directory = new DynamoDbDirectoryRepository(table.documentClient, table.tableName);
    const ageUk = (await directory.getAgency('age-uk'))!;
    await directory.updateAgency({ ...ageUk, active: false }, ageUk.version, audit('deactivate'));

    await expect(
      referenceData.updateRoutingRule(
        { category: 'parking', agencyIds: ['abc-parking', 'age-uk'] },
        1,
        audit(2),
      ),
    ).rejects.toMatchObject({
      name: 'RecordConflict',
      violations: [{ field: 'agencyIds', message: 'age-uk is not active' }],
    });
    expect(await referenceData.getRoutingRule('parking')).toMatchObject({
      agencyIds: ['abc-parking'],
      version: 1,
    });
  });
});
