/**
 * Lambda entry point of delivery events: SES's reports about our emails (sent, delivered, bounced, complained,
 * delayed, rejected), from the default bus through the delivery-events queue. Addresses in them are hashed
 * onto the suppression list and never logged.
 */
import type { SQSEvent } from 'aws-lambda';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { eventBridgeClient } from './adapters/clients/eventbridge.ts';
import { secretsManagerClient } from './adapters/clients/secrets-manager.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbEmailLedger, DynamoDbSuppressionList } from './adapters/dynamodb-email-ledger.ts';
import { decodeEmailId } from './adapters/email-tags.ts';
import { EventBridgePublisher } from './adapters/eventbridge-publisher.ts';
import { SecretKeyedHasher } from './adapters/secret-keyed-hasher.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { ENV, requireEnv } from './config.ts';
import { recordDeliveryReport } from './domain/use-cases/record-delivery-report.ts';
import { parseSesDeliveryEvent } from './events/ses-delivery-event.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { QUEUES } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const deps = {
  // Only recordDelivery is used: it never creates a record, so no retention period is needed.
  ledger: new DynamoDbEmailLedger(documentClient, tableName, 0),
  suppressions: new DynamoDbSuppressionList(documentClient, tableName),
  personalData: new SecretKeyedHasher(secretsManagerClient, requireEnv(ENV.personalDataKeySecret)),
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  events: new EventBridgePublisher(eventBridgeClient, requireEnv(ENV.eventBusName)),
  clock: () => new Date(),
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.deliveryEvents };

export const handler = (event: SQSEvent) =>
  processSqsBatch(event, batchOptions, async (record) => {
    const delivered = deliveredEvent(record);
    const report = parseSesDeliveryEvent(delivered['detail-type'], delivered.detail);
    const emailId = report && decodeEmailId(report.emailTag);
    if (!report || !emailId) {
      logger.warn('Not a report about one of our emails; dropped', { detailType: delivered['detail-type'] });
      return;
    }
    const result = await recordDeliveryReport(deps, {
      emailId,
      outcome: report.outcome,
      at: report.at,
      bounceType: report.bounceType,
      recipients: report.recipients,
      correlationId: delivered.id,
    });
    // The email's id names its topic, kind and recipient id (an agency, `enquirer`, `csu#…`): no address.
    logger.info('Delivery report handled', {
      topic: emailId.topic,
      kind: emailId.kind,
      recipientId: emailId.recipientId,
      outcome: report.outcome,
      bounceType: report.bounceType,
      ...result,
    });
  });
