/** A fresh table on the integration cloud's DynamoDB Local, per test file, so adapter tests never collide. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/clients/dynamodb.ts';
import { DynamoDbGovernanceRepository } from '../../functions/adapters/dynamodb-governance-repository.ts';
import { DynamoDbRecordsRepository } from '../../functions/adapters/dynamodb-records-repository.ts';
import { ensureTable } from '../../local/dynamodb-local.ts';

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
