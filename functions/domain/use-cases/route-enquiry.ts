import { EnquiryReferralRequestedEvent } from '../../events/enquiry-referral-requested.ts';
import { createEvent } from '../../events/envelope.ts';
import { ReferenceDataMissing } from '../errors.ts';
import type { Clock, EnquiryRepository, EventPublisher, ReferenceDataRepository } from '../ports.ts';
import { decideRecipients, type Recipient } from '../routing.ts';

export interface RouteEnquiryDeps {
  readonly enquiries: Pick<EnquiryRepository, 'recordRouting'>;
  /** Partnership, routing rules and agencies; the router reads them through a short-lived cache. */
  readonly referenceData: Pick<ReferenceDataRepository, 'getPartnership' | 'getRoutingRule' | 'listAgencies'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

export type RouteEnquiryResult =
  | {
      readonly outcome: 'routed';
      readonly recipients: readonly Recipient[];
      readonly missingAgencyIds: string[];
    }
  | { readonly outcome: 'enquiry-not-found' };

/**
 * Decides an enquiry's recipients from the routing table, records the decision once (which also takes the
 * enquiry out of the outbox), and requests one referral email per recipient. The category comes from the
 * event and must match the stored enquiry's. Safe to run again for the same enquiry: the recorded decision is
 * reused and the mailer deduplicates each email.
 */
export async function routeEnquiry(
  deps: RouteEnquiryDeps,
  input: { reference: string; category: string; correlationId: string },
): Promise<RouteEnquiryResult> {
  const [partnership, rule, agencies] = await Promise.all([
    deps.referenceData.getPartnership(),
    deps.referenceData.getRoutingRule(input.category),
    deps.referenceData.listAgencies(),
  ]);
  if (!partnership) throw new ReferenceDataMissing('partnership record');

  const decision = decideRecipients(rule, new Map(agencies.map((a) => [a.id, a])), partnership);
  const now = deps.clock().toISOString();
  const recipients = await deps.enquiries.recordRouting(
    input.reference,
    input.category,
    decision.recipients,
    now,
  );
  if (!recipients) return { outcome: 'enquiry-not-found' };

  await deps.events.publish(
    recipients.map((recipient) =>
      createEvent(
        EnquiryReferralRequestedEvent,
        { reference: input.reference, recipientId: recipient.id },
        { correlationId: input.correlationId, occurredAt: now },
      ),
    ),
  );
  return { outcome: 'routed', recipients, missingAgencyIds: decision.missingAgencyIds };
}
