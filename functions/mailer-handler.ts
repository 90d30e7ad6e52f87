/** Lambda entry point of the mailer: sends each email requested on the mail queue, exactly once. */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { CachedReferenceData } from './adapters/cached-reference-data.ts';
import { documentClient } from './adapters/clients/dynamodb.ts';
import { secretsManagerClient } from './adapters/clients/secrets-manager.ts';
import { sesClient } from './adapters/clients/ses.ts';
import { sqsClient } from './adapters/clients/sqs.ts';
import { DynamoDbCaseRepository } from './adapters/dynamodb-case-repository.ts';
import { DynamoDbEmailLedger } from './adapters/dynamodb-email-ledger.ts';
import { DynamoDbEnquiryRepository } from './adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbGovernanceRepository } from './adapters/dynamodb-governance-repository.ts';
import { DynamoDbReferenceDataRepository } from './adapters/dynamodb-reference-data-repository.ts';
import { SecretKeyedHasher } from './adapters/secret-keyed-hasher.ts';
import { SesMailer } from './adapters/ses-mailer.ts';
import { SqsRetryDelay } from './adapters/sqs-retry-delay.ts';
import { ENV, requireEnv, requireIntEnv } from './config.ts';
import type { Enquiry } from './domain/enquiry.ts';
import {
  sendClosureNotice,
  sendDeclineNotice,
  sendPublicUpdate,
  sendUndeliveredReferralAlert,
} from './domain/use-cases/send-case-emails.ts';
import { sendChairRotationNotices } from './domain/use-cases/send-chair-rotation-notices.ts';
import { sendAcknowledgement } from './domain/use-cases/send-enquiry-email.ts';
import { sendReferralOrReturnToTriage } from './domain/use-cases/undelivered-referral.ts';
import { ChairRotatedEvent } from './events/chair-rotated.ts';
import { EnquiryReceivedEvent } from './events/enquiry-received.ts';
import {
  EnquiryReferralDeclinedEvent,
  EnquiryReferralUndeliveredEvent,
} from './events/enquiry-referral-answered.ts';
import { EnquiryReferralRequestedEvent } from './events/enquiry-referral-requested.ts';
import { EnquiryStatusChangedEvent } from './events/enquiry-status-changed.ts';
import { EnquiryUpdatePublishedEvent } from './events/enquiry-update-published.ts';
import { type EventDefinition, parseEventDetail } from './events/envelope.ts';
import { logger } from './observability.ts';
import { deliveredEvent, processSqsBatch } from './sqs-batch.ts';
import { QUEUES, REFERENCE_DATA_MAX_AGE_SECONDS } from './topology.ts';

const tableName = requireEnv(ENV.tableName);
const enquiries = new DynamoDbEnquiryRepository(documentClient, tableName);
const deps = {
  enquiries: enquiries as Pick<DynamoDbEnquiryRepository, 'get'>,
  referenceData: new CachedReferenceData(
    new DynamoDbReferenceDataRepository(documentClient, tableName),
    REFERENCE_DATA_MAX_AGE_SECONDS,
  ),
  governance: new DynamoDbGovernanceRepository(documentClient, tableName),
  // A referral to a suppressed mailbox sends its case back to triage.
  cases: new DynamoDbCaseRepository(documentClient, tableName),
  ledger: new DynamoDbEmailLedger(documentClient, tableName, requireIntEnv(ENV.enquiryRetentionDays)),
  mailer: new SesMailer(sesClient),
  personalData: new SecretKeyedHasher(secretsManagerClient, requireEnv(ENV.personalDataKeySecret)),
  clock: () => new Date(),
  sender: requireEnv(ENV.senderAddress),
  publicApiUrl: requireEnv(ENV.publicApiUrl),
  statusPageBaseUrl: requireEnv(ENV.statusPageBaseUrl),
  mustFinishBy: undefined as number | undefined,
};
const batchOptions = { log: logger, retry: new SqsRetryDelay(sqsClient), queue: QUEUES.mail };

type MailerDeps = typeof deps;

/** One kind of email the mailer sends: the event that asks for it, how it is sent, and what is logged. */
interface EmailKind<Data> {
  readonly event: EventDefinition<Data>;
  readonly send: (deps: MailerDeps, data: Data) => Promise<object>;
  /** Identifiers to log beside the outcome: references and ids, never personal data. */
  readonly logged: (data: Data) => Record<string, unknown>;
  readonly message: string;
}

const emailKind = <Data>(kind: EmailKind<Data>) => kind as EmailKind<unknown>;

/** Every email the mailer sends, by the detail type of the event that asks for it. */
const EMAIL_KINDS = new Map(
  [
    emailKind({
      event: EnquiryReceivedEvent,
      send: (d, data) => sendAcknowledgement(d, { reference: data.reference }),
      logged: (data) => ({ reference: data.reference }),
      message: 'Acknowledgement handled',
    }),
    emailKind({
      event: EnquiryReferralRequestedEvent,
      send: sendReferralOrReturnToTriage,
      logged: (data) => ({ reference: data.reference, recipientId: data.recipientId }),
      message: 'Referral handled',
    }),
    emailKind({
      event: EnquiryUpdatePublishedEvent,
      send: sendPublicUpdate,
      logged: (data) => ({ reference: data.reference }),
      message: 'Public update handled',
    }),
    emailKind({
      event: EnquiryStatusChangedEvent,
      send: sendClosureNotice,
      logged: (data) => ({ reference: data.reference, to: data.to }),
      message: 'Closure notice handled',
    }),
    emailKind({
      event: EnquiryReferralDeclinedEvent,
      send: sendDeclineNotice,
      logged: (data) => ({ reference: data.reference, agencyId: data.agencyId }),
      message: 'Decline notice handled',
    }),
    emailKind({
      event: EnquiryReferralUndeliveredEvent,
      send: sendUndeliveredReferralAlert,
      logged: (data) => ({ reference: data.reference, agencyId: data.agencyId }),
      message: 'Undelivered referral alert handled',
    }),
    emailKind({
      event: ChairRotatedEvent,
      send: sendChairRotationNotices,
      logged: () => ({}),
      message: 'Chair rotation notices handled',
    }),
  ].map((kind) => [kind.event.detailType, kind]),
);

/** Time kept back from the Lambda's timeout: the batch response must still go back after the last email. */
const INVOCATION_MARGIN_MS = 3_000;

export const handler = async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  // Every enquiry the batch mentions, in one read, so each email costs only its claim and its "sent" mark.
  const batchEnquiries = await enquiriesOf(event.Records);
  const batchDeps: MailerDeps = {
    ...deps,
    enquiries: { get: async (reference) => batchEnquiries.get(reference) ?? enquiries.get(reference) },
    // Retrying a "sent" mark never outlasts the invocation: a timeout would retry the whole batch.
    mustFinishBy: context
      ? Date.now() + context.getRemainingTimeInMillis() - INVOCATION_MARGIN_MS
      : undefined,
  };
  return processSqsBatch(event, batchOptions, async (record) => {
    const delivered = deliveredEvent(record);
    const kind = EMAIL_KINDS.get(delivered['detail-type']);
    if (!kind) throw new Error(`Mailer cannot handle ${delivered['detail-type']}`);
    const { metadata, data } = parseEventDetail(kind.event, delivered.detail);
    const result = await kind.send(batchDeps, data);
    logger.info(kind.message, { correlationId: metadata.correlationId, ...kind.logged(data), ...result });
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
