/** Lambda entry point of the router: reads `EnquiryReceived` events from the routing queue. */
import type { SQSEvent } from 'aws-lambda';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { ENV, requireEnv } from './config.ts';
import { routeEnquiry } from './domain/use-cases/route-enquiry.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import { parseEventDetail } from './events/envelope.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { tableAdapters } from './table-adapters.ts';
import { QUEUES } from './topology.ts';

const { enquiries, referenceData } = tableAdapters();
const deps = {
  enquiries,
  referenceData,
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  clock: () => new Date(),
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.routing };

export const handler = (event: SQSEvent) =>
  processSqsBatch(event, batchOptions, async (record) => {
    const { metadata, data } = parseEventDetail(EnquiryReceivedEvent, deliveredEvent(record).detail);
    const log = logger.createChild({ persistentKeys: { correlationId: metadata.correlationId } });
    const result = await routeEnquiry(deps, {
      reference: data.reference,
      correlationId: metadata.correlationId,
    });
    if (result.outcome === 'enquiry-not-found') {
      log.warn('Enquiry to route no longer exists; dropping', { reference: data.reference });
      return;
    }
    if (result.missingAgencyIds.length > 0) {
      log.warn('Routing rule names agencies not on record', { missingAgencyIds: result.missingAgencyIds });
    }
    log.info('Enquiry routed', {
      reference: data.reference,
      category: data.category,
      recipients: result.recipients.map((r) => r.id),
    });
  });
