/**
 * Runs an SQS batch one record at a time and reports only the failed ones (ReportBatchItemFailures), so a
 * single bad message is retried alone, backing off between attempts, and after the queue's maxReceiveCount
 * moves to its dead-letter queue.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { safeError } from './observability.ts';
import { backoffSeconds, type QueueSpec } from './topology.ts';

/** Port for postponing a failed message's next delivery. */
export interface RetryDelay {
  delay(record: SQSRecord, seconds: number): Promise<void>;
}

/** Processes each record; a thrown error marks that record failed and schedules its retry. */
export async function processSqsBatch(
  event: SQSEvent,
  options: { log: Logger; retry: RetryDelay; queue: Pick<QueueSpec, 'retryBackoff'> },
  handleRecord: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await handleRecord(record);
    } catch (error) {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      const delaySeconds = backoffSeconds(receiveCount, options.queue.retryBackoff);
      options.log.error('Message failed; it will be retried', {
        messageId: record.messageId,
        receiveCount,
        retryInSeconds: delaySeconds,
        error: safeError(error),
      });
      try {
        await options.retry.delay(record, delaySeconds);
      } catch (delayError) {
        // Not fatal: the message is still retried, after the queue's own visibility timeout.
        options.log.warn('Could not set the retry delay', {
          messageId: record.messageId,
          error: safeError(delayError),
        });
      }
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
