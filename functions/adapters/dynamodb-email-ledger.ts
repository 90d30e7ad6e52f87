import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EmailSendInProgress } from '../domain/errors.ts';
import type { EmailClaim, EmailId, EmailLedger } from '../domain/ports.ts';
import { expiryAfterDays, keys, TABLE_SCHEMA } from './table-keys.ts';

/**
 * One item per email (enquiry, kind, recipient), stored beside its enquiry. A conditional write claims the
 * email with a lease before sending; the item is marked sent afterwards. A redelivered message finds `sent`
 * and does nothing; a worker that died mid-send leaves a lease that expires, and the next attempt sends; a
 * send the provider refused releases its lease at once.
 */
export class DynamoDbEmailLedger implements EmailLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async claim(emailId: EmailId, now: Date, leaseSeconds: number): Promise<EmailClaim> {
    const leaseId = randomUUID();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.email(emailId),
            type: 'EmailRecord',
            ...emailId,
            status: 'sending',
            leaseId,
            leaseExpiresAt: now.getTime() + leaseSeconds * 1000,
            [TABLE_SCHEMA.ttlAttribute]: expiryAfterDays(now, this.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND leaseExpiresAt < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': now.getTime() },
        }),
      );
      return { outcome: 'claimed', leaseId };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(emailId), ConsistentRead: true }),
    );
    if (Item?.status === 'sent') return { outcome: 'already-sent' };
    throw new EmailSendInProgress(`${emailId.topic}/${emailId.kind}/${emailId.recipientId}`);
  }

  async markSent(emailId: EmailId, providerMessageId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.email(emailId),
        UpdateExpression:
          'SET #status = :sent, providerMessageId = :messageId, sentAt = :at REMOVE leaseExpiresAt, leaseId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':messageId': providerMessageId, ':at': at },
      }),
    );
  }

  async release(emailId: EmailId, leaseId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.email(emailId),
          UpdateExpression: 'SET leaseExpiresAt = :expired',
          // Only our own live claim: never a lease another worker has taken over since.
          ConditionExpression: '#status = :sending AND leaseId = :leaseId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 0, ':sending': 'sending', ':leaseId': leaseId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
