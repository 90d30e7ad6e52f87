/**
 * Lambda entry point of the daily retention job: anonymises the enquiries whose time has come, as of the
 * schedule's time, so a late or retried run decides for the day it was meant for.
 */
import { documentClient } from './adapters/clients/dynamodb.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { ENV, requireEnv } from './config.ts';
import { parseAnonymiseAfterMonths } from './domain/retention.ts';
import { anonymiseDueEnquiries } from './domain/use-cases/anonymise-due-enquiries.ts';
import { logger } from './observability.ts';
import { type ScheduledInput, scheduledInstant } from './scheduled-input.ts';

const deps = { cases: new DynamoDbCaseRepository(documentClient, requireEnv(ENV.tableName)) };
const policy = parseAnonymiseAfterMonths(requireEnv(ENV.anonymiseAfterMonths));

/** Enquiries of each kind one run anonymises at most; the next day's run takes the rest. */
const BATCH_SIZE = 200;

export const handler = async (event: ScheduledInput = {}) => {
  const at = scheduledInstant(event, () => new Date());
  const result = await anonymiseDueEnquiries(deps, { at, policy, batchSize: BATCH_SIZE });
  logger.info('Retention ran', {
    at: at.toISOString(),
    anonymised: result.anonymised.length,
    deferred: result.deferred,
  });
  return { anonymised: result.anonymised.length, deferred: result.deferred.length };
};
