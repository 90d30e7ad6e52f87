/** Lambda entry point of the scheduled outbox sweeper. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import { sweepOutbox } from './domain/use-cases/sweep-outbox.ts';
import { CUSTOM_METRICS } from './metrics.ts';
import { logger } from './observability.ts';
import { OUTBOX_SWEEP } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const deps = {
  // Without a retention period: the sweeper never creates an enquiry.
  enquiries: new DynamoDbEnquiryRepository(documentClient, tableName),
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  clock: () => new Date(),
};
const graceSeconds = requireIntEnv(ENV.outboxGraceSeconds);
// Namespace and service dimension from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME.
const metrics = new Metrics();

export const handler = async () => {
  const result = await sweepOutbox(deps, { graceSeconds, batchSize: OUTBOX_SWEEP.batchSize });
  // Every run, zero included, so the alarm sees a healthy outbox rather than missing data.
  metrics.addMetric(CUSTOM_METRICS.outboxBacklog, MetricUnit.Count, result.backlog);
  metrics.publishStoredMetrics();
  if (result.republished.length > 0 || result.failed.length > 0 || result.caseEventsPublished.length > 0) {
    logger.warn('Outbox sweep republished events', {
      republished: result.republished,
      caseEventsPublished: result.caseEventsPublished,
      failed: result.failed,
    });
  }
  if (result.stuck.length > 0) {
    logger.error('Enquiries republished repeatedly without reaching the router; see the routing DLQ', {
      stuck: result.stuck,
    });
  }
  if (result.failed.length > 0) {
    // Failing the invocation raises the function-errors alarm; the enquiries stay in the outbox.
    throw new Error(`Could not republish ${result.failed.length} enquiry(ies)`);
  }
  return { republished: result.republished.length };
};
