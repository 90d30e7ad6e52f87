/** What the governance use cases need from storage. */
import type { ChairPolicy, ChairTerm } from './chair-rotation.ts';
import type { Organisation, RoleHolders } from './governance.ts';
import type { Partnership } from './partnership.ts';
import type { Vote } from './voting.ts';

export const MEETING_FREQUENCIES = [
  'weekly',
  'fortnightly',
  'monthly',
  'every-two-months',
  'quarterly',
  'twice-yearly',
  'yearly',
] as const;
export type MeetingFrequency = (typeof MEETING_FREQUENCIES)[number];

/** A standing meeting, e.g. the CSU meets monthly. */
export interface MeetingPattern {
  readonly meeting: string;
  readonly frequency: MeetingFrequency;
}

/** The partnership's public profile: the enquiry-facing record plus its governance settings. */
export interface PartnershipProfile extends Partnership {
  readonly area: string;
  readonly description: string;
  /** Which organisation holds each responsible-authority role. */
  readonly roles: RoleHolders;
  /** How the chair rotates between roles. */
  readonly chairPolicy: ChairPolicy;
  readonly quorum: number;
  readonly meetingPattern: readonly MeetingPattern[];
  /** Incremented on every change through the API; the ETag of `PATCH /partnership`. */
  readonly version: number;
}

/** A chair term as recorded, with whether its ChairRotated notice has gone out. */
export interface RecordedChairTerm extends ChairTerm {
  readonly recordedAt: string;
  readonly announcedAt?: string;
  /** Incremented on every change; the ETag clients send back in If-Match. */
  readonly version: number;
}

/** Who changed what, when, from what to what. */
export interface AuditEntry {
  readonly entity: string;
  readonly action: string;
  readonly actor: string;
  readonly at: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A motion put to the partnership, with the votes cast so far. */
export interface Motion {
  readonly id: string;
  readonly title: string;
  readonly quorum: number;
  readonly status: 'open' | 'closed';
  readonly createdAt: string;
  readonly closedAt?: string;
  /**
   * The day the motion is decided on (the meeting's date, or the day it was put): voting rights are those in
   * force that day. Absent on motions recorded before motions had a date: the day they were created.
   */
  readonly date?: string;
  /** The meeting it was put to, if any. */
  readonly meetingId?: string;
  readonly votes: readonly Vote[];
}

/** One year of the partnership plan: its priorities in order, and when they were last revised. */
export interface PlanYear {
  readonly planYear: string;
  readonly titles: readonly string[];
  readonly revisedOn: string;
  readonly version: number;
}

/** One yearly priority of the partnership plan. */
export interface Priority {
  readonly planYear: string;
  readonly position: number;
  readonly title: string;
}

export interface GovernanceRepository {
  getProfile(): Promise<PartnershipProfile | undefined>;
  listOrganisations(): Promise<Organisation[]>;
  /** Chair terms, newest first. */
  listChairTerms(): Promise<RecordedChairTerm[]>;
  /**
   * Records a term unless one starting the same day exists: exactly one writer wins, whoever races.
   * @returns 'recorded', or 'exists' when another run recorded it first.
   */
  recordChairTerm(term: ChairTerm, at: string): Promise<'recorded' | 'exists'>;
  /**
   * Claims the right to announce a term for `leaseSeconds`: false if it is announced, or another run holds a
   * live claim. A run that dies after claiming leaves a lease that expires, so a later run announces.
   */
  claimChairTermAnnouncement(startsOn: string, now: Date, leaseSeconds: number): Promise<boolean>;
  /** Marks a term's ChairRotated notice as published. */
  markChairTermAnnounced(startsOn: string, at: string): Promise<void>;
  /** Priorities of `planYear` in order; every plan year's when omitted. */
  listPriorities(planYear?: string): Promise<Priority[]>;
  getPlanYear(planYear: string): Promise<PlanYear | undefined>;
  /**
   * Creates a plan year (`expectedVersion` undefined) or revises it if still at `expectedVersion`, with the
   * audit entry in the same transaction. @throws StaleVersion otherwise.
   */
  putPlanYear(
    year: Omit<PlanYear, 'version'>,
    expectedVersion: number | undefined,
    audit: AuditEntry,
  ): Promise<void>;
  /**
   * Replaces the chair of the term starting `startsOn`, if its version is still `expectedVersion`, writing the
   * audit entry in the same transaction. @throws StaleVersion otherwise.
   */
  appointChair(
    startsOn: string,
    organisationId: string,
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<void>;
  /** Audit entries of one entity, newest first. */
  listAudit(entity: string): Promise<AuditEntry[]>;
  /** Creates a motion, linked to `meeting` (and listed on it) when given. */
  createMotion(motion: Omit<Motion, 'votes'>, meeting?: { id: string; date: string }): Promise<void>;
  getMotion(id: string): Promise<Motion | undefined>;
  /** Records a vote while the motion is open and the organisation has not voted. */
  recordVote(motionId: string, vote: Vote, at: string): Promise<'recorded' | 'already-voted' | 'closed'>;
  /** Closes an open motion: @returns false if it was already closed. */
  closeMotion(id: string, at: string): Promise<boolean>;
}
