import { ChairRotatedEvent } from '../../events/chair-rotated.ts';
import { createEvent } from '../../events/envelope.ts';
import { rotationOf, termsToRecord } from '../chair-rotation.ts';
import { ukDate } from '../dates.ts';
import { ReferenceDataMissing } from '../errors.ts';
import type { GovernanceRepository } from '../governance-ports.ts';
import type { Clock, EventPublisher } from '../ports.ts';

/** How long a run may take to announce a term before another run may try. */
export const ANNOUNCEMENT_LEASE_SECONDS = 300;

export interface RotateChairDeps {
  readonly governance: GovernanceRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

export interface RotateChairResult {
  /** Terms this run recorded (several after missed runs); terms another run recorded first are not listed. */
  readonly recorded: string[];
  /** The term announced with ChairRotated by this run, if any. */
  readonly announced?: string;
}

/**
 * Brings the chair history up to the term containing `at` and announces that term once. Safe to run twice or
 * concurrently: each term is recorded by exactly one run, and the announcement is marked once published (a
 * duplicate publish after a crash is absorbed by the mailer's ledger).
 */
export async function rotateChair(deps: RotateChairDeps, input: { at: Date }): Promise<RotateChairResult> {
  const profile = await deps.governance.getProfile();
  if (!profile) throw new ReferenceDataMissing('partnership profile');
  const today = ukDate(input.at);
  const history = await deps.governance.listChairTerms();
  const recorded: string[] = [];
  for (const term of termsToRecord(rotationOf(profile.chairPolicy, profile.roles), history[0], today)) {
    if ((await deps.governance.recordChairTerm(term, deps.clock().toISOString())) === 'recorded') {
      recorded.push(term.startsOn);
    }
  }

  const terms = await deps.governance.listChairTerms();
  const currentIndex = terms.findIndex((t) => t.startsOn <= today && today < t.endsOn);
  const current = terms[currentIndex];
  if (!current || current.announcedAt) return { recorded };
  // One run announces: the others (a second firing, a race) find the claim taken and stop here.
  if (
    !(await deps.governance.claimChairTermAnnouncement(
      current.startsOn,
      deps.clock(),
      ANNOUNCEMENT_LEASE_SECONDS,
    ))
  ) {
    return { recorded };
  }
  const previous = terms[currentIndex + 1];
  await deps.events.publish([
    createEvent(
      ChairRotatedEvent,
      {
        startsOn: current.startsOn,
        endsOn: current.endsOn,
        organisationId: current.organisationId,
        previousOrganisationId: previous?.organisationId,
      },
      { correlationId: `chair-term-${current.startsOn}`, occurredAt: deps.clock().toISOString() },
    ),
  ]);
  await deps.governance.markChairTermAnnounced(current.startsOn, deps.clock().toISOString());
  return { recorded, announced: current.startsOn };
}
