/** Lambda entry point of the web front doors (the contact form and the staff console): wiring at module scope. */
import { handle } from 'hono/aws-lambda';
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { secretsManagerClient } from './adapters/clients/secrets-manager.ts';
import { CognitoStaffSignIn } from './adapters/cognito-staff-sign-in.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbEndedSessions } from './adapters/dynamodb-ended-sessions.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { JwtStaffVerifier } from './adapters/jwt-staff-verifier.ts';
import { SecretKeyedHasher } from './adapters/secret-keyed-hasher.ts';
import { SecretWebKeys } from './adapters/secret-web-keys.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import { logger } from './observability.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';
import { createWebApp } from './web/app.ts';

const tableName = requireEnv(ENV.tableName);
const clientId = requireEnv(ENV.consoleClientId);
const authDomainUrl = requireEnv(ENV.authDomainUrl);

const referenceData = new DynamoDbReferenceDataRepository(documentClient, tableName);

const app = createWebApp({
  enquiries: new DynamoDbEnquiryRepository(
    documentClient,
    tableName,
    requireIntEnv(ENV.enquiryRetentionDays),
  ),
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  referenceData: new CachedReferenceData(referenceData, REFERENCE_DATA_MAX_AGE_SECONDS),
  routingData: referenceData,
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  personalData: new SecretKeyedHasher(secretsManagerClient, requireEnv(ENV.personalDataKeySecret)),
  clock: () => new Date(),
  logger,
  sessions: new DynamoDbEndedSessions(documentClient, tableName),
  keys: new SecretWebKeys(secretsManagerClient, requireEnv(ENV.sessionKeySecret)),
  signIn: new CognitoStaffSignIn({
    domainUrl: authDomainUrl,
    clientId,
    verifier: new JwtStaffVerifier({
      issuer: requireEnv(ENV.authIssuer),
      audience: clientId,
      jwksUrl: requireEnv(ENV.authJwksUrl),
    }),
  }),
  publicApiUrl: requireEnv(ENV.publicApiUrl),
  statusPageBaseUrl: requireEnv(ENV.statusPageBaseUrl),
  signInOrigin: new URL(authDomainUrl).origin,
});

export const handler = handle(app);
