/**
 * Lambda entry point of the statistics counter: receipts, referrals, first acceptances and closures from the
 * statistics queue, each counted once into the monthly counters the open data is published from.
 */
import type { SQSEvent } from 'aws-lambda';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbStatisticsStore } from './adapters/dynamodb-statistics-store.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { ENV, requireEnv } from './config.ts';
import type { StatisticsEvent } from './domain/statistics.ts';
import { countForStatistics } from './domain/use-cases/enquiry-statistics.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import { EnquiryReferralAcceptedEvent } from './events/enquiry-referral-answered.ts';
import { EnquiryReferralRequestedEvent } from './events/enquiry-referral-requested.ts';
import { EnquiryStatusChangedEvent } from './events/enquiry-status-changed.ts';
import { parseEventDetail } from './events/envelope.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { QUEUES } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const deps = {
  // Only getOutline is used: it never creates an enquiry, so no retention period is needed.
  enquiries: new DynamoDbEnquiryRepository(documentClient, tableName),
  statistics: new DynamoDbStatisticsStore(documentClient, tableName),
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.statistics };

/** The enquiry an event is about and what it counts as, or undefined for one that counts nothing. */
function statisticsEventOf(detailType: string, detail: unknown): [string, StatisticsEvent] | undefined {
  switch (detailType) {
    case EnquiryReceivedEvent.detailType:
      return [parseEventDetail(EnquiryReceivedEvent, detail).data.reference, { kind: 'received' }];
    case EnquiryReferralRequestedEvent.detailType: {
      const { data, metadata } = parseEventDetail(EnquiryReferralRequestedEvent, detail);
      return [data.reference, { kind: 'referred', agencyId: data.recipientId, at: metadata.occurredAt }];
    }
    case EnquiryReferralAcceptedEvent.detailType: {
      const { data, metadata } = parseEventDetail(EnquiryReferralAcceptedEvent, detail);
      return [data.reference, { kind: 'accepted', at: metadata.occurredAt }];
    }
    case EnquiryStatusChangedEvent.detailType: {
      const { data, metadata } = parseEventDetail(EnquiryStatusChangedEvent, detail);
      return data.to === 'closed'
        ? [data.reference, { kind: 'closed', at: metadata.occurredAt, reason: data.reason }]
        : undefined;
    }
    default:
      return undefined;
  }
}

export const handler = (event: SQSEvent) =>
  processSqsBatch(event, batchOptions, async (record) => {
    const delivered = deliveredEvent(record);
    const counted = statisticsEventOf(delivered['detail-type'], delivered.detail);
    if (!counted) return;
    const [reference, statisticsEvent] = counted;
    const result = await countForStatistics(deps, reference, statisticsEvent);
    logger.info('Statistics counted', { reference, kind: statisticsEvent.kind, result });
  });
