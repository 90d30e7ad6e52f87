/** Lambda entry point of the public API: wiring at module scope, then Hono's API Gateway adapter. */
import { handle } from 'hono/aws-lambda';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { JwtStaffVerifier } from './adapters/jwt-staff-verifier.ts';
import { createApi } from './api/app.ts';
import { ENV, requireEnv } from './config.ts';
import { logger } from './observability.ts';
import { tableAdapters } from './table-adapters.ts';

const { enquiries, referenceData, governance, records } = tableAdapters();

const app = createApi({
  enquiries,
  referenceData,
  governance,
  records,
  staffTokens: new JwtStaffVerifier({
    issuer: requireEnv(ENV.authIssuer),
    audience: requireEnv(ENV.authAudience),
    jwksUrl: requireEnv(ENV.authJwksUrl),
  }),
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
