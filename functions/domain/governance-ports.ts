/** What the governance use cases need from storage. */
import type { ChairRotationPolicy, ChairTerm } from './chair-rotation.ts';
import type { Organisation } from './governance.ts';
import type { Partnership } from './partnership.ts';

/** The partnership's public profile: the enquiry-facing record plus its governance settings. */
export interface PartnershipProfile extends Partnership {
  readonly area: string;
  readonly description: string;
  readonly chairRotation: ChairRotationPolicy;
  readonly quorum: number;
}

/** A chair term as recorded, with whether its ChairRotated notice has gone out. */
export interface RecordedChairTerm extends ChairTerm {
  readonly recordedAt: string;
  readonly announcedAt?: string;
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
  /** Marks a term's ChairRotated notice as published. */
  markChairTermAnnounced(startsOn: string, at: string): Promise<void>;
  /** Priorities of `planYear` in order; every plan year's when omitted. */
  listPriorities(planYear?: string): Promise<Priority[]>;
}
