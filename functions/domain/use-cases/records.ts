/** Reading and changing the action plan and meetings; every rule about them is checked here. */

import { randomUUID } from 'node:crypto';
import { ukDate } from '../dates.ts';
import { AUDITED, auditEntryOf } from '../directory.ts';
import { RecordNotFound, ValidationFailed } from '../errors.ts';
import type { AuditEntry, GovernanceRepository } from '../governance-ports.ts';
import type { Clock } from '../ports.ts';
import {
  type Action,
  type ActionStatus,
  type Meeting,
  type MeetingKind,
  type PartnershipPlan,
  type PublishedDocument,
  planYearsOf,
  type RagRating,
  type RecordsRepository,
  type StrategicAssessment,
} from '../records.ts';
import type { StaffPrincipal } from '../staff.ts';
import { expectedVersionFor, versionFromEtag } from './governance-writes.ts';

export interface RecordsDeps {
  readonly records: RecordsRepository;
  readonly governance: Pick<GovernanceRepository, 'listPriorities' | 'listOrganisations'>;
  readonly clock: Clock;
}

/** The rolling action plan, optionally of one plan year, priority or status, by due date. */
export async function listActionPlan(
  records: Pick<RecordsRepository, 'listActions'>,
  filter: { planYear?: string; priority?: number; status?: ActionStatus },
): Promise<Action[]> {
  return (await records.listActions())
    .filter((a) => !filter.planYear || a.planYear === filter.planYear)
    .filter((a) => filter.priority === undefined || a.priority === filter.priority)
    .filter((a) => !filter.status || a.status === filter.status)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.title.localeCompare(b.title));
}

async function assertOrganisations(deps: RecordsDeps, field: string, ids: readonly string[]) {
  const known = new Set((await deps.governance.listOrganisations()).map((o) => o.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ValidationFailed(
      unknown.map((id) => ({ field, message: `${id} is not a partner organisation` })),
    );
  }
}

/** Adds an action to the plan, linked to an existing priority of its plan year. */
export async function createAction(
  deps: RecordsDeps,
  input: {
    principal: StaffPrincipal;
    planYear: string;
    priority: number;
    title: string;
    leadOrganisationId: string;
    dueOn: string;
  },
): Promise<Action> {
  const priorities = await deps.governance.listPriorities(input.planYear);
  if (!priorities.some((p) => p.position === input.priority)) {
    throw new ValidationFailed([{ field: 'priority', message: `is not a priority of ${input.planYear}` }]);
  }
  await assertOrganisations(deps, 'leadOrganisationId', [input.leadOrganisationId]);
  const at = deps.clock().toISOString();
  const action: Action = {
    id: randomUUID(),
    planYear: input.planYear,
    priority: input.priority,
    title: input.title,
    leadOrganisationId: input.leadOrganisationId,
    dueOn: input.dueOn,
    status: 'not-started',
    rag: 'green',
    updates: [
      {
        at,
        actor: input.principal.subject,
        note: 'Action added to the plan',
        status: 'not-started',
        rag: 'green',
      },
    ],
    version: 1,
  };
  await deps.records.createAction(action);
  return action;
}

/** Records progress on an action (status, RAG, note), keeping the history; refused if it changed since read. */
export async function updateAction(
  deps: RecordsDeps,
  input: {
    principal: StaffPrincipal;
    id: string;
    ifMatch?: string;
    note: string;
    status?: ActionStatus;
    rag?: RagRating;
  },
): Promise<Action> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const current = await deps.records.getAction(input.id);
  if (!current) throw new RecordNotFound('Action');
  const at = deps.clock().toISOString();
  const status = input.status ?? current.status;
  const rag = input.rag ?? current.rag;
  const updated: Action = {
    ...current,
    status,
    rag,
    updates: [...current.updates, { at, actor: input.principal.subject, note: input.note, status, rag }],
    version: expectedVersion + 1,
  };
  await deps.records.updateAction(updated, expectedVersion, {
    entity: `ACTION#${current.id}`,
    action: 'update-action',
    actor: input.principal.subject,
    at,
    before: { status: current.status, rag: current.rag },
    after: { status, rag, note: input.note },
  });
  return updated;
}

/** Schedules a meeting; attendees are partner organisations. */
export async function createMeeting(
  deps: RecordsDeps,
  input: { kind: MeetingKind; date: string; attendees: string[]; agenda: string[] },
): Promise<Meeting> {
  await assertOrganisations(deps, 'attendees', input.attendees);
  const meeting: Meeting = {
    id: randomUUID(),
    ...input,
    attendees: [...new Set(input.attendees)],
    version: 1,
  };
  await deps.records.putMeeting(meeting);
  return meeting;
}

/** Publishes a meeting's minutes, or corrects them, if the meeting has not changed since read; audited. */
export async function publishMinutes(
  deps: RecordsDeps,
  input: { principal: StaffPrincipal; id: string; text: string; ifMatch?: string },
): Promise<Meeting> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const meeting = await deps.records.getMeeting(input.id);
  if (!meeting) throw new RecordNotFound('Meeting');
  const minutes = { publishedOn: ukDate(deps.clock()), text: input.text };
  await deps.records.setMinutes(meeting, minutes, expectedVersion, {
    entity: `MEETING#${meeting.id}`,
    action: meeting.minutes ? 'correct-minutes' : 'publish-minutes',
    actor: input.principal.subject,
    at: deps.clock().toISOString(),
    before: meeting.minutes ?? null,
    after: minutes,
  });
  return { ...meeting, minutes, version: expectedVersion + 1 };
}

/** Records a published document, e.g. the rolling action plan's PDF, with where it is and its size. */
export async function recordDocument(
  deps: Pick<RecordsDeps, 'records' | 'clock'>,
  input: { principal: StaffPrincipal } & Omit<PublishedDocument, 'id'>,
): Promise<PublishedDocument> {
  const { principal, ...fields } = input;
  const document: PublishedDocument = { id: randomUUID(), ...fields };
  await deps.records.addDocument(
    document,
    auditEntryOf(principal, deps.clock(), {
      entity: AUDITED.document(document.id),
      action: 'record-document',
      before: null,
      after: document,
    }),
  );
  return document;
}

async function assertDocument(deps: Pick<RecordsDeps, 'records'>, documentId: string | undefined) {
  if (documentId && !(await deps.records.getDocument(documentId))) {
    throw new ValidationFailed([
      { field: 'documentId', message: 'is not a document on record (POST /documents)' },
    ]);
  }
}

/**
 * Creates `record` (absent `existing`) or revises it at the version If-Match names, through `save`, with the
 * audit entry of `entity` under the action that says which it was.
 */
async function createOrRevise<T extends object>(
  deps: Pick<RecordsDeps, 'clock'>,
  input: { principal: StaffPrincipal; ifMatch?: string },
  change: {
    record: T;
    existing: (T & { version: number }) | undefined;
    entity: string;
    actions: { create: string; revise: string };
    save: (expectedVersion: number | undefined, audit: AuditEntry) => Promise<void>;
  },
): Promise<T & { version: number }> {
  const expectedVersion = expectedVersionFor(change.existing, input.ifMatch);
  const { version: _version, ...before } = change.existing ?? { version: 0 };
  await change.save(
    expectedVersion,
    auditEntryOf(input.principal, deps.clock(), {
      entity: change.entity,
      action: change.existing ? change.actions.revise : change.actions.create,
      before: change.existing ? before : null,
      after: change.record,
    }),
  );
  return { ...change.record, version: (expectedVersion ?? 0) + 1 };
}

/**
 * Records a partnership plan, or revises it (If-Match with the version read): one set of priorities for each
 * plan year of its period, no more, no fewer. Audited.
 */
export async function savePlan(
  deps: Pick<RecordsDeps, 'records' | 'clock'>,
  input: { principal: StaffPrincipal; plan: PartnershipPlan; ifMatch?: string },
): Promise<PartnershipPlan & { version: number }> {
  const { plan } = input;
  const expected = planYearsOf(plan.period);
  const given = plan.years.map((y) => y.planYear);
  if (JSON.stringify(given) !== JSON.stringify(expected)) {
    throw new ValidationFailed([{ field: 'years', message: `must give ${expected.join(', ')} in order` }]);
  }
  await assertDocument(deps, plan.documentId);
  return createOrRevise(deps, input, {
    record: plan,
    existing: (await deps.records.listPlans()).find((p) => p.period === plan.period),
    entity: AUDITED.plan(plan.period),
    actions: { create: 'adopt-plan', revise: 'revise-plan' },
    save: (expectedVersion, audit) => deps.records.savePlan(plan, expectedVersion, audit),
  });
}

/** Records a plan year's strategic assessment, or replaces it (If-Match with the version read). Audited. */
export async function saveAssessment(
  deps: Pick<RecordsDeps, 'records' | 'clock'>,
  input: { principal: StaffPrincipal; assessment: StrategicAssessment; ifMatch?: string },
): Promise<StrategicAssessment & { version: number }> {
  const { assessment } = input;
  await assertDocument(deps, assessment.documentId);
  return createOrRevise(deps, input, {
    record: assessment,
    existing: (await deps.records.listAssessments()).find((a) => a.planYear === assessment.planYear),
    entity: AUDITED.assessment(assessment.planYear),
    actions: { create: 'publish-assessment', revise: 'revise-assessment' },
    save: (expectedVersion, audit) => deps.records.saveAssessment(assessment, expectedVersion, audit),
  });
}
