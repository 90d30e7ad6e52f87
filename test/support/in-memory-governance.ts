/**
 * In-memory GovernanceRepository and RecordsRepository for use-case tests that check resulting state. They keep
 * the port contracts (one chair term per start date, one vote per organisation while the motion is open,
 * optimistic concurrency on `version`, audit entries written with their change or not at all, expiring
 * announcement leases) and the DynamoDB adapters' orderings, not any AWS detail. Both repositories share one
 * audit trail, as the adapters share one table.
 */
import { type ChairTerm, rotationOf, termsToRecord } from '../../functions/domain/chair-rotation.ts';
import { ukDate } from '../../functions/domain/dates.ts';
import type { DirectoryRepository, PositionedCategory, Versioned } from '../../functions/domain/directory.ts';
import { RecordConflict, StaleVersion } from '../../functions/domain/errors.ts';
import type { Membership, Organisation, PartnerKind } from '../../functions/domain/governance.ts';
import type {
  AuditEntry,
  GovernanceRepository,
  Motion,
  PartnershipProfile,
  PlanYear,
  Priority,
  RecordedChairTerm,
} from '../../functions/domain/governance-ports.ts';
import type { Agency, Partnership } from '../../functions/domain/partnership.ts';
import type { VersionedRoutingRule } from '../../functions/domain/ports.ts';
import type {
  Action,
  ActionUpdate,
  Meeting,
  PartnershipPlan,
  PublishedDocument,
  RecordsRepository,
  StrategicAssessment,
} from '../../functions/domain/records.ts';
import type { StaffPrincipal } from '../../functions/domain/staff.ts';
import type { Vote } from '../../functions/domain/voting.ts';
import { ASHFORD, ASHFORD_GOVERNANCE } from '../../scripts/seed/ashford.ts';
import type { GovernanceSeed } from '../../scripts/seed/partnership-file.ts';
import type { InMemoryReferenceData } from './in-memory-ports.ts';

/** Audit entries of every entity, in the order they were written. */
export class InMemoryAuditTrail {
  readonly entries: AuditEntry[] = [];

  /** Entries of one entity, newest first (the adapters sort by `at`, descending). */
  of(entity: string): AuditEntry[] {
    return this.entries
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry }) => entry.entity === entity)
      .sort((a, b) => b.entry.at.localeCompare(a.entry.at) || b.index - a.index)
      .map(({ entry }) => structuredClone(entry));
  }
}

interface StoredChairTerm extends RecordedChairTerm {
  /** Epoch milliseconds until which a run holds the right to announce the term. */
  readonly announcementLeaseUntil?: number;
}

interface StoredMotion extends Omit<Motion, 'votes'> {
  readonly votes: (Vote & { readonly at: string })[];
}

export class InMemoryRecords implements RecordsRepository {
  readonly assessments = new Map<string, StrategicAssessment & { version: number }>();
  readonly documents = new Map<string, PublishedDocument>();
  readonly plans = new Map<string, PartnershipPlan & { version: number }>();
  /** Actions without their history, by id. */
  readonly actions = new Map<string, Omit<Action, 'updates'>>();
  /** Each action's history, oldest first. */
  readonly actionHistory = new Map<string, ActionUpdate[]>();
  readonly meetings = new Map<string, Meeting>();

  constructor(readonly audit = new InMemoryAuditTrail()) {}

  async listAssessments() {
    return [...this.assessments.values()]
      .sort((a, b) => b.planYear.localeCompare(a.planYear))
      .map((a) => structuredClone(a));
  }

  async putAssessment(assessment: StrategicAssessment) {
    this.assessments.set(assessment.planYear, { ...structuredClone(assessment), version: 1 });
  }

  async saveAssessment(
    assessment: StrategicAssessment,
    expectedVersion: number | undefined,
    audit: AuditEntry,
  ) {
    if (this.assessments.get(assessment.planYear)?.version !== expectedVersion) throw new StaleVersion();
    this.assessments.set(assessment.planYear, {
      ...structuredClone(assessment),
      version: (expectedVersion ?? 0) + 1,
    });
    this.audit.entries.push(structuredClone(audit));
  }

  async listDocuments() {
    return [...this.documents.values()]
      .sort((a, b) => `${b.publishedOn}#${b.id}`.localeCompare(`${a.publishedOn}#${a.id}`))
      .map((d) => structuredClone(d));
  }

  async getDocument(id: string) {
    const document = this.documents.get(id);
    return document && structuredClone(document);
  }

  async addDocument(document: PublishedDocument, audit: AuditEntry) {
    this.documents.set(document.id, structuredClone(document));
    this.audit.entries.push(structuredClone(audit));
  }

  async listPlans() {
    return [...this.plans.values()]
      .sort((a, b) => b.period.localeCompare(a.period))
      .map((p) => structuredClone(p));
  }

  async savePlan(plan: PartnershipPlan, expectedVersion: number | undefined, audit: AuditEntry) {
    if (this.plans.get(plan.period)?.version !== expectedVersion) throw new StaleVersion();
    this.plans.set(plan.period, { ...structuredClone(plan), version: (expectedVersion ?? 0) + 1 });
    this.audit.entries.push(structuredClone(audit));
  }

  async listActions() {
    return [...this.actions.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((action) => ({ ...structuredClone(action), updates: this.history(action.id).slice(-1) }));
  }

  async getAction(id: string) {
    const action = this.actions.get(id);
    return action && { ...structuredClone(action), updates: this.history(id) };
  }

  async createAction({ updates, ...action }: Action) {
    if (this.actions.has(action.id)) throw new Error(`Action ${action.id} exists`);
    this.actions.set(action.id, structuredClone(action));
    this.actionHistory.set(action.id, structuredClone([...updates]));
  }

  async updateAction({ updates, ...action }: Action, expectedVersion: number, audit: AuditEntry) {
    if (this.actions.get(action.id)?.version !== expectedVersion) throw new StaleVersion();
    this.actions.set(action.id, structuredClone(action));
    // Only the newest update is new: earlier ones are already in the history.
    const latest = updates.at(-1);
    if (latest) this.actionHistory.get(action.id)?.push(structuredClone(latest));
    this.audit.entries.push(structuredClone(audit));
  }

  async listMeetings() {
    return [...this.meetings.values()]
      .sort((a, b) => `${b.date}#${b.id}`.localeCompare(`${a.date}#${a.id}`))
      .map((m) => structuredClone(m));
  }

  async getMeeting(id: string) {
    const meeting = this.meetings.get(id);
    return meeting && structuredClone(meeting);
  }

  async putMeeting(meeting: Meeting) {
    this.meetings.set(meeting.id, structuredClone(meeting));
  }

  async setMinutes(
    meeting: Pick<Meeting, 'id' | 'date'>,
    minutes: NonNullable<Meeting['minutes']>,
    expectedVersion: number,
    audit: AuditEntry,
  ) {
    const stored = this.meetings.get(meeting.id);
    if (!stored || stored.date !== meeting.date || stored.version !== expectedVersion)
      throw new StaleVersion();
    this.meetings.set(meeting.id, {
      ...stored,
      minutes: structuredClone(minutes),
      version: expectedVersion + 1,
    });
    this.audit.entries.push(structuredClone(audit));
  }

  /** Lists a motion on its meeting, as the governance repository's createMotion does in the same transaction. */
  addMotionToMeeting(meeting: { id: string; date: string }, motionId: string) {
    const stored = this.meetings.get(meeting.id);
    if (!stored || stored.date !== meeting.date)
      throw new Error(`No meeting ${meeting.id} on ${meeting.date}`);
    this.meetings.set(meeting.id, { ...stored, motionIds: [...(stored.motionIds ?? []), motionId] });
  }

  private history(id: string): ActionUpdate[] {
    return structuredClone(this.actionHistory.get(id) ?? []);
  }
}

export class InMemoryGovernance implements GovernanceRepository {
  /** The enquiry-facing part of the partnership record; the profile exists once both parts are stored. */
  partnership?: Partnership;
  governanceProfile?: GovernanceSeed['profile'];
  /** The profile's version, counted up by each change through the directory. */
  profileVersion = 1;
  readonly organisations = new Map<
    string,
    { organisation: Organisation; position: number; version: number }
  >();
  readonly chairTerms = new Map<string, StoredChairTerm>();
  readonly planYears = new Map<string, PlanYear>();
  readonly motions = new Map<string, StoredMotion>();

  /** `records` holds the meetings motions are listed on; both share its audit trail. */
  constructor(readonly records = new InMemoryRecords()) {}

  get audit(): InMemoryAuditTrail {
    return this.records.audit;
  }

  async getProfile(): Promise<PartnershipProfile | undefined> {
    if (!this.governanceProfile || !this.partnership) return undefined;
    return structuredClone({ ...this.partnership, ...this.governanceProfile, version: this.profileVersion });
  }

  async listOrganisations() {
    return [...this.organisations.values()]
      .sort((a, b) => a.position - b.position || a.organisation.id.localeCompare(b.organisation.id))
      .map(({ organisation }) => structuredClone(organisation));
  }

  async listChairTerms(): Promise<RecordedChairTerm[]> {
    return [...this.chairTerms.values()]
      .sort((a, b) => b.startsOn.localeCompare(a.startsOn))
      .map(({ announcementLeaseUntil: _lease, ...term }) => ({ ...term }));
  }

  async recordChairTerm(term: ChairTerm, at: string) {
    if (this.chairTerms.has(term.startsOn)) return 'exists' as const;
    this.chairTerms.set(term.startsOn, { ...term, recordedAt: at, version: 1 });
    return 'recorded' as const;
  }

  async claimChairTermAnnouncement(startsOn: string, now: Date, leaseSeconds: number) {
    const term = this.chairTerms.get(startsOn);
    if (!term || term.announcedAt !== undefined) return false;
    if (term.announcementLeaseUntil !== undefined && term.announcementLeaseUntil >= now.getTime())
      return false;
    this.chairTerms.set(startsOn, { ...term, announcementLeaseUntil: now.getTime() + leaseSeconds * 1000 });
    return true;
  }

  async markChairTermAnnounced(startsOn: string, at: string) {
    const term = this.chairTerms.get(startsOn);
    if (!term) throw new Error(`No chair term starting ${startsOn}`);
    this.chairTerms.set(startsOn, { ...term, announcedAt: at });
  }

  async listPriorities(planYear?: string): Promise<Priority[]> {
    const years = planYear
      ? [this.planYears.get(planYear)]
      : [...this.planYears.values()].sort((a, b) => a.planYear.localeCompare(b.planYear));
    return years.flatMap((year) =>
      year ? year.titles.map((title, i) => ({ planYear: year.planYear, position: i + 1, title })) : [],
    );
  }

  async getPlanYear(planYear: string) {
    const year = this.planYears.get(planYear);
    return year && structuredClone(year);
  }

  async putPlanYear(year: Omit<PlanYear, 'version'>, expectedVersion: number | undefined, audit: AuditEntry) {
    if (this.planYears.get(year.planYear)?.version !== expectedVersion) throw new StaleVersion();
    this.planYears.set(year.planYear, { ...structuredClone(year), version: (expectedVersion ?? 0) + 1 });
    this.audit.entries.push(structuredClone(audit));
  }

  async appointChair(startsOn: string, organisationId: string, expectedVersion: number, audit: AuditEntry) {
    const term = this.chairTerms.get(startsOn);
    if (!term || term.version !== expectedVersion) throw new StaleVersion();
    this.chairTerms.set(startsOn, {
      ...term,
      organisationId,
      source: 'appointment',
      version: expectedVersion + 1,
    });
    this.audit.entries.push(structuredClone(audit));
  }

  async listAudit(entity: string) {
    return this.audit.of(entity);
  }

  async createMotion(motion: Omit<Motion, 'votes'>, meeting?: { id: string; date: string }) {
    if (this.motions.has(motion.id)) throw new Error(`Motion ${motion.id} exists`);
    // Both or neither: the meeting is checked before the motion is stored.
    if (meeting) this.records.addMotionToMeeting(meeting, motion.id);
    this.motions.set(motion.id, { ...structuredClone(motion), votes: [] });
  }

  async getMotion(id: string): Promise<Motion | undefined> {
    const motion = this.motions.get(id);
    if (!motion) return undefined;
    return {
      ...structuredClone(motion),
      // The adapter reads votes in key order: by organisation id.
      votes: [...motion.votes]
        .sort((a, b) => a.organisationId.localeCompare(b.organisationId))
        .map(({ organisationId, choice }) => ({ organisationId, choice })),
    };
  }

  async recordVote(motionId: string, vote: Vote, at: string) {
    const motion = this.motions.get(motionId);
    if (motion?.status !== 'open') return 'closed' as const;
    if (motion.votes.some((v) => v.organisationId === vote.organisationId)) return 'already-voted' as const;
    motion.votes.push({ organisationId: vote.organisationId, choice: vote.choice, at });
    return 'recorded' as const;
  }

  async closeMotion(id: string, at: string) {
    const motion = this.motions.get(id);
    if (motion?.status !== 'open') return false;
    this.motions.set(id, { ...motion, status: 'closed', closedAt: at });
    return true;
  }

  /** Puts an organisation as seeding does: at `position`, version 1. */
  putOrganisation(organisation: Organisation, position: number) {
    this.organisations.set(organisation.id, {
      organisation: structuredClone(organisation),
      position,
      version: 1,
    });
  }
}

/** An empty pair of repositories sharing one audit trail. */
export function anEmptyPartnership() {
  const records = new InMemoryRecords();
  const governance = new InMemoryGovernance(records);
  return { governance, records, audit: records.audit };
}

/**
 * Repositories holding a partnership's records as seeding writes them at `now` (by default Ashford's with its
 * enquiry-facing record), so the current chair term is recorded and already announced.
 */
export async function aSeededPartnership(
  now: Date,
  seed: GovernanceSeed = ASHFORD_GOVERNANCE,
  partnership: Partnership = ASHFORD.partnership,
) {
  const system = anEmptyPartnership();
  const { governance, records } = system;
  governance.partnership = structuredClone(partnership);
  governance.governanceProfile = structuredClone(seed.profile);
  for (const [position, organisation] of seed.organisations.entries())
    governance.putOrganisation(organisation, position);
  for (const { planYear, titles } of seed.priorities) {
    governance.planYears.set(planYear, {
      planYear,
      titles: [...titles],
      revisedOn: `${planYear.slice(0, 4)}-04-01`,
      version: 1,
    });
  }
  for (const assessment of seed.assessments) await records.putAssessment(assessment);
  for (const term of termsToRecord(
    rotationOf(seed.profile.chairPolicy, seed.profile.roles),
    undefined,
    ukDate(now),
  )) {
    await governance.recordChairTerm(term, now.toISOString());
    await governance.markChairTermAnnounced(term.startsOn, now.toISOString());
  }
  return system;
}

/**
 * The directory over in-memory repositories: the profile and organisations of `governance`, the agencies,
 * categories and routing of `referenceData`, one audit trail. Versions and conflicts as the adapter keeps them.
 */
export class InMemoryDirectory implements DirectoryRepository {
  readonly agencyVersions = new Map<string, number>();
  readonly categoryVersions = new Map<string, number>();
  /** How often the directory changed: what caches compare. */
  changes = 0;

  constructor(
    readonly governance: InMemoryGovernance,
    readonly referenceData: InMemoryReferenceData,
  ) {}

  private record(audit: AuditEntry) {
    this.governance.audit.entries.push(structuredClone(audit));
    this.changes++;
  }

  async getProfile() {
    return this.governance.getProfile();
  }

  async updateProfile(
    profile: Omit<PartnershipProfile, 'version'>,
    expectedVersion: number,
    audit: AuditEntry,
  ) {
    if (this.governance.profileVersion !== expectedVersion) throw new StaleVersion();
    const { area, description, roles, chairPolicy, quorum, meetingPattern, ...partnership } =
      structuredClone(profile);
    this.governance.partnership = partnership;
    this.governance.governanceProfile = { area, description, roles, chairPolicy, quorum, meetingPattern };
    this.governance.profileVersion++;
    this.record(audit);
  }

  async getOrganisation(id: string): Promise<Versioned<Organisation> | undefined> {
    const stored = this.governance.organisations.get(id);
    return stored && { ...structuredClone(stored.organisation), version: stored.version };
  }

  async countOrganisations() {
    return this.governance.organisations.size;
  }

  async createOrganisation(organisation: Organisation, position: number, audit: AuditEntry) {
    if (this.governance.organisations.has(organisation.id)) {
      throw new RecordConflict(`An organisation with id ${organisation.id} exists.`);
    }
    this.governance.putOrganisation(organisation, position);
    this.record(audit);
  }

  async updateOrganisation(organisation: Organisation, expectedVersion: number, audit: AuditEntry) {
    const stored = this.governance.organisations.get(organisation.id);
    if (stored?.version !== expectedVersion) throw new StaleVersion();
    this.governance.organisations.set(organisation.id, {
      organisation: structuredClone(organisation),
      position: stored.position,
      version: expectedVersion + 1,
    });
    this.record(audit);
  }

  async getAgency(id: string) {
    const agency = this.referenceData.agencies.find((a) => a.id === id);
    return (
      agency && {
        ...structuredClone(agency),
        version: this.agencyVersions.get(id) ?? 1,
        routingChanges: this.routingChangesNaming(id),
      }
    );
  }

  /** Routing changes naming the agency, as the adapter counts them on the agency's item. */
  private routingChangesNaming(id: string): number {
    return this.referenceData.routing.some((rule) => rule.agencyIds.includes(id))
      ? this.referenceData.directoryVersion
      : 0;
  }

  async createAgency(agency: Agency, audit: AuditEntry) {
    if (this.referenceData.agencies.some((a) => a.id === agency.id)) {
      throw new RecordConflict(`An agency with id ${agency.id} exists.`);
    }
    this.referenceData.agencies.push(structuredClone(agency));
    this.record(audit);
  }

  async updateAgency(
    agency: Agency,
    expectedVersion: number,
    audit: AuditEntry,
    routingChangesSeen?: number,
  ) {
    const index = this.referenceData.agencies.findIndex((a) => a.id === agency.id);
    if (index < 0 || (this.agencyVersions.get(agency.id) ?? 1) !== expectedVersion) throw new StaleVersion();
    if (routingChangesSeen !== undefined && this.routingChangesNaming(agency.id) !== routingChangesSeen) {
      throw new RecordConflict(
        'A routing rule was changed to name this agency while it was being deactivated.',
      );
    }
    this.referenceData.agencies[index] = structuredClone(agency);
    this.agencyVersions.set(agency.id, expectedVersion + 1);
    this.record(audit);
  }

  async getCategory(code: string): Promise<Versioned<PositionedCategory> | undefined> {
    const index = this.referenceData.categories.findIndex((c) => c.code === code);
    if (index < 0) return undefined;
    const category = this.referenceData.categories[index]!;
    const position = (category as Partial<PositionedCategory>).position ?? index;
    return { ...structuredClone(category), position, version: this.categoryVersions.get(code) ?? 1 };
  }

  async createCategory(category: PositionedCategory, audit: AuditEntry) {
    if (this.referenceData.categories.some((c) => c.code === category.code)) {
      throw new RecordConflict(`A category with code ${category.code} exists.`);
    }
    this.referenceData.categories.push(structuredClone(category));
    if (!this.referenceData.routing.some((r) => r.category === category.code)) {
      this.referenceData.routing.push({ category: category.code, agencyIds: [] });
    }
    this.record(audit);
  }

  async updateCategory(category: PositionedCategory, expectedVersion: number, audit: AuditEntry) {
    const index = this.referenceData.categories.findIndex((c) => c.code === category.code);
    if (index < 0 || (this.categoryVersions.get(category.code) ?? 1) !== expectedVersion)
      throw new StaleVersion();
    this.referenceData.categories[index] = structuredClone(category);
    this.categoryVersions.set(category.code, expectedVersion + 1);
    this.record(audit);
  }

  async listRoutingRules(): Promise<VersionedRoutingRule[]> {
    return Promise.all(
      this.referenceData.routing.map(
        async (rule) => (await this.referenceData.getRoutingRule(rule.category))!,
      ),
    );
  }
}

/**
 * Makes the next call of `method` run `interference` after it has read and before it returns, as a request
 * racing this one would: the caller then acts on what it read, which is already out of date.
 */
export function interfereAfterNext<T extends object>(
  target: T,
  method: keyof T & string,
  interference: () => Promise<unknown>,
): void {
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(target, method, {
    configurable: true,
    value: async (...args: unknown[]) => {
      Reflect.deleteProperty(target, method);
      const result = await original.apply(target, args);
      await interference();
      return result;
    },
  });
}

/** What `promise` rejected with, so a test can assert on the error's fields; fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a rejection, but the promise resolved');
}

// Builders.

/** Ashford's ids, so tests read as the partnership does. */
export const ABC = 'ashford-borough-council';
export const POLICE = 'kent-police';
export const FIRE = 'kent-fire-rescue';
/** An "other" partner: a member without voting rights. */
export const FORUM = 'ashford-domestic-abuse-forum';
/** An invited agency: attends, never votes. */
export const AGE_UK = 'age-uk';

export function anOrganisation(
  id: string,
  options: { kind?: PartnerKind; memberships?: Membership[]; csuAgency?: boolean; name?: string } = {},
): Organisation {
  return {
    id,
    name: options.name ?? `${id} name`,
    memberships: options.memberships ?? [{ kind: options.kind ?? 'statutory', startsOn: '2021-04-01' }],
    representatives: [
      { id: `${id}-rep`, name: `${id} representative`, role: 'Representative', email: `rep@${id}.example` },
    ],
    csuAgency: options.csuAgency ?? false,
  };
}

/** The yearly term starting 1 April `startYear`. */
export function aChairTerm(
  startYear: number,
  organisationId: string,
  source: ChairTerm['source'] = 'rotation',
): ChairTerm {
  return { startsOn: `${startYear}-04-01`, endsOn: `${startYear + 1}-04-01`, organisationId, source };
}

export const anAdmin = (subject = 'admin-1'): StaffPrincipal => ({ subject, roles: ['partnership-admin'] });

export const aRepresentativeOf = (
  organisationId: string,
  subject = `${organisationId}-rep`,
): StaffPrincipal => ({
  subject,
  roles: ['partner-representative'],
  organisationId,
});

export function anAction(overrides: Partial<Action> = {}): Action {
  const at = overrides.updates?.[0]?.at ?? '2026-05-01T09:00:00.000Z';
  return {
    id: 'action-1',
    planYear: '2021-22',
    priority: 1,
    title: 'Late-night town centre patrols',
    leadOrganisationId: POLICE,
    dueOn: '2026-12-31',
    status: 'not-started',
    rag: 'green',
    updates: [
      { at, actor: 'admin-1', note: 'Action added to the plan', status: 'not-started', rag: 'green' },
    ],
    version: 1,
    ...overrides,
  };
}

export function aMeeting(overrides: Partial<Meeting> = {}): Meeting {
  return {
    id: 'meeting-1',
    kind: 'partnership-board',
    date: '2026-12-10',
    attendees: [ABC, POLICE],
    agenda: ['Action plan review'],
    version: 1,
    ...overrides,
  };
}

export function anAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    entity: 'PLAN_YEAR#2026-27',
    action: 'create-plan-year',
    actor: 'admin-1',
    at: '2026-11-26T10:00:00.000Z',
    before: null,
    after: { titles: ['Tackling violence'] },
    ...overrides,
  };
}
