/** Lambda entry point of the router: reads `EnquiryReceived` events from the routing queue. */
import type { SQSEvent } from 'aws-lambda';
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { expiryAfterDays } from './adapters/table-keys.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import { routeEnquiry } from './domain/use-cases/route-enquiry.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import { parseEventDetail } from './events/envelope.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { QUEUES, REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const retentionDays = requireIntEnv(ENV.enquiryRetentionDays);
const deps = {
  // Without a retention period: the router never creates an enquiry.
  enquiries: new DynamoDbEnquiryRepository(documentClient, tableName),
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  referenceData: new CachedReferenceData(
    new DynamoDbReferenceDataRepository(documentClient, tableName),
    REFERENCE_DATA_MAX_AGE_SECONDS,
  ),
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  clock: () => new Date(),
  expiresAtOf: (receivedAt: string) => expiryAfterDays(new Date(receivedAt), retentionDays),
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.routing };

export const handler = (event: SQSEvent) =>
  processSqsBatch(event, batchOptions, async (record) => {
    const { metadata, data } = parseEventDetail(EnquiryReceivedEvent, deliveredEvent(record).detail);
    const log = logger.createChild({ persistentKeys: { correlationId: metadata.correlationId } });
    const result = await routeEnquiry(deps, { ...data, correlationId: metadata.correlationId });
    if (result.outcome === 'enquiry-not-found') {
      log.warn('No enquiry with this reference and category; dropping', { reference: data.reference });
      return;
    }
    if (result.missingAgencyIds.length > 0) {
      log.warn('Routing rule names agencies not on record', { missingAgencyIds: result.missingAgencyIds });
    }
    if (result.notSafeguardingAgencyIds.length > 0) {
      log.warn(
        'Routing rule of a sensitive category names agencies not marked safeguarding; not sent to them',
        {
          notSafeguardingAgencyIds: result.notSafeguardingAgencyIds,
        },
      );
    }
    log.info('Enquiry routed', {
      reference: data.reference,
      category: data.category,
      recipients: result.recipients.map((r) => r.id),
    });
  });
