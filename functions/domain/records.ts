/**
 * The partnership's published records: annual strategic assessments, the rolling action plan and meetings.
 * Pure types and rules; storage is behind RecordsRepository.
 */
import type { AuditEntry } from './governance-ports.ts';

/** An annual joint strategic assessment, which informs the partnership plan. */
export interface StrategicAssessment {
  /** Plan year it informs, e.g. `2021-22`. */
  readonly planYear: string;
  readonly publishedOn: string;
  readonly summary: string;
  readonly findings: readonly string[];
  readonly documentUrl?: string;
}

export const ACTION_STATUSES = ['not-started', 'in-progress', 'complete', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const RAG_RATINGS = ['red', 'amber', 'green'] as const;
export type RagRating = (typeof RAG_RATINGS)[number];

/** One entry in an action's history. */
export interface ActionUpdate {
  readonly at: string;
  readonly actor: string;
  readonly note: string;
  readonly status: ActionStatus;
  readonly rag: RagRating;
}

/** An action of the rolling action plan, linked to one of the plan year's priorities. */
export interface Action {
  readonly id: string;
  readonly planYear: string;
  /** Position of the priority it serves, within its plan year. */
  readonly priority: number;
  readonly title: string;
  readonly leadOrganisationId: string;
  readonly dueOn: string;
  readonly status: ActionStatus;
  readonly rag: RagRating;
  readonly updates: readonly ActionUpdate[];
  readonly version: number;
}

export const MEETING_KINDS = ['partnership-board', 'csu-monthly', 'annual-public-meeting'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export interface Meeting {
  readonly id: string;
  readonly kind: MeetingKind;
  readonly date: string;
  /** Organisations attending. */
  readonly attendees: readonly string[];
  readonly agenda: readonly string[];
  /** Motions put to this meeting. */
  readonly motionIds?: readonly string[];
  /** Published minutes; absent until published. */
  readonly minutes?: { readonly publishedOn: string; readonly text: string };
  /** Incremented when the minutes change; the meeting's ETag. */
  readonly version: number;
}

export interface RecordsRepository {
  listAssessments(): Promise<StrategicAssessment[]>;
  putAssessment(assessment: StrategicAssessment): Promise<void>;
  /** Every action, each with only its latest update in `updates`. */
  listActions(): Promise<Action[]>;
  /** One action with its whole history. */
  getAction(id: string): Promise<Action | undefined>;
  createAction(action: Action): Promise<void>;
  /** Replaces an action if its version is still `expectedVersion`. @throws StaleVersion otherwise. */
  updateAction(action: Action, expectedVersion: number, audit: AuditEntry): Promise<void>;
  listMeetings(): Promise<Meeting[]>;
  getMeeting(id: string): Promise<Meeting | undefined>;
  putMeeting(meeting: Meeting): Promise<void>;
  /**
   * Sets a meeting's minutes if its version is still `expectedVersion`, leaving the rest of the meeting (e.g.
   * motions added meanwhile) as it is, with the audit entry in the same transaction. @throws StaleVersion.
   */
  setMinutes(
    meeting: Pick<Meeting, 'id' | 'date'>,
    minutes: NonNullable<Meeting['minutes']>,
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<void>;
}
