import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EmailSendInProgress } from '../domain/errors.ts';
import type { EmailClaim, EmailId, EmailLedger } from '../domain/ports.ts';
import { expiryAfterDays, keys, TABLE_SCHEMA } from './table-keys.ts';

/**
 * One item per email (enquiry, kind, recipient), stored beside its enquiry. A conditional write claims the
 * email with a lease before sending; the item is marked sent afterwards. A redelivered message finds `sent`
 * and does nothing; a worker that died mid-send leaves a lease that expires, and the next attempt sends.
 */
export class DynamoDbEmailLedger implements EmailLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async claim(emailId: EmailId, now: Date, leaseSeconds: number): Promise<EmailClaim> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.email(emailId),
            type: 'EmailRecord',
            ...emailId,
            status: 'sending',
            leaseExpiresAt: now.getTime() + leaseSeconds * 1000,
            [TABLE_SCHEMA.ttlAttribute]: expiryAfterDays(now, this.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND leaseExpiresAt < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': now.getTime() },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(emailId), ConsistentRead: true }),
    );
    if (Item?.status === 'sent') return 'already-sent';
    throw new EmailSendInProgress(`${emailId.reference}/${emailId.kind}/${emailId.recipientId}`);
  }

  async markSent(emailId: EmailId, providerMessageId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.email(emailId),
        UpdateExpression:
          'SET #status = :sent, providerMessageId = :messageId, sentAt = :at REMOVE leaseExpiresAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':messageId': providerMessageId, ':at': at },
      }),
    );
  }
}
