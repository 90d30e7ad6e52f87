import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** The queue URL of the record's source queue, from its ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
export function queueUrlFromArn(arn: string): string {
  const [, , , region, account, name] = arn.split(':');
  if (!region || !account || !name) throw new Error(`Not an SQS queue ARN: ${arn}`);
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

/** Delays the redelivery of a failed SQS message by changing its visibility timeout. */
export class SqsRetryDelay {
  constructor(private readonly client: SQSClient) {}

  async delay(record: SQSRecord, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlFromArn(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.round(seconds),
      }),
    );
  }
}
