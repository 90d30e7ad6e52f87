/** Lambda entry point of the mailer: sends each email requested on the mail queue, exactly once. */
import type { SQSEvent } from 'aws-lambda';
import { sesClient } from './adapters/clients/ses.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { SesMailer } from './adapters/ses-mailer.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { ENV, requireEnv } from './config.ts';
import { sendChairRotationNotices } from './domain/use-cases/send-chair-rotation-notices.ts';
import { sendAcknowledgement, sendReferral } from './domain/use-cases/send-enquiry-email.ts';
import { ChairRotatedEvent } from './events/chair-rotated.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import { EnquiryReferralRequestedEvent } from './events/enquiry-referral-requested.ts';
import { parseEventDetail } from './events/envelope.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { tableAdapters } from './table-adapters.ts';
import { QUEUES } from './topology.ts';

const deps = {
  ...tableAdapters(),
  mailer: new SesMailer(sesClient),
  clock: () => new Date(),
  sender: requireEnv(ENV.senderAddress),
  publicApiUrl: requireEnv(ENV.publicApiUrl),
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.mail };

export const handler = (event: SQSEvent) =>
  processSqsBatch(event, batchOptions, async (record) => {
    const delivered = deliveredEvent(record);
    switch (delivered['detail-type']) {
      case EnquiryReceivedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryReceivedEvent, delivered.detail);
        const result = await sendAcknowledgement(deps, { reference: data.reference });
        logger.info('Acknowledgement handled', {
          correlationId: metadata.correlationId,
          reference: data.reference,
          outcome: result.outcome,
        });
        return;
      }
      case EnquiryReferralRequestedEvent.detailType: {
        const { metadata, data } = parseEventDetail(EnquiryReferralRequestedEvent, delivered.detail);
        const result = await sendReferral(deps, data);
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
