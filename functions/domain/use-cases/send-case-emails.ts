/**
 * Emails that casework causes: a public update or a closure to the enquirer (only with their consent, never
 * repeating what they wrote), and a notice to the CSU when an agency declines a referral. Each is sent once,
 * through the email ledger, however often its event is delivered.
 */

import type { Referral } from '../casework.ts';
import {
  closureEmail,
  publicUpdateEmail,
  referralDeclinedEmail,
  undeliveredReferralEmail,
} from '../casework-emails.ts';
import {
  CLOSURE_REASONS,
  type ClosureReason,
  DECLINE_REASONS,
  type DeclineReason,
} from '../casework-vocabulary.ts';
import type { EmailContent } from '../email-content.ts';
import { caseUrl, consentsToEmail, type Enquiry, statusUrl } from '../enquiry.ts';
import { ReferenceDataMissing } from '../errors.ts';
import type { Partnership } from '../partnership.ts';
import {
  enquiryTopic,
  type SendEmailResult,
  type SendEnquiryEmailDeps,
  sendOnce,
} from './send-enquiry-email.ts';

/** What the case emails need: what any enquiry email does. */
export type SendCaseEmailDeps = SendEnquiryEmailDeps;

/** The enquirer's address, only if they gave one and said email is safe (checked on every email). */
function enquirerAddress(enquiry: Enquiry): string | undefined {
  return consentsToEmail(enquiry) ? enquiry.contact.email : undefined;
}

/** Emails the enquirer one public update, if they said email is safe. */
export async function sendPublicUpdate(
  deps: SendCaseEmailDeps,
  input: { reference: string; updateId: string },
): Promise<SendEmailResult> {
  const enquiry = await deps.enquiries.get(input.reference);
  if (!enquiry) return { outcome: 'skipped', reason: 'enquiry-not-found' };
  const update = enquiry.publicUpdates.find((u) => u.id === input.updateId);
  if (!update) return { outcome: 'skipped', reason: 'update-not-found' };
  const to = enquirerAddress(enquiry);
  if (!to) return { outcome: 'skipped', reason: 'no-consent-to-email' };
  const partnership = await deps.referenceData.getPartnership();
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  return sendOnce(
    deps,
    { topic: enquiryTopic(enquiry.reference), kind: 'public-update', recipientId: `enquirer#${update.id}` },
    {
      to,
      replyTo: partnership.csuMailbox,
      content: publicUpdateEmail({
        reference: enquiry.reference,
        message: update.message,
        partnership,
        statusUrl: statusUrl(deps.statusPageBaseUrl, enquiry),
      }),
    },
  );
}

/**
 * Emails the enquirer that their enquiry is closed, with the outcome in plain words and any message given on
 * closing; once per closure (`changeId`), so a case reopened and closed again is told again.
 */
export async function sendClosureNotice(
  deps: SendCaseEmailDeps,
  input: { reference: string; changeId: string; reason?: string; updateId?: string },
): Promise<SendEmailResult> {
  const enquiry = await deps.enquiries.get(input.reference);
  if (!enquiry) return { outcome: 'skipped', reason: 'enquiry-not-found' };
  const reason = input.reason as ClosureReason;
  if (!CLOSURE_REASONS.includes(reason)) return { outcome: 'skipped', reason: 'not-closed' };
  const to = enquirerAddress(enquiry);
  if (!to) return { outcome: 'skipped', reason: 'no-consent-to-email' };
  const partnership = await deps.referenceData.getPartnership();
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  const message = input.updateId
    ? enquiry.publicUpdates.find((u) => u.id === input.updateId)?.message
    : undefined;
  return sendOnce(
    deps,
    { topic: enquiryTopic(enquiry.reference), kind: 'closure', recipientId: `enquirer#${input.changeId}` },
    {
      to,
      replyTo: partnership.csuMailbox,
      content: closureEmail({
        reference: enquiry.reference,
        reason,
        message,
        partnership,
        statusUrl: statusUrl(deps.statusPageBaseUrl, enquiry),
      }),
    },
  );
}

/**
 * Sends the CSU's mailbox, once, a notice about one agency's referral of an enquiry (`recipientId` tells
 * notices apart), built by `content` from the referral and the partnership.
 */
async function sendCsuReferralNotice(
  deps: SendCaseEmailDeps,
  input: { reference: string; agencyId: string },
  email: {
    kind: 'referral-declined' | 'undelivered-referral';
    recipientId: string;
    content: (referral: Referral, partnership: Partnership, link: string) => EmailContent;
  },
): Promise<SendEmailResult> {
  const enquiry = await deps.enquiries.get(input.reference);
  if (!enquiry) return { outcome: 'skipped', reason: 'enquiry-not-found' };
  const referral = enquiry.referrals.find((r) => r.agencyId === input.agencyId);
  if (!referral) return { outcome: 'skipped', reason: 'recipient-not-routed' };
  const partnership = await deps.referenceData.getPartnership();
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  return sendOnce(
    deps,
    { topic: enquiryTopic(enquiry.reference), kind: email.kind, recipientId: email.recipientId },
    {
      to: partnership.csuMailbox,
      replyTo: partnership.csuMailbox,
      content: email.content(referral, partnership, caseUrl(deps.publicApiUrl, enquiry.reference)),
    },
  );
}

/** Tells the CSU's mailbox that an agency declined a referral: the case is back in their triage queue. */
export function sendDeclineNotice(
  deps: SendCaseEmailDeps,
  input: { reference: string; agencyId: string; reason: string; changeId: string },
): Promise<SendEmailResult> {
  const reason: DeclineReason = DECLINE_REASONS.includes(input.reason as DeclineReason)
    ? (input.reason as DeclineReason)
    : 'other';
  return sendCsuReferralNotice(deps, input, {
    kind: 'referral-declined',
    recipientId: `csu#${input.changeId}`,
    content: (referral, partnership, link) =>
      referralDeclinedEmail({
        reference: input.reference,
        agencyName: referral.agencyName,
        reason,
        caseUrl: link,
        partnership,
      }),
  });
}

/** Alerts the CSU, once per enquiry and agency, that the agency's mailbox refused its referral for good. */
export function sendUndeliveredReferralAlert(
  deps: SendCaseEmailDeps,
  input: { reference: string; agencyId: string; bounceType: string },
): Promise<SendEmailResult> {
  return sendCsuReferralNotice(deps, input, {
    kind: 'undelivered-referral',
    recipientId: `csu#${input.agencyId}`,
    content: (referral, partnership, link) =>
      undeliveredReferralEmail({
        reference: input.reference,
        agencyName: referral.agencyName,
        bounceType: input.bounceType,
        caseUrl: link,
        partnership,
      }),
  });
}
