import { randomUUID } from 'node:crypto';
import { EnquiryReferralRequestedEvent } from '../../events/enquiry-referral-requested.ts';
import { createEvent } from '../../events/envelope.ts';
import { ROUTER_ACTOR, routeCase, targetsFor } from '../casework.ts';
import type { CaseRepository } from '../casework-ports.ts';
import type { Enquiry } from '../enquiry.ts';
import { ReferenceDataMissing, StaleVersion } from '../errors.ts';
import { CSU_RECIPIENT_ID } from '../partnership.ts';
import type { Clock, EnquiryRepository, EventPublisher, ReferenceDataRepository } from '../ports.ts';
import { decideRecipients, type Recipient } from '../routing.ts';

export interface RouteEnquiryDeps {
  readonly enquiries: Pick<EnquiryRepository, 'get'>;
  readonly cases: Pick<CaseRepository, 'save'>;
  /** Partnership, routing rules and agencies; the router reads them through a short-lived cache. */
  readonly referenceData: Pick<
    ReferenceDataRepository,
    'getPartnership' | 'getRoutingRule' | 'listAgencies' | 'getCategory'
  >;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId?: () => string;
  /** When storage deletes an enquiry received at an instant (its retention), for the items routing adds. */
  readonly expiresAtOf: (receivedAt: string) => number;
}

/** What the router knows from the `EnquiryReceived` event. */
export interface RouteEnquiryInput {
  readonly reference: string;
  readonly category: string;
  readonly correlationId: string;
  readonly happeningNow?: boolean;
  readonly receivedAt?: string;
  readonly sensitive?: boolean;
}

export type RouteEnquiryResult =
  | {
      readonly outcome: 'routed';
      readonly recipients: readonly Recipient[];
      readonly missingAgencyIds: string[];
      /** Agencies the rule names that may not receive this sensitive enquiry (not marked safeguarding). */
      readonly notSafeguardingAgencyIds: string[];
    }
  | { readonly outcome: 'enquiry-not-found' };

/** Staff may change a case between the router's read and its write; it then reads again, this often. */
const MAX_ATTEMPTS = 3;

/**
 * The enquiry as it was stored, when the event says enough: until anyone changes it (version 1) its case
 * fields are known, and routing writes only those, never the enquirer's own words. Saving against version 1
 * checks the guess; when it is wrong (a redelivery, a staff change) the router reads the enquiry instead.
 */
function asFirstStored(
  input: RouteEnquiryInput,
  expiresAtOf: (receivedAt: string) => number,
): Enquiry | undefined {
  if (input.receivedAt === undefined || input.sensitive === undefined) return undefined;
  return {
    reference: input.reference,
    category: input.category,
    sensitive: input.sensitive,
    happeningNow: input.happeningNow ?? false,
    status: 'received',
    version: 1,
    receivedAt: input.receivedAt,
    updatedAt: input.receivedAt,
    referrals: [],
    needsTriage: false,
    publicUpdates: [],
    expiresAt: expiresAtOf(input.receivedAt),
    // Never written by routing; the router never reads them.
    description: '',
    contact: {},
    safeContact: { mayEmail: false, mayPhone: false },
    statusToken: '',
  };
}

/**
 * Decides an enquiry's recipients from the routing table, records the decision once (one referral per agency,
 * with its deadlines; this also takes the enquiry out of the outbox), and requests one referral email per
 * recipient. The category comes from the event and must match the stored enquiry's. Safe to run again for the
 * same enquiry: the recorded decision is reused and the mailer deduplicates each email.
 */
export async function routeEnquiry(
  deps: RouteEnquiryDeps,
  input: RouteEnquiryInput,
): Promise<RouteEnquiryResult> {
  const [partnership, rule, agencies] = await Promise.all([
    deps.referenceData.getPartnership(),
    deps.referenceData.getRoutingRule(input.category),
    deps.referenceData.listAgencies(),
  ]);
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  // An event from before sensitivity travelled in it: the category says; one no longer offered counts as
  // sensitive, which only narrows who receives it.
  const sensitive =
    input.sensitive ?? (await deps.referenceData.getCategory(input.category))?.sensitive ?? true;
  const decision = decideRecipients(rule, new Map(agencies.map((a) => [a.id, a])), partnership, sensitive);

  let recipients: readonly Recipient[] | undefined;
  const guess = asFirstStored(input, deps.expiresAtOf);
  for (let attempt = 1; !recipients; attempt++) {
    const enquiry = attempt === 1 && guess ? guess : await deps.enquiries.get(input.reference);
    if (!enquiry || enquiry.category !== input.category) return { outcome: 'enquiry-not-found' };
    // A redelivery: the decision stands, and its emails are requested again (the mailer sends each once).
    if (enquiry.routing) {
      recipients = enquiry.routing;
      break;
    }
    const change = routeCase(
      enquiry,
      decision.recipients,
      targetsFor(enquiry.sensitive, rule?.targets),
      { now: deps.clock(), actor: ROUTER_ACTOR, newId: deps.newId ?? randomUUID },
      CSU_RECIPIENT_ID,
    );
    try {
      await deps.cases.save(change);
      recipients = change.after.routing ?? [];
    } catch (error) {
      // A wrong first guess costs a read; a case staff keep changing is retried a little, then by the queue.
      if (!(error instanceof StaleVersion) || attempt >= MAX_ATTEMPTS + (guess ? 1 : 0)) throw error;
    }
  }

  const now = deps.clock().toISOString();
  await deps.events.publish(
    recipients.map((recipient) =>
      createEvent(
        EnquiryReferralRequestedEvent,
        { reference: input.reference, recipientId: recipient.id },
        { correlationId: input.correlationId, occurredAt: now },
      ),
    ),
  );
  return {
    outcome: 'routed',
    recipients,
    missingAgencyIds: decision.missingAgencyIds,
    notSafeguardingAgencyIds: decision.notSafeguardingAgencyIds,
  };
}
