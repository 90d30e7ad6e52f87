import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbReferenceDataRepository } from '../../functions/adapters/dynamodb-reference-data-repository.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { seedReferenceData } from '../../scripts/seed/seed-reference-data.ts';
import { aFreshTable } from '../support/dynamodb.ts';

let repository: DynamoDbReferenceDataRepository;

beforeAll(async () => {
  const { documentClient, tableName } = await aFreshTable();
  repository = new DynamoDbReferenceDataRepository(documentClient, tableName);
  await seedReferenceData(repository, ASHFORD);
});

describe('DynamoDbReferenceDataRepository seeded with Ashford', () => {
  it('reads the partnership record with the urgent weekend number from the seed page', async () => {
    expect(await repository.getPartnership()).toEqual(ASHFORD.partnership);
    expect((await repository.getPartnership())?.urgentPhone).toBe('01233 331111');
  });

  it('lists the categories in form order', async () => {
    expect(await repository.listCategories()).toEqual(ASHFORD.categories);
  });

  it('lists every CSU agency from the seed page', async () => {
    const names = (await repository.listAgencies()).map((a) => a.name);
    for (const name of [
      'Kent Police',
      'KCC Trading Standards',
      'Age UK',
      'Ashford Mediation Service',
      'Ashford Street Pastors',
    ]) {
      expect(names).toContain(name);
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

  it('refuses a seed whose routing names an agency that does not exist', async () => {
    const broken = { ...ASHFORD, routing: [{ category: 'parking', agencyIds: ['ghost'] }] };
    await expect(seedReferenceData(repository, broken)).rejects.toThrow(/ghost/);
  });
});

describe('seeding again', () => {
  it('adds what a newer seed brings and keeps every change made since', async () => {
    const { documentClient, tableName } = await aFreshTable();
    const table = new DynamoDbReferenceDataRepository(documentClient, tableName);
    const older = {
      ...ASHFORD,
      agencies: ASHFORD.agencies.map(({ safeguarding: _, ...agency }) => agency),
      categories: ASHFORD.categories.filter((c) => c.code !== 'hate-crime'),
      routing: ASHFORD.routing.filter((r) => r.category !== 'hate-crime'),
    };
    await seedReferenceData(table, older);
    const rule = (await table.getRoutingRule('parking'))!;
    await table.updateRoutingRule({ category: 'parking', agencyIds: ['kent-police'] }, rule.version, {
      entity: 'ROUTING#parking',
      action: 'update-routing',
      actor: 'csu-officer',
      at: new Date().toISOString(),
      before: rule,
      after: { agencyIds: ['kent-police'] },
    });

    await seedReferenceData(table, ASHFORD);

    expect((await table.listCategories()).map((c) => c.code)).toContain('hate-crime');
    expect((await table.listAgencies()).find((a) => a.id === 'kent-police')?.safeguarding).toBe(true);
    expect(await table.getRoutingRule('parking')).toMatchObject({ agencyIds: ['kent-police'], version: 2 });
  });
});
