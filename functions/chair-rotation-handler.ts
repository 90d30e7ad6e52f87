/**
 * Lambda entry point of the scheduled chair rotation. The schedule passes its scheduled time, so a delayed
 * or retried invocation still decides for the day it was meant for.
 */
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { DynamoDbGovernanceRepository } from './adapters/dynamodb-governance-repository.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { ENV, requireEnv } from './config.ts';
import { rotateChair } from './domain/use-cases/rotate-chair.ts';
import { logger } from './observability.ts';
import { type ScheduledInput, scheduledInstant } from './scheduled-input.ts';

const deps = {
  governance: new DynamoDbGovernanceRepository(documentClient, requireEnv(ENV.tableName)),
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  clock: () => new Date(),
};

export const handler = async (event: ScheduledInput = {}) => {
  const at = scheduledInstant(event, deps.clock);
  const result = await rotateChair(deps, { at });
  logger.info('Chair rotation ran', { at: at.toISOString(), ...result });
  return result;
};
