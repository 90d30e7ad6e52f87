/** Staff changes to governance records: appointing a chair, motions and votes. Every change is checked here. */

import { randomUUID } from 'node:crypto';
import { ukDate } from '../dates.ts';
import {
  NotPermitted,
  PreconditionRequired,
  RecordNotFound,
  StaleVersion,
  ValidationFailed,
  VoteRefused,
} from '../errors.ts';
import { hasVotingRights, membershipOn, type Organisation } from '../governance.ts';
import type { GovernanceRepository, Motion } from '../governance-ports.ts';
import type { Clock } from '../ports.ts';
import type { RecordsRepository } from '../records.ts';
import type { StaffPrincipal } from '../staff.ts';
import { type MotionResult, motionResult, refuseVote, type Vote, type VoteChoice } from '../voting.ts';
import { currentChair } from './governance-reads.ts';

export interface GovernanceWriteDeps {
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}

/**
 * Parses a strong ETag this API returned, `"3"` or `"<scope>.3"`, into its scope and version. If-Match
 * compares strongly (RFC 9110), so weak ETags are refused.
 */
export function parseEtag(ifMatch: string | undefined): { scope?: string; version: number } {
  if (ifMatch === undefined) throw new PreconditionRequired();
  const match = /^"(?:([0-9-]{10})\.)?(\d{1,9})"$/.exec(ifMatch.trim());
  const version = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(version) || version < 1) {
    throw new ValidationFailed([
      { field: 'If-Match', message: 'must be an ETag this API returned, e.g. "3"' },
    ]);
  }
  return { scope: match[1], version };
}

/** The version named by a plain ETag (`"3"`). */
export function versionFromEtag(ifMatch: string | undefined): number {
  return parseEtag(ifMatch).version;
}

/**
 * The version a create-or-revise expects: none for a record that does not exist yet (an If-Match then names a
 * version that cannot be current: 412), the If-Match's for one that does (428 without).
 */
export function expectedVersionFor(existing: unknown, ifMatch: string | undefined): number | undefined {
  if (existing) return versionFromEtag(ifMatch);
  if (ifMatch !== undefined) throw new StaleVersion();
  return undefined;
}

/** The ETag of a version, optionally scoped (a chair term's start), so it cannot match another record. */
export const etagOf = (version: number, scope?: string) => (scope ? `"${scope}.${version}"` : `"${version}"`);

/** Appoints (or corrects) the chair of the current term by hand; audited, and refused if the term changed. */
export async function appointChair(
  deps: GovernanceWriteDeps,
  input: { principal: StaffPrincipal; organisationId: string; reason: string; ifMatch?: string },
) {
  const expected = parseEtag(input.ifMatch);
  const today = ukDate(deps.clock());
  const term = await currentChair(deps.governance, today);
  // An ETag read in an earlier term must not change the new one, whatever its version number.
  if (expected.scope !== term.startsOn) throw new StaleVersion();
  const organisation = (await deps.governance.listOrganisations()).find((o) => o.id === input.organisationId);
  if (!organisation || !membershipOn(organisation, today)) {
    throw new ValidationFailed([{ field: 'organisationId', message: 'is not a current partner' }]);
  }
  const at = deps.clock().toISOString();
  await deps.governance.appointChair(term.startsOn, organisation.id, expected.version, {
    entity: `CHAIR_TERM#${term.startsOn}`,
    action: 'appoint-chair',
    actor: input.principal.subject,
    at,
    before: { organisationId: term.organisationId, source: term.source },
    after: { organisationId: organisation.id, source: 'appointment', reason: input.reason },
  });
  return currentChair(deps.governance, today);
}

/** A motion as the public sees it, with its result so far and who may vote on it. */
export interface MotionView {
  readonly id: string;
  readonly title: string;
  readonly status: Motion['status'];
  readonly quorum: number;
  /** The day it is decided on: voting rights are those in force that day. */
  readonly date: string;
  readonly createdAt: string;
  readonly closedAt?: string;
  readonly votes: Vote[];
  readonly result: MotionResult;
  /** The organisations with voting rights on `date` (statutory partners then). */
  readonly voters: { id: string; name: string }[];
}

/** The day a motion is decided on; a motion recorded before motions had dates, the UK day it was created. */
export const motionDate = (motion: Pick<Motion, 'date' | 'createdAt'>): string =>
  motion.date ?? ukDate(new Date(motion.createdAt));

export function motionView(motion: Motion, organisations: readonly Organisation[]): MotionView {
  const date = motionDate(motion);
  return {
    ...motion,
    date,
    votes: [...motion.votes],
    result: motionResult(motion.votes, motion.quorum),
    voters: organisations.filter((o) => hasVotingRights(o, date)).map(({ id, name }) => ({ id, name })),
  };
}

/** Puts a motion to the partnership, optionally at a meeting; its quorum defaults to the partnership's. */
export async function createMotion(
  deps: GovernanceWriteDeps & { records: Pick<RecordsRepository, 'getMeeting'> },
  input: { title: string; quorum?: number; meetingId?: string; date?: string },
) {
  const profile = await deps.governance.getProfile();
  const meeting = input.meetingId ? await deps.records.getMeeting(input.meetingId) : undefined;
  if (input.meetingId && !meeting) {
    throw new ValidationFailed([{ field: 'meetingId', message: 'is not a meeting on record' }]);
  }
  const motion = {
    id: randomUUID(),
    title: input.title,
    quorum: input.quorum ?? profile?.quorum ?? 1,
    status: 'open' as const,
    createdAt: deps.clock().toISOString(),
    // Decided at its meeting, unless the request says otherwise; today when put outside a meeting.
    date: input.date ?? meeting?.date ?? ukDate(deps.clock()),
    meetingId: meeting?.id,
  };
  await deps.governance.createMotion(motion, meeting && { id: meeting.id, date: meeting.date });
  return motionView({ ...motion, votes: [] }, await deps.governance.listOrganisations());
}

export async function getMotion(
  deps: Pick<GovernanceWriteDeps, 'governance'>,
  id: string,
): Promise<MotionView> {
  const [motion, organisations] = await Promise.all([
    deps.governance.getMotion(id),
    deps.governance.listOrganisations(),
  ]);
  if (!motion) throw new RecordNotFound('Motion');
  return motionView(motion, organisations);
}

/**
 * Records the vote of the caller's organisation. Only organisations that were statutory partners on the
 * motion's date vote, once per motion, while the motion is open; a race between two representatives of one
 * organisation still leaves one vote.
 */
export async function castVote(
  deps: GovernanceWriteDeps,
  input: { principal: StaffPrincipal; motionId: string; choice: VoteChoice },
): Promise<MotionView> {
  const organisationId = input.principal.organisationId;
  // A representative token must say whom it represents.
  if (!organisationId) throw new NotPermitted(['partner-representative of an organisation']);
  const motion = await deps.governance.getMotion(input.motionId);
  if (!motion) throw new RecordNotFound('Motion');
  const organisation = (await deps.governance.listOrganisations()).find((o) => o.id === organisationId);
  if (!organisation) throw new VoteRefused('no-voting-rights');
  const now = deps.clock();
  const refusal = refuseVote({
    organisation,
    on: motionDate(motion),
    existing: motion.votes,
    motionOpen: motion.status === 'open',
  });
  if (refusal) throw new VoteRefused(refusal);
  const outcome = await deps.governance.recordVote(
    motion.id,
    { organisationId, choice: input.choice },
    now.toISOString(),
  );
  if (outcome === 'closed') throw new VoteRefused('motion-closed');
  if (outcome === 'already-voted') throw new VoteRefused('already-voted');
  return getMotion(deps, motion.id);
}

export async function closeMotion(deps: GovernanceWriteDeps, id: string): Promise<MotionView> {
  await getMotion(deps, id);
  // Closing twice would move closedAt and reopen the question of when the result became final.
  if (!(await deps.governance.closeMotion(id, deps.clock().toISOString())))
    throw new VoteRefused('motion-closed');
  return getMotion(deps, id);
}

/**
 * Sets a plan year's priorities: creates the year, or revises it (the plan is revised yearly) if it has not
 * changed since it was read. Audited.
 */
export async function revisePriorities(
  deps: GovernanceWriteDeps,
  input: { principal: StaffPrincipal; planYear: string; titles: string[]; ifMatch?: string },
) {
  const existing = await deps.governance.getPlanYear(input.planYear);
  const expectedVersion = expectedVersionFor(existing, input.ifMatch);
  const revisedOn = ukDate(deps.clock());
  await deps.governance.putPlanYear(
    { planYear: input.planYear, titles: input.titles, revisedOn },
    expectedVersion,
    {
      entity: `PLAN_YEAR#${input.planYear}`,
      action: existing ? 'revise-priorities' : 'create-plan-year',
      actor: input.principal.subject,
      at: deps.clock().toISOString(),
      before: existing ? { titles: existing.titles } : null,
      after: { titles: input.titles },
    },
  );
  const saved = await deps.governance.getPlanYear(input.planYear);
  if (!saved) throw new RecordNotFound('Plan year');
  return saved;
}
