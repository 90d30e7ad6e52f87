/**
 * `npm run seed -- --partnership <file>`: seeds a partnership file into the running local cloud, or, with
 * TABLE_NAME set, into that deployed table (standard AWS credentials and region). `--stage <name>` seeds the
 * file the stage's config names instead. Safe to run again: it adds what is missing and reports what differs
 * (changed through the API), never overwriting it: by field name, with both values only with `--show-values` (at a
 * terminal; a deploy pipeline's log must not keep addresses).
 */
import '../local/quiet-sdk-warning.ts';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../functions/adapters/clients/dynamodb.ts';
import { DynamoDbGovernanceRepository } from '../functions/adapters/dynamodb-governance-repository.ts';
import { LOCAL_TABLE_NAME, localClientConfig } from '../local/dynamodb-local.ts';
import { portsFromEnv } from '../local/ports.ts';
import { DynamoDbSeedTable } from './seed/dynamodb-seed-table.ts';
import { InvalidPartnershipFile, loadPartnershipFile } from './seed/partnership-file.ts';
import { describeSeeding, seedPartnership, WrongPartnership } from './seed/seed-partnership.ts';
import { partnershipFileOfStage } from './seed/stage-partnership.ts';

const { values } = parseArgs({
  options: { partnership: { type: 'string' }, stage: { type: 'string' }, 'show-values': { type: 'boolean' } },
});

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const filePath =
  values.partnership ??
  (values.stage
    ? partnershipFileOfStage(values.stage)
    : fail('Usage: npm run seed -- --partnership <file> | --stage <name>'));

try {
  const file = loadPartnershipFile(filePath);
  const deployed = process.env.TABLE_NAME;
  const client = deployed
    ? new DynamoDBClient({})
    : new DynamoDBClient(localClientConfig(portsFromEnv().dynamodb));
  const tableName = deployed ?? LOCAL_TABLE_NAME;
  const documents = createDocumentClient(client);
  const report = await seedPartnership(
    new DynamoDbSeedTable(documents, tableName),
    new DynamoDbGovernanceRepository(documents, tableName),
    file,
    new Date(),
  );
  process.stdout.write(
    `${describeSeeding(file, report, { withValues: values['show-values'] })}\nTable: ${tableName}${deployed ? '' : ' (local cloud)'}\n`,
  );
  client.destroy();
} catch (error) {
  if (error instanceof InvalidPartnershipFile || error instanceof WrongPartnership) fail(error.message);
  if ((error as Error).name === 'ResourceNotFoundException') {
    fail('No such table: start the local cloud first (npm start), or set TABLE_NAME to a deployed table.');
  }
  throw error;
}
