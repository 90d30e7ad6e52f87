import {
  acknowledgementEmail,
  agencyEmail,
  type EmailContent,
  sensitiveReferralEmail,
} from '../email-content.ts';
import { caseUrl, normaliseEmail, statusUrl, wantsAcknowledgement } from '../enquiry.ts';
import { EmailNotAccepted, EmailSentNotRecorded, ReferenceDataMissing } from '../errors.ts';
import type {
  Clock,
  EmailId,
  EmailLedger,
  EnquiryRepository,
  Mailer,
  PersonalDataHasher,
  ReferenceDataRepository,
} from '../ports.ts';

/**
 * How long one worker may hold an email before another may try it. Longer than the mailer's timeout, so a
 * live worker is never overtaken; a crashed one is retried after this. (An infra test holds the two apart.)
 */
export const EMAIL_LEASE_SECONDS = 120;

/**
 * A worker stops retrying "mark sent" this long before its lease ends, so its last try lands (or fails) while
 * the lease still keeps every other worker off the email.
 */
export const MARK_SENT_MARGIN_MS = 10_000;

/** The longest pause between two tries of "mark sent". */
export const MARK_SENT_MAX_PAUSE_MS = 5_000;

/** What sending any email needs. */
export type SendOnceDeps = Pick<
  SendEnquiryEmailDeps,
  'ledger' | 'mailer' | 'clock' | 'sender' | 'personalData' | 'sleep' | 'mustFinishBy'
>;

export interface SendEnquiryEmailDeps {
  readonly enquiries: Pick<EnquiryRepository, 'get'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'getPartnership' | 'getCategory'>;
  readonly ledger: EmailLedger;
  readonly mailer: Mailer;
  readonly clock: Clock;
  /** Our From address (the configured SES identity). */
  readonly sender: string;
  /** Base of the enquirer's status link, e.g. `https://api.example.org/prod`. */
  readonly statusPageBaseUrl: string;
  /** Base of the staff API, for links to a case. */
  readonly publicApiUrl: string;
  /** Keys the hash by which a recipient is looked up on the suppression list. */
  readonly personalData: PersonalDataHasher;
  /** Waits between tries of "mark sent"; a timer unless a test moves its clock instead. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Epoch ms by which this invocation must be done (the Lambda's own deadline, less a margin). */
  readonly mustFinishBy?: number;
}

export type SendEmailResult =
  | { readonly outcome: 'sent'; readonly providerMessageId: string }
  | { readonly outcome: 'already-sent' }
  /** The address bounced or complained before: the email is recorded, never sent. */
  | { readonly outcome: 'suppressed' }
  | {
      readonly outcome: 'skipped';
      readonly reason:
        | 'enquiry-not-found'
        | 'no-consent-to-email'
        | 'recipient-not-routed'
        | 'update-not-found'
        | 'not-closed';
    };

/** Sends the enquirer their acknowledgement, once, and only if they said email is safe. */
export async function sendAcknowledgement(
  deps: SendEnquiryEmailDeps,
  input: { reference: string },
): Promise<SendEmailResult> {
  const enquiry = await deps.enquiries.get(input.reference);
  if (!enquiry) return { outcome: 'skipped', reason: 'enquiry-not-found' };
  // Checked again here, not only in the event rule: consent on record is what counts.
  if (!wantsAcknowledgement(enquiry) || !enquiry.contact.email) {
    return { outcome: 'skipped', reason: 'no-consent-to-email' };
  }
  const partnership = await deps.referenceData.getPartnership();
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  const content = acknowledgementEmail({
    reference: enquiry.reference,
    partnership,
    statusUrl: statusUrl(deps.statusPageBaseUrl, enquiry),
  });
  return sendOnce(
    deps,
    { topic: enquiryTopic(enquiry.reference), kind: 'acknowledgement', recipientId: 'enquirer' },
    {
      to: enquiry.contact.email,
      replyTo: partnership.csuMailbox,
      content,
    },
  );
}

/**
 * Sends one recipient its referral of the enquiry, once. The address comes from the routing recorded on the
 * enquiry, never from the event: whoever can publish an event cannot have an enquiry sent anywhere else.
 */
export async function sendReferral(
  deps: SendEnquiryEmailDeps,
  input: { reference: string; recipientId: string },
): Promise<SendEmailResult> {
  const enquiry = await deps.enquiries.get(input.reference);
  if (!enquiry) return { outcome: 'skipped', reason: 'enquiry-not-found' };
  const recipient = enquiry.routing?.find((r) => r.id === input.recipientId);
  if (!recipient) return { outcome: 'skipped', reason: 'recipient-not-routed' };
  const [partnership, category] = await Promise.all([
    deps.referenceData.getPartnership(),
    deps.referenceData.getCategory(enquiry.category),
  ]);
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  // Sensitive when received or now: a category flagged later protects the enquiries already made in it.
  const link = caseUrl(deps.publicApiUrl, enquiry.reference);
  const content =
    enquiry.sensitive || category?.sensitive !== false
      ? sensitiveReferralEmail({ enquiry, recipientName: recipient.name, caseUrl: link, partnership })
      : agencyEmail({ enquiry, category, recipientName: recipient.name, caseUrl: link, partnership });
  return sendOnce(
    deps,
    { topic: enquiryTopic(enquiry.reference), kind: 'referral', recipientId: recipient.id },
    {
      to: recipient.email,
      replyTo: partnership.csuMailbox,
      content,
    },
  );
}

/** Emails about an enquiry are kept beside it. */
export const enquiryTopic = (reference: string) => `ENQUIRY#${reference}`;

/** The reference an email topic is about, if it is about an enquiry. */
export function referenceOfTopic(topic: string): string | undefined {
  const prefix = enquiryTopic('');
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : undefined;
}

/** Claims, sends and records one email, so that it is sent at most once whatever is redelivered. */
export async function sendOnce(
  deps: SendOnceDeps,
  emailId: EmailId,
  email: { to: string; replyTo: string; content: EmailContent },
): Promise<SendEmailResult> {
  const claimedAt = deps.clock();
  const suppressionKey = await deps.personalData.hash('email', normaliseEmail(email.to));
  const claim = await deps.ledger.claim(emailId, claimedAt, EMAIL_LEASE_SECONDS, suppressionKey);
  if (claim.outcome === 'already-sent') return { outcome: 'already-sent' };
  if (claim.outcome === 'suppressed') return { outcome: 'suppressed' };
  let providerMessageId: string;
  try {
    providerMessageId = await deps.mailer.send({ from: deps.sender, ...email, id: emailId });
  } catch (error) {
    // A refusal means nothing was sent: free the claim so the retry sends. Any other failure (a timeout, a
    // lost connection) may have sent it, so the lease stays and only expires after EMAIL_LEASE_SECONDS.
    if (error instanceof EmailNotAccepted) await deps.ledger.release(emailId, claim.leaseId);
    throw error;
  }
  await markSentPatiently(deps, emailId, providerMessageId, claimedAt.getTime() + EMAIL_LEASE_SECONDS * 1000);
  return { outcome: 'sent', providerMessageId };
}

/**
 * Records a sent email, trying again with growing pauses while the ledger is unreachable, for as long as the
 * lease (and the invocation) allow: an email the provider accepted must not be sent again because its record
 * failed once. @throws EmailSentNotRecorded when the lease runs out first.
 */
async function markSentPatiently(
  deps: SendOnceDeps,
  emailId: EmailId,
  providerMessageId: string,
  leaseEndsAt: number,
): Promise<void> {
  const giveUpAt = Math.min(leaseEndsAt - MARK_SENT_MARGIN_MS, deps.mustFinishBy ?? Number.POSITIVE_INFINITY);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.ledger.markSent(emailId, providerMessageId, deps.clock().toISOString());
      return;
    } catch (error) {
      const pause = Math.min(MARK_SENT_MAX_PAUSE_MS, 100 * 2 ** attempt);
      if (deps.clock().getTime() + pause > giveUpAt) {
        throw new EmailSentNotRecorded(`${emailId.topic}/${emailId.kind}/${emailId.recipientId}`, error);
      }
      await sleep(pause);
    }
  }
}
