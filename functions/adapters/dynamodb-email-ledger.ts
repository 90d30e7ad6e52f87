import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { EmailSendInProgress } from '../domain/errors.ts';
import type { DeliveryReport, EmailClaim, EmailId, EmailLedger, SuppressionList } from '../domain/ports.ts';
import { cancellationReason, whenConditionHolds } from './dynamodb-helpers.ts';
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

  async claim(
    emailId: EmailId,
    now: Date,
    leaseSeconds: number,
    suppressionKey: string,
  ): Promise<EmailClaim> {
    const leaseId = randomUUID();
    try {
      // One round trip: the address is not suppressed, and the email is free (new, or its lease expired).
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: keys.suppressedAddress(suppressionKey),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            { Put: this.recordPut(emailId, now, { status: 'sending', leaseId, leaseSeconds }) },
          ],
        }),
      );
      return { outcome: 'claimed', leaseId };
    } catch (error) {
      const suppressed = cancellationReason(error, 0) === 'ConditionalCheckFailed';
      // Suppressed now, and no record yet: this email will never go. With a record already there (it went
      // before the address was suppressed, or is going), the record says what happened, as below.
      if (suppressed && (await this.recordSuppressed(emailId, now))) return { outcome: 'suppressed' };
      const reason = cancellationReason(error, 1);
      // Another worker is claiming it this instant.
      if (reason === 'TransactionConflict') throw new EmailSendInProgress(describe(emailId));
      if (!suppressed && reason !== 'ConditionalCheckFailed') throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.email(emailId), ConsistentRead: true }),
    );
    if (Item?.status === 'sent') return { outcome: 'already-sent' };
    if (Item?.status === 'suppressed') return { outcome: 'suppressed' };
    throw new EmailSendInProgress(describe(emailId));
  }

  /** The record of an email, free to take: new, or a `sending` whose lease has expired. */
  private recordPut(
    emailId: EmailId,
    now: Date,
    state: { status: 'sending'; leaseId: string; leaseSeconds: number } | { status: 'suppressed' },
  ) {
    return {
      TableName: this.tableName,
      Item: {
        ...keys.email(emailId),
        type: 'EmailRecord',
        ...emailId,
        ...(state.status === 'sending'
          ? {
              status: 'sending',
              leaseId: state.leaseId,
              leaseExpiresAt: now.getTime() + state.leaseSeconds * 1000,
            }
          : { status: 'suppressed', suppressedAt: now.toISOString() }),
        [TABLE_SCHEMA.ttlAttribute]: expiryAfterDays(now, this.retentionDays),
      },
      ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND leaseExpiresAt < :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sending': 'sending', ':now': now.getTime() },
    };
  }

  /**
   * Records that an email will never be sent, its address being suppressed; a record already there wins
   * (false).
   */
  private async recordSuppressed(emailId: EmailId, now: Date): Promise<boolean> {
    return whenConditionHolds(() =>
      this.client.send(new PutCommand(this.recordPut(emailId, now, { status: 'suppressed' }))),
    );
  }

  async recordDelivery(emailId: EmailId, report: DeliveryReport): Promise<boolean> {
    return whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.email(emailId),
          UpdateExpression: 'SET delivery = :report, deliveryRank = :rank',
          // Only our own emails, and only news: SES may report in any order, and more than once.
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(deliveryRank) OR deliveryRank < :rank)',
          ExpressionAttributeValues: { ':report': report, ':rank': deliveryRank(report) },
        }),
      ),
    );
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
    await whenConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.email(emailId),
          UpdateExpression: 'SET leaseExpiresAt = :expired',
          // Only our own live claim: never a lease another worker has taken over since.
          ConditionExpression: '#status = :sending AND leaseId = :leaseId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 0, ':sending': 'sending', ':leaseId': leaseId },
        }),
      ),
    );
  }
}

const describe = (id: EmailId) => `${id.topic}/${id.kind}/${id.recipientId}`;

/**
 * How final a report is: a later report is kept only if it ranks higher, so a repeat is old news. SES having
 * taken the email on says least; a delay or a soft bounce can still end delivered; a delivery can still be
 * complained about; a hard bounce or a rejection is the end.
 */
export function deliveryRank(report: DeliveryReport): number {
  switch (report.outcome) {
    case 'sent':
      return 5;
    case 'delayed':
      return 10;
    case 'bounced':
      return report.bounceType === 'Permanent' ? 30 : 15;
    case 'delivered':
      return 20;
    case 'rejected':
      return 30;
    case 'complained':
      return 40;
  }
}

/** The partnership's suppression list, one item per address keyed by its keyed hash. */
export class DynamoDbSuppressionList implements SuppressionList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async suppress(addressHash: string, entry: { reason: 'bounce' | 'complaint'; at: string }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.suppressedAddress(addressHash),
        // The first reason and time stay; a repeat only counts.
        UpdateExpression:
          'SET #type = :type, reason = if_not_exists(reason, :reason), since = if_not_exists(since, :at) ADD reports :one',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'SuppressedAddress',
          ':reason': entry.reason,
          ':at': entry.at,
          ':one': 1,
        },
      }),
    );
  }
}
