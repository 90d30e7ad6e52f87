/** Lambda entry point of the public API: wiring at module scope, then Hono's API Gateway adapter. */
import { handle } from 'hono/aws-lambda';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { createApi } from './api/app.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import { logger } from './observability.ts';

const tableName = requireEnv(ENV.tableName);

const app = createApi({
  enquiries: new DynamoDbEnquiryRepository(
    documentClient,
    tableName,
    requireIntEnv(ENV.enquiryRetentionDays),
  ),
  referenceData: new DynamoDbReferenceDataRepository(documentClient, tableName),
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  clock: () => new Date(),
  logger,
  publicApiUrl: requireEnv(ENV.publicApiUrl),
  allowedOrigins: requireEnv(ENV.allowedOrigins)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
});

export const handler = handle(app);
