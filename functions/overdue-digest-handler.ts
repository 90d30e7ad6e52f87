/**
 * Lambda entry point of the scheduled overdue digest (08:00 UK time on weekdays). The schedule passes its
 * scheduled time, so a delayed or retried run still sends that day's digests, and only the missing ones.
 */
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { secretsManagerClient } from './adapters/clients/secrets-manager.ts';
import { sesClient } from './adapters/clients/ses.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbEmailLedger } from './adapters/dynamodb-email-ledger.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { SecretKeyedHasher } from './adapters/secret-keyed-hasher.ts';
import { SesMailer } from './adapters/ses-mailer.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import { sendOverdueDigests } from './domain/use-cases/send-overdue-digests.ts';
import { logger } from './observability.ts';
import { type ScheduledInput, scheduledInstant } from './scheduled-input.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const deps = {
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  referenceData: new CachedReferenceData(
    new DynamoDbReferenceDataRepository(documentClient, tableName),
    REFERENCE_DATA_MAX_AGE_SECONDS,
  ),
  ledger: new DynamoDbEmailLedger(documentClient, tableName, requireIntEnv(ENV.enquiryRetentionDays)),
  mailer: new SesMailer(sesClient),
  personalData: new SecretKeyedHasher(secretsManagerClient, requireEnv(ENV.personalDataKeySecret)),
  clock: () => new Date(),
  sender: requireEnv(ENV.senderAddress),
  publicApiUrl: requireEnv(ENV.publicApiUrl),
};

export const handler = async (event: ScheduledInput = {}) => {
  const at = scheduledInstant(event, deps.clock);
  const result = await sendOverdueDigests(deps, { at });
  logger.info('Overdue digest ran', { at: at.toISOString(), ...result });
  if (result.outcome === 'ran' && result.failed.length > 0) {
    // Failing the run makes the scheduler retry it; the ledger keeps the digests already sent from going twice.
    throw new Error(`Could not send ${result.failed.length} overdue digest(s)`);
  }
  return result;
};
