/**
 * The DynamoDB adapters every function builds the same way, from the same environment. Call at module scope,
 * so they are built once per container.
 */
import { documentClient } from './adapters/clients/dynamodb.ts';
import { DynamoDbEmailLedger } from './adapters/dynamodb-email-ledger.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbGovernanceRepository } from './adapters/dynamodb-governance-repository.ts';
import { DynamoDbRecordsRepository } from './adapters/dynamodb-records-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';

/** Repositories on the table named by `TABLE_NAME`, keeping enquiry data for `ENQUIRY_RETENTION_DAYS`. */
export function tableAdapters() {
  const tableName = requireEnv(ENV.tableName);
  const retentionDays = requireIntEnv(ENV.enquiryRetentionDays);
  return {
    enquiries: new DynamoDbEnquiryRepository(documentClient, tableName, retentionDays),
    referenceData: new DynamoDbReferenceDataRepository(documentClient, tableName),
    ledger: new DynamoDbEmailLedger(documentClient, tableName, retentionDays),
    governance: new DynamoDbGovernanceRepository(documentClient, tableName),
    records: new DynamoDbRecordsRepository(documentClient, tableName),
  };
}
