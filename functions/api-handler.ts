/** Lambda entry point of the API: wiring at module scope (once per container), then Hono's API Gateway adapter. */
import { handle } from 'hono/aws-lambda';
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { secretsManagerClient } from './adapters/clients/secrets-manager.ts';
import { DynamoDbAuditTrail } from './adapters/dynamodb-audit-trail.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbDirectoryRepository } from './adapters/dynamodb-directory-repository.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbGovernanceRepository } from './adapters/dynamodb-governance-repository.ts';
import { DynamoDbOpen311Clients } from './adapters/dynamodb-open311-clients.ts';
import { DynamoDbRecordsRepository } from './adapters/dynamodb-records-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { DynamoDbStatisticsStore } from './adapters/dynamodb-statistics-store.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { JwtStaffVerifier } from './adapters/jwt-staff-verifier.ts';
import { SecretKeyedHasher } from './adapters/secret-keyed-hasher.ts';
import { createApi } from './api/app.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import { logger } from './observability.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const referenceData = new DynamoDbReferenceDataRepository(documentClient, tableName);

const app = createApi({
  enquiries: new DynamoDbEnquiryRepository(
    documentClient,
    tableName,
    requireIntEnv(ENV.enquiryRetentionDays),
  ),
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  audit: new DynamoDbAuditTrail(documentClient, tableName),
  referenceData,
  cachedReferenceData: new CachedReferenceData(referenceData, REFERENCE_DATA_MAX_AGE_SECONDS),
  governance: new DynamoDbGovernanceRepository(documentClient, tableName),
  directory: new DynamoDbDirectoryRepository(documentClient, tableName),
  records: new DynamoDbRecordsRepository(documentClient, tableName),
  open311Clients: new DynamoDbOpen311Clients(documentClient, tableName),
  statistics: new DynamoDbStatisticsStore(documentClient, tableName),
  staffTokens: new JwtStaffVerifier({
    issuer: requireEnv(ENV.authIssuer),
    audience: requireEnv(ENV.authAudience),
    jwksUrl: requireEnv(ENV.authJwksUrl),
  }),
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  personalData: new SecretKeyedHasher(secretsManagerClient, requireEnv(ENV.personalDataKeySecret)),
  clock: () => new Date(),
  logger,
  publicApiUrl: requireEnv(ENV.publicApiUrl),
  statusPageBaseUrl: requireEnv(ENV.statusPageBaseUrl),
  allowedOrigins: requireEnv(ENV.allowedOrigins)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
});

export const handler = handle(app);
