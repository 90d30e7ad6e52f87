/**
 * A referral its agency never gets, because the agency's mailbox bounced it for good (SES's report) or was
 * already on the suppression list (the mailer's claim): the referral counts as undelivered, the case goes back
 * to the CSU's triage queue, and the CSU is alerted once per enquiry and agency.
 */
import { randomUUID } from 'node:crypto';
import { DELIVERY_ACTOR, markReferralUndelivered } from '../casework.ts';
import type { CaseRepository } from '../casework-ports.ts';
import { StaleVersion } from '../errors.ts';
import { CSU_RECIPIENT_ID } from '../partnership.ts';
import type { Clock } from '../ports.ts';
import { type SendCaseEmailDeps, sendUndeliveredReferralAlert } from './send-case-emails.ts';
import { type SendEmailResult, sendReferral } from './send-enquiry-email.ts';

/** The bounce type recorded for a referral never sent because its mailbox was already suppressed. */
export const SUPPRESSED_BOUNCE_TYPE = 'Suppressed';

export interface ReturnReferralDeps {
  readonly cases: Pick<CaseRepository, 'getCase' | 'save'>;
  readonly clock: Clock;
  readonly newId?: () => string;
}

/** Staff may change the case between the read and the write; it is read again, this often. */
const MAX_ATTEMPTS = 3;

/**
 * Marks an agency's referral undelivered and sends the case back to the CSU's triage queue, once however often
 * it is asked. Answers whether the case holds that referral (marked now or before): false for an erased case,
 * a referral it no longer holds, or the CSU's own copy (nobody would read the alert).
 */
export async function returnUndeliveredReferral(
  deps: ReturnReferralDeps,
  input: { reference: string; agencyId: string; bounceType: string },
): Promise<boolean> {
  if (input.agencyId === CSU_RECIPIENT_ID) return false;
  for (let attempt = 1; ; attempt++) {
    const record = await deps.cases.getCase(input.reference);
    if (!record?.enquiry.referrals.some((r) => r.agencyId === input.agencyId)) return false;
    const change = markReferralUndelivered(record.enquiry, input.agencyId, input.bounceType, {
      now: deps.clock(),
      actor: DELIVERY_ACTOR,
      newId: deps.newId ?? randomUUID,
    });
    // Already marked: a redelivered report, or a retried send.
    if (!change) return true;
    try {
      await deps.cases.save(change);
      return true;
    } catch (error) {
      if (!(error instanceof StaleVersion) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** What sending a referral needs, when its mailbox may turn out to be suppressed. */
export type SendReferralDeps = SendCaseEmailDeps & ReturnReferralDeps;

/**
 * Sends one recipient its referral of the enquiry, once (see `sendReferral`). When the agency's mailbox is on
 * the suppression list the referral is recorded `suppressed`, never sent, and the agency would otherwise
 * wait for it in silence: the referral is marked undelivered, the case goes back to triage, and the CSU is
 * alerted, as when a referral bounces.
 */
export async function sendReferralOrReturnToTriage(
  deps: SendReferralDeps,
  input: { reference: string; recipientId: string },
): Promise<SendEmailResult & { readonly referralUndelivered?: boolean }> {
  const result = await sendReferral(deps, input);
  if (result.outcome !== 'suppressed') return result;
  const returned = await returnUndeliveredReferral(deps, {
    reference: input.reference,
    agencyId: input.recipientId,
    bounceType: SUPPRESSED_BOUNCE_TYPE,
  });
  if (returned) {
    await sendUndeliveredReferralAlert(deps, {
      reference: input.reference,
      agencyId: input.recipientId,
      bounceType: SUPPRESSED_BOUNCE_TYPE,
    });
  }
  return { ...result, referralUndelivered: returned };
}
