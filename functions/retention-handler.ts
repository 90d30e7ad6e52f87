/**
 * Lambda entry point of the daily retention job: anonymises the enquiries whose time has come, as of the
 * schedule's time, so a late or retried run decides for the day it was meant for.
 */
import type { Context } from 'aws-lambda';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { ENV, requireEnv } from './config.ts';
import { parseAnonymiseAfterMonths } from './domain/retention.ts';
import { anonymiseDueEnquiries } from './domain/use-cases/anonymise-due-enquiries.ts';
import { logger } from './observability.ts';
import { type ScheduledInput, scheduledInstant } from './scheduled-input.ts';

const deps = { cases: new DynamoDbCaseRepository(documentClient, requireEnv(ENV.tableName)) };
const policy = parseAnonymiseAfterMonths(requireEnv(ENV.anonymiseAfterMonths));

/** Enquiries of each kind listed at a time; the run lists batch after batch until none is full. */
const BATCH_SIZE = 200;
/**
 * Time kept back from the Lambda's timeout: enough to finish the enquiry in hand (its notes one by one, then
 * the enquiry) and log the result. What is left is the next day's run's.
 */
const INVOCATION_MARGIN_MS = 30_000;

export const handler = async (
  event: ScheduledInput = {},
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => {
  const at = scheduledInstant(event, () => new Date());
  const result = await anonymiseDueEnquiries(deps, {
    at,
    policy,
    batchSize: BATCH_SIZE,
    ...(context ? { hasTimeLeft: () => context.getRemainingTimeInMillis() > INVOCATION_MARGIN_MS } : {}),
  });
  logger.info('Retention ran', {
    at: at.toISOString(),
    anonymised: result.anonymised.length,
    deferred: result.deferred,
    complete: result.complete,
  });
  return {
    anonymised: result.anonymised.length,
    deferred: result.deferred.length,
    complete: result.complete,
  };
};
