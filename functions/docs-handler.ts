/** Lambda entry point of the API's documentation (`/openapi.json`, `/docs`): wiring at module scope. */
import { handle } from 'hono/aws-lambda';
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { createDocsApp } from './api/docs-app.ts';
import { ENV, requireEnv } from './config.ts';
import { logger } from './observability.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';

const app = createDocsApp({
  referenceData: new CachedReferenceData(
    new DynamoDbReferenceDataRepository(documentClient, requireEnv(ENV.tableName)),
    REFERENCE_DATA_MAX_AGE_SECONDS,
  ),
  publicApiUrl: requireEnv(ENV.publicApiUrl),
  logger,
});

export const handler = handle(app);
