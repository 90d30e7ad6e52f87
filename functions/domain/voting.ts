/**
 * Motions and votes: only organisations with voting rights vote, one vote per organisation per motion, and
 * the result follows from the votes and the quorum.
 */
import { hasVotingRights, type Organisation } from './governance.ts';

export const VOTE_CHOICES = ['for', 'against', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export interface Vote {
  readonly organisationId: string;
  readonly choice: VoteChoice;
}

/** Why a vote is refused; each maps to a clear problem response. */
export type VoteRefusal = 'no-voting-rights' | 'already-voted' | 'motion-closed';

/** Checks a vote against the rules; returns the refusal, or undefined when the vote may be recorded. */
export function refuseVote(input: {
  organisation: Organisation;
  on: string;
  existing: readonly Vote[];
  motionOpen: boolean;
}): VoteRefusal | undefined {
  if (!input.motionOpen) return 'motion-closed';
  if (!hasVotingRights(input.organisation, input.on)) return 'no-voting-rights';
  if (input.existing.some((v) => v.organisationId === input.organisation.id)) return 'already-voted';
  return undefined;
}

export interface MotionResult {
  readonly for: number;
  readonly against: number;
  readonly abstain: number;
  /** Votes cast (abstentions count towards the quorum: the organisation took part). */
  readonly turnout: number;
  readonly quorate: boolean;
  readonly outcome: 'carried' | 'defeated' | 'tied' | 'inquorate';
}

/** The result: inquorate below `quorum` votes cast; otherwise carried by a simple majority of for over against. */
export function motionResult(votes: readonly Vote[], quorum: number): MotionResult {
  const count = (choice: VoteChoice) => votes.filter((v) => v.choice === choice).length;
  const tally = { for: count('for'), against: count('against'), abstain: count('abstain') };
  const turnout = votes.length;
  const quorate = turnout >= quorum;
  const outcome = !quorate
    ? 'inquorate'
    : tally.for > tally.against
      ? 'carried'
      : tally.for < tally.against
        ? 'defeated'
        : 'tied';
  return { ...tally, turnout, quorate, outcome };
}
