/**
 * Seeds a deployed table with Ashford's reference data (partnership, agencies, categories, routing).
 * Usage: TABLE_NAME=<table> [CSU_MAILBOX=<mailbox>] npx tsx scripts/seed.ts
 * Uses the standard AWS credential chain and region. Safe to run again: it only puts.
 */
import { documentClient } from '../functions/adapters/clients/dynamodb.ts';
import { DynamoDbGovernanceRepository } from '../functions/adapters/dynamodb-governance-repository.ts';
import { DynamoDbRecordsRepository } from '../functions/adapters/dynamodb-records-repository.ts';
import { DynamoDbReferenceDataRepository } from '../functions/adapters/dynamodb-reference-data-repository.ts';
import { ASHFORD } from './seed/ashford.ts';
import { ASHFORD_GOVERNANCE } from './seed/ashford-governance.ts';
import { seedGovernance } from './seed/seed-governance.ts';
import { seedReferenceData } from './seed/seed-reference-data.ts';

const tableName = process.env.TABLE_NAME;
if (!tableName) {
  process.stderr.write('Set TABLE_NAME to the table from the stateful stack outputs.\n');
  process.exit(2);
}
const csuMailbox = process.env.CSU_MAILBOX ?? ASHFORD.partnership.csuMailbox;
await seedReferenceData(new DynamoDbReferenceDataRepository(documentClient, tableName), {
  ...ASHFORD,
  partnership: { ...ASHFORD.partnership, csuMailbox },
});
await seedGovernance(
  new DynamoDbGovernanceRepository(documentClient, tableName),
  new DynamoDbRecordsRepository(documentClient, tableName),
  ASHFORD_GOVERNANCE,
  new Date(),
);
process.stdout.write(`Seeded ${ASHFORD.partnership.name} into ${tableName} (CSU mailbox ${csuMailbox}).\n`);
