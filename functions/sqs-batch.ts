/**
 * Runs an SQS batch one record at a time and reports only the failed ones (ReportBatchItemFailures), so a
 * single bad message is retried alone and, after the queue's maxReceiveCount, moves to its dead-letter queue.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** Processes each record; a thrown error marks that record failed. */
export async function processSqsBatch(
  event: SQSEvent,
  log: Logger,
  handleRecord: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await handleRecord(record);
    } catch (error) {
      log.error('Message failed; it will be retried', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** The EventBridge event an SQS rule target delivered, as the JSON in the message body. */
export interface DeliveredEvent {
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly time: string;
  readonly detail: unknown;
}

/** Parses an SQS body holding an EventBridge event. */
export function deliveredEvent(record: SQSRecord): DeliveredEvent {
  const parsed = JSON.parse(record.body) as Partial<DeliveredEvent>;
  if (typeof parsed['detail-type'] !== 'string' || typeof parsed.source !== 'string') {
    throw new Error(`Message ${record.messageId} is not an EventBridge event`);
  }
  return parsed as DeliveredEvent;
}
