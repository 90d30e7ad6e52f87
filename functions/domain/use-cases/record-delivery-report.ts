import { EnquiryReferralUndeliveredEvent } from '../../events/enquiry-referral-answered.ts';
import { createEvent } from '../../events/envelope.ts';
import { normaliseEmail } from '../enquiry.ts';
import { CSU_RECIPIENT_ID } from '../partnership.ts';
import type {
  Clock,
  DeliveryReport,
  EmailId,
  EmailLedger,
  EventPublisher,
  PersonalDataHasher,
  SuppressionList,
} from '../ports.ts';
import { referenceOfTopic } from './send-enquiry-email.ts';
import { type ReturnReferralDeps, returnUndeliveredReferral } from './undelivered-referral.ts';

export interface RecordDeliveryReportDeps extends ReturnReferralDeps {
  readonly ledger: Pick<EmailLedger, 'recordDelivery'>;
  readonly suppressions: SuppressionList;
  readonly personalData: PersonalDataHasher;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

export interface DeliveryReportInput extends DeliveryReport {
  readonly emailId: EmailId;
  /** The addresses a bounce or complaint names: hashed onto the suppression list, never kept or logged. */
  readonly recipients: readonly string[];
  readonly correlationId: string;
}

export interface DeliveryReportResult {
  /** False when the email is not ours, or the report was old news. */
  readonly recorded: boolean;
  /** Addresses put on the suppression list. */
  readonly suppressed: number;
  /** True when an agency's referral bounced and the CSU is being alerted. */
  readonly referralUndelivered: boolean;
}

/** Whether a report means the address must never be emailed again. */
export function suppresses(report: DeliveryReport): 'bounce' | 'complaint' | undefined {
  if (report.outcome === 'complained') return 'complaint';
  if (report.outcome === 'bounced' && report.bounceType === 'Permanent') return 'bounce';
  return undefined;
}

/**
 * Records what SES said about one of our emails on its ledger record. A permanent bounce or a complaint puts
 * the address on the suppression list (the mailer then records such emails as suppressed instead of sending).
 * A referral that bounced for good marks the referral undelivered, sends the case back to the CSU's triage and
 * asks for the CSU's alert. Safe to run again for the same report: every step is idempotent.
 */
export async function recordDeliveryReport(
  deps: RecordDeliveryReportDeps,
  input: DeliveryReportInput,
): Promise<DeliveryReportResult> {
  // SES took the email on: the mailer recorded that itself (markSent) when SES answered, so a Send event is no
  // news, and costs no write (one comes for every email sent).
  if (input.outcome === 'sent') return { recorded: false, suppressed: 0, referralUndelivered: false };
  const report: DeliveryReport = {
    outcome: input.outcome,
    at: input.at,
    ...(input.bounceType ? { bounceType: input.bounceType } : {}),
  };
  const recorded = await deps.ledger.recordDelivery(input.emailId, report);
  const reason = suppresses(report);
  const addresses = reason ? [...new Set(input.recipients.map(normaliseEmail))] : [];
  if (reason) {
    const at = deps.clock().toISOString();
    for (const address of addresses) {
      await deps.suppressions.suppress(await deps.personalData.hash('email', address), { reason, at });
    }
  }
  const suppressed = addresses.length;
  const agencyId = input.emailId.recipientId;
  const reference = referenceOfTopic(input.emailId.topic);
  const bouncedReferral =
    reference !== undefined &&
    input.emailId.kind === 'referral' &&
    agencyId !== CSU_RECIPIENT_ID &&
    reason === 'bounce';
  if (!bouncedReferral) return { recorded, suppressed, referralUndelivered: false };

  const returned = await returnUndeliveredReferral(deps, { reference, agencyId, bounceType: 'Permanent' });
  // An erased case, or a referral it no longer holds: nobody to alert about.
  if (!returned) return { recorded, suppressed, referralUndelivered: false };
  // Asked again for a redelivered report: the mailer's ledger sends the alert once.
  await deps.events.publish([
    createEvent(
      EnquiryReferralUndeliveredEvent,
      { reference, agencyId, bounceType: 'Permanent' },
      { correlationId: input.correlationId, occurredAt: deps.clock().toISOString() },
    ),
  ]);
  return { recorded, suppressed, referralUndelivered: true };
}
