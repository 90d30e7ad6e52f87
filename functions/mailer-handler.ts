/** Lambda entry point of the mailer: sends each email requested on the mail queue, exactly once. */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { sesClient } from './adapters/clients/ses.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { DynamoDbEmailLedger } from './adapters/dynamodb-email-ledger.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbGovernanceRepository } from './adapters/dynamodb-governance-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { SesMailer } from './adapters/ses-mailer.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import type { Enquiry } from './domain/enquiry.ts';
import {
  sendClosureNotice,
  sendDeclineNotice,
  sendPublicUpdate,
} from './domain/use-cases/send-case-emails.ts';
import { sendChairRotationNotices } from './domain/use-cases/send-chair-rotation-notices.ts';
import { sendAcknowledgement, sendReferral } from './domain/use-cases/send-enquiry-email.ts';
import { ChairRotatedEvent } from './events/chair-rotated.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import { EnquiryReferralDeclinedEvent } from './events/enquiry-referral-answered.ts';
import { EnquiryReferralRequestedEvent } from './events/enquiry-referral-requested.ts';
import { EnquiryStatusChangedEvent } from './events/enquiry-status-changed.ts';
import { EnquiryUpdatePublishedEvent } from './events/enquiry-update-published.ts';
import { parseEventDetail } from './events/envelope.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { QUEUES, REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const enquiries = new DynamoDbEnquiryRepository(documentClient, tableName);
const deps = {
  referenceData: new CachedReferenceData(
    new DynamoDbReferenceDataRepository(documentClient, tableName),
    REFERENCE_DATA_MAX_AGE_SECONDS,
  ),
  governance: new DynamoDbGovernanceRepository(documentClient, tableName),
  ledger: new DynamoDbEmailLedger(documentClient, tableName, requireIntEnv(ENV.enquiryRetentionDays)),
  mailer: new SesMailer(sesClient),
  clock: () => new Date(),
  sender: requireEnv(ENV.senderAddress),
  publicApiUrl: requireEnv(ENV.publicApiUrl),
  statusPageBaseUrl: requireEnv(ENV.statusPageBaseUrl),
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.mail };

export const handler = async (event: SQSEvent) => {
  // Every enquiry the batch mentions, in one read, so each email costs only its claim and its "sent" mark.
  const batchEnquiries = await enquiriesOf(event.Records);
  const enquiriesOfBatch = {
    get: async (reference: string) => batchEnquiries.get(reference) ?? enquiries.get(reference),
  };
  const caseDeps = { ...deps, enquiries: enquiriesOfBatch };
  return processSqsBatch(event, batchOptions, async (record) => {
    const delivered = deliveredEvent(record);
    switch (delivered['detail-type']) {
      case EnquiryUpdatePublishedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryUpdatePublishedEvent, delivered.detail);
        const result = await sendPublicUpdate(caseDeps, data);
        logger.info('Public update handled', {
          correlationId: metadata.correlationId,
          reference: data.reference,
          outcome: result.outcome,
        });
        return;
      }
      case EnquiryStatusChangedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryStatusChangedEvent, delivered.detail);
        const result = await sendClosureNotice(caseDeps, data);
        logger.info('Closure notice handled', {
          correlationId: metadata.correlationId,
          reference: data.reference,
          outcome: result.outcome,
        });
        return;
      }
      case EnquiryReferralDeclinedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryReferralDeclinedEvent, delivered.detail);
        const result = await sendDeclineNotice(caseDeps, data);
        logger.info('Decline notice handled', {
          correlationId: metadata.correlationId,
          reference: data.reference,
          agencyId: data.agencyId,
          outcome: result.outcome,
        });
        return;
      }
      case EnquiryReceivedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryReceivedEvent, delivered.detail);
        const result = await sendAcknowledgement(
          { ...deps, enquiries: enquiriesOfBatch },
          { reference: data.reference },
        );
        logger.info('Acknowledgement handled', {
          correlationId: metadata.correlationId,
          reference: data.reference,
          outcome: result.outcome,
        });
        return;
      }
      case EnquiryReferralRequestedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryReferralRequestedEvent, delivered.detail);
        const result = await sendReferral({ ...deps, enquiries: enquiriesOfBatch }, data);
        logger.info('Referral handled', {
          correlationId: metadata.correlationId,
          reference: data.reference,
          recipientId: data.recipientId,
          outcome: result.outcome,
        });
        return;
      }
      case ChairRotatedEvent.detailType: {
        const { metadata, data } = parseEventDetail(ChairRotatedEvent, delivered.detail);
        const result = await sendChairRotationNotices(deps, data);
        logger.info('Chair rotation notices handled', { correlationId: metadata.correlationId, ...result });
        return;
      }
      default:
        throw new Error(`Mailer cannot handle ${delivered['detail-type']}`);
    }
  });
};

/**
 * The enquiries the batch's enquiry events name, read together. A failed read is not fatal here: each record
 * then reads its own enquiry, and fails (and is retried) on its own.
 */
async function enquiriesOf(records: readonly SQSRecord[]): Promise<Map<string, Enquiry>> {
  const references = records.flatMap((record) => {
    try {
      const reference = (deliveredEvent(record).detail as { data?: { reference?: unknown } }).data?.reference;
      return typeof reference === 'string' ? [reference] : [];
    } catch {
      return [];
    }
  });
  if (references.length === 0) return new Map();
  try {
    return await enquiries.getMany(references);
  } catch (error) {
    logger.warn('Could not read the batch’s enquiries together; reading them one by one', {
      count: references.length,
      error: error instanceof Error ? error.name : typeof error,
    });
    return new Map();
  }
}
