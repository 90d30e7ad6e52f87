/** A fresh table on the integration cloud's DynamoDB Local, per test file, so adapter tests never collide. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/clients/dynamodb.ts';
import { DynamoDbGovernanceRepository } from '../../functions/adapters/dynamodb-governance-repository.ts';
import { DynamoDbRecordsRepository } from '../../functions/adapters/dynamodb-records-repository.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import type { Organisation } from '../../functions/domain/governance.ts';
import { ensureTable } from '../../local/dynamodb-local.ts';
import { ASHFORD_FILE } from '../../scripts/seed/ashford.ts';
import { DynamoDbSeedTable } from '../../scripts/seed/dynamodb-seed-table.ts';
import type { PartnershipFile } from '../../scripts/seed/partnership-file.ts';
import { seedPartnership } from '../../scripts/seed/seed-partnership.ts';

export async function aFreshTable() {
  const client = new DynamoDBClient({
    endpoint: inject('localCloud').dynamodb,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = `adapter-test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { client, documentClient: createDocumentClient(client), tableName };
}

/** A fresh table with the governance and records repositories on it (they share one audit trail there). */
export async function freshGovernanceRepositories() {
  const table = await aFreshTable();
  return {
    ...table,
    governance: new DynamoDbGovernanceRepository(table.documentClient, table.tableName),
    records: new DynamoDbRecordsRepository(table.documentClient, table.tableName),
  };
}

/** Seeds a partnership file into a table as `npm run seed` does (Ashford's unless told), at `now`. */
export async function seedTable(
  table: { documentClient: DynamoDBDocumentClient; tableName: string },
  now: Date,
  file: PartnershipFile = ASHFORD_FILE,
) {
  return seedPartnership(
    new DynamoDbSeedTable(table.documentClient, table.tableName),
    new DynamoDbGovernanceRepository(table.documentClient, table.tableName),
    file,
    now,
  );
}

/** Puts raw items, as seeding or an older version of the code left them. */
export async function putItems(
  table: { documentClient: DynamoDBDocumentClient; tableName: string },
  ...items: Record<string, unknown>[]
) {
  for (const Item of items)
    await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item }));
}

/** A plan year's item as seeding writes it (version 1). */
export const aPlanYearItem = (planYear: string, titles: string[], revisedOn: string) => ({
  ...keys.planYear(planYear),
  type: 'PlanYear',
  planYear,
  titles,
  revisedOn,
  version: 1,
});

/** An organisation's item as seeding writes it, at `position`. */
export const anOrganisationItem = (organisation: Organisation, position: number) => ({
  ...keys.organisation(organisation.id),
  type: 'Organisation',
  ...organisation,
  position,
});
