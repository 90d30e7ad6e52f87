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
  /** The published document it is (see `PublishedDocument`). */
  readonly documentId?: string;
}

export const DOCUMENT_KINDS = [
  'strategic-assessment',
  'partnership-plan',
  'action-plan',
  'minutes',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A document the partnership publishes, e.g. "Rolling Action Plan [pdf] 579KB": where it is, what it is. */
export interface PublishedDocument {
  readonly id: string;
  readonly title: string;
  readonly kind: DocumentKind;
  /** Where it is published (https). */
  readonly url: string;
  readonly sizeBytes?: number;
  /** Its media type, e.g. `application/pdf`. */
  readonly mediaType?: string;
  readonly publishedOn: string;
}

/**
 * The partnership plan (Crime and Disorder Act 1998, s. 6): a three-year plan, e.g. `2021-24`, with the
 * priorities it sets for each of its plan years.
 */
export interface PartnershipPlan {
  /** First and last plan years, e.g. `2021-24` for 2021-22 to 2023-24. */
  readonly period: string;
  readonly title: string;
  readonly years: readonly { readonly planYear: string; readonly priorities: readonly string[] }[];
  readonly documentId?: string;
  readonly adoptedOn: string;
}

/** The plan years a period such as `2021-24` covers: 2021-22, 2022-23, 2023-24. */
export function planYearsOf(period: string): string[] {
  const first = Number(period.slice(0, 4));
  const last = first + ((Number(period.slice(5)) - (first % 100) + 100) % 100) - 1;
  const years: string[] = [];
  for (let year = first; year <= last; year++)
    years.push(`${year}-${String((year + 1) % 100).padStart(2, '0')}`);
  return years;
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
  /** Newest plan year first, each with its version. */
  listAssessments(): Promise<(StrategicAssessment & { version: number })[]>;
  /**
   * Creates the assessment of its plan year (`expectedVersion` undefined) or replaces it if still at
   * `expectedVersion`, with the audit entry in the same transaction. @throws StaleVersion otherwise.
   */
  saveAssessment(
    assessment: StrategicAssessment,
    expectedVersion: number | undefined,
    audit: AuditEntry,
  ): Promise<void>;
  /** Published documents, newest first. */
  listDocuments(): Promise<PublishedDocument[]>;
  getDocument(id: string): Promise<PublishedDocument | undefined>;
  /** Records a document with its audit entry. */
  addDocument(document: PublishedDocument, audit: AuditEntry): Promise<void>;
  /** Partnership plans, newest period first, each with its version. */
  listPlans(): Promise<(PartnershipPlan & { version: number })[]>;
  /** Creates a plan (`expectedVersion` undefined) or revises it; audited. @throws StaleVersion. */
  savePlan(plan: PartnershipPlan, expectedVersion: number | undefined, audit: AuditEntry): Promise<void>;
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
