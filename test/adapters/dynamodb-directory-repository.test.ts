/**
 * DynamoDbDirectoryRepository against DynamoDB Local: creates refuse taken ids, changes need the version read,
 * each change is written with its audit entry and counts the directory version up, all or nothing.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoDbDirectoryRepository } from '../../functions/adapters/dynamodb-directory-repository.ts';
import { DynamoDbGovernanceRepository } from '../../functions/adapters/dynamodb-governance-repository.ts';
import { DynamoDbReferenceDataRepository } from '../../functions/adapters/dynamodb-reference-data-repository.ts';
import { RecordConflict, StaleVersion } from '../../functions/domain/errors.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { aFreshTable, seedTable } from '../support/dynamodb.ts';
import { anAuditEntry, anOrganisation } from '../support/in-memory-governance.ts';

async function aSeededDirectory() {
  const table = await aFreshTable();
  await seedTable(table, new Date('2026-11-26T10:00:00.000Z'));
  return {
    directory: new DynamoDbDirectoryRepository(table.documentClient, table.tableName),
    referenceData: new DynamoDbReferenceDataRepository(table.documentClient, table.tableName),
    governance: new DynamoDbGovernanceRepository(table.documentClient, table.tableName),
  };
}

describe('DynamoDbDirectoryRepository', () => {
  it('reads the seeded profile at version 1, and changes it only at that version, with its audit entry', async () => {
    const { directory, referenceData, governance } = await aSeededDirectory();
    const { version, ...profile } = (await directory.getProfile())!;
    const seeded = await referenceData.getDirectoryVersion();

    await directory.updateProfile(
      { ...profile, csuMailbox: 'csu@ashford.example' },
      version,
      anAuditEntry({ entity: 'PARTNERSHIP' }),
    );
    const stale = directory.updateProfile(profile, version, anAuditEntry({ entity: 'PARTNERSHIP' }));

    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    expect(await directory.getProfile()).toMatchObject({ csuMailbox: 'csu@ashford.example', version: 2 });
    expect((await referenceData.getPartnership())?.csuMailbox).toBe('csu@ashford.example');
    expect(await governance.listAudit('PARTNERSHIP')).toHaveLength(1);
    expect(await referenceData.getDirectoryVersion()).toBe(seeded + 1);
  });

  it('adds an organisation at its position, refuses its id again, and keeps the position through changes', async () => {
    const { directory, governance } = await aSeededDirectory();
    const newcomer = anOrganisation('newcomer');

    await directory.createOrganisation(newcomer, 99, anAuditEntry());
    await expect(directory.createOrganisation(newcomer, 100, anAuditEntry())).rejects.toBeInstanceOf(
      RecordConflict,
    );
    await directory.updateOrganisation({ ...newcomer, name: 'Renamed' }, 1, anAuditEntry());

    expect(await directory.getOrganisation('newcomer')).toMatchObject({ name: 'Renamed', version: 2 });
    expect((await governance.listOrganisations()).at(-1)?.id).toBe('newcomer');
    expect(await directory.countOrganisations()).toBe(24);
  });

  it('refuses a deactivation when a routing change named the agency after the rules were checked', async () => {
    const { directory, referenceData } = await aSeededDirectory();
    const parking = (await directory.getAgency('abc-parking'))!;
    // Checked: no rule names Age UK... but meanwhile a CSU officer routes parking to it.
    const ageUk = (await directory.getAgency('age-uk'))!;
    await referenceData.updateRoutingRule(
      { category: 'parking', agencyIds: ['abc-parking', 'age-uk'] },
      1,
      anAuditEntry(),
    );
    const { routingChanges: _, ...unchanged } = ageUk;

    await expect(
      directory.updateAgency(
        { ...unchanged, active: false },
        ageUk.version,
        anAuditEntry(),
        ageUk.routingChanges,
      ),
    ).rejects.toBeInstanceOf(RecordConflict);
    // Checked against the count as it stands now, a change goes through.
    await directory.updateAgency(
      { ...parking, name: 'Parking services' },
      parking.version,
      anAuditEntry(),
      parking.routingChanges + 1,
    );
    expect((await directory.getAgency('age-uk'))?.active).toBe(true);
    expect((await directory.getAgency('abc-parking'))?.name).toBe('Parking services');
  });

  it('refuses to route to an agency deactivated meanwhile, with 409 naming it', async () => {
    const { directory, referenceData } = await aSeededDirectory();
    const wardens = (await directory.getAgency('kcc-community-wardens'))!;
    const { routingChanges, ...agency } = wardens;
    // Take it out of every rule first, then deactivate it.
    for (const rule of await directory.listRoutingRules()) {
      if (rule.agencyIds.includes(agency.id)) {
        await referenceData.updateRoutingRule(
          { ...rule, agencyIds: rule.agencyIds.filter((id) => id !== agency.id) },
          rule.version,
          anAuditEntry(),
        );
      }
    }
    const after = (await directory.getAgency(agency.id))!;
    await directory.updateAgency(
      { ...agency, active: false },
      after.version,
      anAuditEntry(),
      after.routingChanges,
    );

    await expect(
      referenceData.updateRoutingRule({ category: 'parking', agencyIds: [agency.id] }, 1, anAuditEntry()),
    ).rejects.toMatchObject({ violations: [{ field: 'agencyIds', message: `${agency.id} is not active` }] });
    expect(routingChanges).toBe(0);
    expect(await referenceData.getRoutingRule('parking')).toMatchObject({ agencyIds: ['abc-parking'] });
  });

  it('adds a category with a routing rule to the CSU alone, and retires it; a taken code is a conflict', async () => {
    const { directory, referenceData } = await aSeededDirectory();

    await directory.createCategory(
      { code: 'e-scooters', title: 'E-scooters', description: 'Riding', sensitive: false, position: 3 },
      anAuditEntry(),
    );
    await directory.updateCategory(
      {
        code: 'e-scooters',
        title: 'E-scooters',
        description: 'Riding',
        sensitive: false,
        position: 3,
        retired: true,
      },
      1,
      anAuditEntry(),
    );

    expect(await directory.getCategory('e-scooters')).toMatchObject({
      retired: true,
      version: 2,
      position: 3,
    });
    expect(await referenceData.getRoutingRule('e-scooters')).toEqual({
      category: 'e-scooters',
      agencyIds: [],
      version: 1,
    });
    expect((await referenceData.listCategories()).length).toBe(ASHFORD.categories.length + 1);
    await expect(
      directory.createCategory(
        { code: 'parking', title: 'P', description: 'P', sensitive: false, position: 0 },
        anAuditEntry(),
      ),
    ).rejects.toBeInstanceOf(RecordConflict);
  });
});

describe('a change racing another on the same records', () => {
  it('is refused as stale (412, read again and resend), never a 500, and counts no directory change', async () => {
    const documentClient = mockClient(DynamoDBDocumentClient);
    documentClient.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    );
    const referenceData = new DynamoDbReferenceDataRepository(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })),
      'csp-test',
    );

    await expect(
      referenceData.updateRoutingRule({ category: 'parking', agencyIds: ['abc-parking'] }, 1, anAuditEntry()),
    ).rejects.toBeInstanceOf(StaleVersion);
    expect(documentClient.commandCalls(UpdateCommand)).toHaveLength(0);
    documentClient.restore();
  });
});
