/** Reading and changing the action plan and meetings; every rule about them is checked here. */

import { randomUUID } from 'node:crypto';
import { ukDate } from '../dates.ts';
import { RecordNotFound, ValidationFailed } from '../errors.ts';
import type { GovernanceRepository } from '../governance-ports.ts';
import type { Clock } from '../ports.ts';
import type { Action, ActionStatus, Meeting, MeetingKind, RagRating, RecordsRepository } from '../records.ts';
import type { StaffPrincipal } from '../staff.ts';
import { versionFromEtag } from './governance-writes.ts';

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
