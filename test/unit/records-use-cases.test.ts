/**
 * The records use cases (action plan and meetings) against in-memory repositories seeded with Ashford: each test
 * checks what is stored and what the audit trail holds.
 */
import { describe, expect, it } from 'vitest';
import {
  PreconditionRequired,
  RecordNotFound,
  StaleVersion,
  ValidationFailed,
} from '../../functions/domain/errors.ts';
import { createMotion } from '../../functions/domain/use-cases/governance-writes.ts';
import {
  createAction,
  createMeeting,
  listActionPlan,
  publishMinutes,
  updateAction,
} from '../../functions/domain/use-cases/records.ts';
import {
  ABC,
  anAction,
  anAdmin,
  aSeededPartnership,
  FORUM,
  interfereAfterNext,
  POLICE,
  rejectionOf,
} from '../support/in-memory-governance.ts';
import { aClock } from '../support/in-memory-ports.ts';

const NOW = '2026-11-26T10:00:00.000Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ashford as seeded at `now`, with the 2021-22 plan's four priorities. */
async function ashford(now = NOW) {
  const clock = aClock(now);
  const system = await aSeededPartnership(clock());
  return { ...system, clock, deps: { records: system.records, governance: system.governance, clock } };
}

describe('listActionPlan', () => {
  async function aPlan() {
    const system = await ashford();
    const actions = {
      patrols: anAction({ id: 'a1', title: 'B patrols', dueOn: '2026-12-31', status: 'in-progress' }),
      refuge: anAction({ id: 'a2', priority: 2, title: 'A refuge', dueOn: '2026-06-30' }),
      cctv: anAction({ id: 'a3', title: 'A CCTV', dueOn: '2026-12-31', status: 'complete' }),
      youth: anAction({
        id: 'a4',
        planYear: '2022-23',
        title: 'Z youth',
        dueOn: '2026-01-15',
        status: 'in-progress',
      }),
    };
    for (const action of Object.values(actions)) await system.records.createAction(action);
    const titles = async (filter: Parameters<typeof listActionPlan>[1]) =>
      (await listActionPlan(system.records, filter)).map((a) => a.title);
    return { ...system, actions, titles };
  }

  it('lists every action by due date, then title', async () => {
    const { records, actions } = await aPlan();

    const plan = await listActionPlan(records, {});

    expect(plan).toEqual([actions.youth, actions.refuge, actions.cctv, actions.patrols]);
  });

  it('filters by plan year, priority and status, alone or together', async () => {
    const { titles } = await aPlan();

    expect(await titles({ planYear: '2021-22' })).toEqual(['A refuge', 'A CCTV', 'B patrols']);
    expect(await titles({ priority: 1 })).toEqual(['Z youth', 'A CCTV', 'B patrols']);
    expect(await titles({ priority: 2 })).toEqual(['A refuge']);
    expect(await titles({ status: 'in-progress' })).toEqual(['Z youth', 'B patrols']);
    expect(await titles({ planYear: '2021-22', priority: 1, status: 'complete' })).toEqual(['A CCTV']);
    expect(await titles({ planYear: '2030-31' })).toEqual([]);
  });
});

describe('createAction', () => {
  const input = {
    principal: anAdmin('admin-2'),
    planYear: '2021-22',
    priority: 4,
    title: 'Relaunch neighbourhood watch',
    leadOrganisationId: 'tenterden-town-council',
    dueOn: '2027-03-31',
  };

  it('adds a not-started, green action at version 1, its history opened by the caller', async () => {
    const { deps, records } = await ashford();

    const action = await createAction(deps, input);

    expect(action).toStrictEqual({
      id: expect.stringMatching(UUID),
      planYear: '2021-22',
      priority: 4,
      title: 'Relaunch neighbourhood watch',
      leadOrganisationId: 'tenterden-town-council',
      dueOn: '2027-03-31',
      status: 'not-started',
      rag: 'green',
      updates: [
        { at: NOW, actor: 'admin-2', note: 'Action added to the plan', status: 'not-started', rag: 'green' },
      ],
      version: 1,
    });
    expect(await records.getAction(action.id)).toEqual(action);
  });

  it.each([
    ['before the first', '2021-22', 0],
    ['after the last', '2021-22', 5],
    ['of a plan year without priorities', '2022-23', 1],
  ])('refuses a priority %s, storing nothing', async (_, planYear, priority) => {
    const { deps, records } = await ashford();

    const error = await rejectionOf(createAction(deps, { ...input, planYear, priority }));

    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).violations).toEqual([
      { field: 'priority', message: `is not a priority of ${planYear}` },
    ]);
    expect(await records.listActions()).toEqual([]);
  });

  it('refuses a lead that is not a partner organisation, storing nothing', async () => {
    const { deps, records } = await ashford();

    const error = await rejectionOf(createAction(deps, { ...input, leadOrganisationId: 'ghost' }));

    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).violations).toEqual([
      { field: 'leadOrganisationId', message: 'ghost is not a partner organisation' },
    ]);
    expect(await records.listActions()).toEqual([]);
  });
});

describe('updateAction', () => {
  async function anAshfordAction() {
    const system = await ashford();
    const action = await createAction(system.deps, {
      principal: anAdmin(),
      planYear: '2021-22',
      priority: 1,
      title: 'Late-night patrols',
      leadOrganisationId: POLICE,
      dueOn: '2026-12-31',
    });
    return { ...system, action };
  }

  it('records progress at the version read: new status, RAG and note in the history, with an audit entry', async () => {
    const { deps, records, clock, action } = await anAshfordAction();
    clock.advance(3600);

    const updated = await updateAction(deps, {
      principal: anAdmin('inspector'),
      id: action.id,
      ifMatch: '"1"',
      note: 'Patrols started on Fridays',
      status: 'in-progress',
      rag: 'amber',
    });

    const progress = {
      at: '2026-11-26T11:00:00.000Z',
      actor: 'inspector',
      note: 'Patrols started on Fridays',
      status: 'in-progress',
      rag: 'amber',
    } as const;
    expect(updated).toStrictEqual({
      ...action,
      status: 'in-progress',
      rag: 'amber',
      updates: [...action.updates, progress],
      version: 2,
    });
    expect(await records.getAction(action.id)).toEqual(updated);
    expect(await records.listActions()).toEqual([{ ...updated, updates: [progress] }]);
    expect(await deps.governance.listAudit(`ACTION#${action.id}`)).toEqual([
      {
        entity: `ACTION#${action.id}`,
        action: 'update-action',
        actor: 'inspector',
        at: '2026-11-26T11:00:00.000Z',
        before: { status: 'not-started', rag: 'green' },
        after: { status: 'in-progress', rag: 'amber', note: 'Patrols started on Fridays' },
      },
    ]);
  });

  it('keeps the status and RAG when only a note is given, and keeps the whole history in order', async () => {
    const { deps, records, clock, action } = await anAshfordAction();
    await updateAction(deps, {
      principal: anAdmin(),
      id: action.id,
      ifMatch: '"1"',
      note: 'Red',
      rag: 'red',
    });
    clock.advance(60);
    await updateAction(deps, {
      principal: anAdmin(),
      id: action.id,
      ifMatch: '"2"',
      note: 'Done',
      status: 'complete',
    });
    clock.advance(60);

    const updated = await updateAction(deps, {
      principal: anAdmin(),
      id: action.id,
      ifMatch: '"3"',
      note: 'Signed off',
    });

    expect(updated).toMatchObject({ status: 'complete', rag: 'red', version: 4 });
    expect((await records.getAction(action.id))?.updates.map((u) => [u.note, u.status, u.rag])).toEqual([
      ['Action added to the plan', 'not-started', 'green'],
      ['Red', 'not-started', 'red'],
      ['Done', 'complete', 'red'],
      ['Signed off', 'complete', 'red'],
    ]);
    expect((await deps.governance.listAudit(`ACTION#${action.id}`)).map((e) => e.after)).toEqual([
      { status: 'complete', rag: 'red', note: 'Signed off' },
      { status: 'complete', rag: 'red', note: 'Done' },
      { status: 'not-started', rag: 'red', note: 'Red' },
    ]);
  });

  it.each([
    ['without If-Match', undefined, PreconditionRequired],
    ['at a version since replaced', '"1"', StaleVersion],
    ['at a version it never had', '"7"', StaleVersion],
    ['with a weak ETag', 'W/"2"', ValidationFailed],
  ])('changes nothing %s', async (_, ifMatch, refusal) => {
    const { deps, records, audit, action } = await anAshfordAction();
    await updateAction(deps, {
      principal: anAdmin(),
      id: action.id,
      ifMatch: '"1"',
      note: 'First',
      rag: 'amber',
    });

    const error = await rejectionOf(
      updateAction(deps, { principal: anAdmin(), id: action.id, ifMatch, note: 'Lost', status: 'cancelled' }),
    );

    expect(error).toBeInstanceOf(refusal);
    expect(await records.getAction(action.id)).toMatchObject({
      status: 'not-started',
      rag: 'amber',
      version: 2,
    });
    expect((await records.getAction(action.id))?.updates.map((u) => u.note)).toEqual([
      'Action added to the plan',
      'First',
    ]);
    expect(audit.entries).toHaveLength(1);
  });

  it('says when the action does not exist', async () => {
    const { deps } = await ashford();

    const error = await rejectionOf(
      updateAction(deps, { principal: anAdmin(), id: 'no-such-action', ifMatch: '"1"', note: 'x' }),
    );

    expect(error).toBeInstanceOf(RecordNotFound);
    expect(error).toMatchObject({ what: 'Action' });
  });

  it('refuses the slower of two updates made from the same read', async () => {
    const { deps, records, action } = await anAshfordAction();
    interfereAfterNext(records, 'getAction', () =>
      updateAction(deps, { principal: anAdmin('fast'), id: action.id, ifMatch: '"1"', note: 'Fast' }),
    );

    const error = await rejectionOf(
      updateAction(deps, { principal: anAdmin('slow'), id: action.id, ifMatch: '"1"', note: 'Slow' }),
    );

    expect(error).toBeInstanceOf(StaleVersion);
    expect((await records.getAction(action.id))?.updates.map((u) => u.note)).toEqual([
      'Action added to the plan',
      'Fast',
    ]);
    expect((await deps.governance.listAudit(`ACTION#${action.id}`)).map((e) => e.actor)).toEqual(['fast']);
  });
});

describe('createMeeting', () => {
  it('schedules a meeting at version 1, each attendee once', async () => {
    const { deps, records } = await ashford();

    const meeting = await createMeeting(deps, {
      kind: 'partnership-board',
      date: '2026-12-10',
      attendees: [ABC, POLICE, ABC, FORUM],
      agenda: ['Action plan review', 'Any other business'],
    });

    expect(meeting).toStrictEqual({
      id: expect.stringMatching(UUID),
      kind: 'partnership-board',
      date: '2026-12-10',
      attendees: [ABC, POLICE, FORUM],
      agenda: ['Action plan review', 'Any other business'],
      version: 1,
    });
    expect(await records.listMeetings()).toEqual([meeting]);
  });

  it('refuses attendees that are not partner organisations, naming each, and stores nothing', async () => {
    const { deps, records } = await ashford();

    const error = await rejectionOf(
      createMeeting(deps, {
        kind: 'csu-monthly',
        date: '2026-12-03',
        attendees: ['ghost', POLICE, 'phantom'],
        agenda: [],
      }),
    );

    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).violations).toEqual([
      { field: 'attendees', message: 'ghost is not a partner organisation' },
      { field: 'attendees', message: 'phantom is not a partner organisation' },
    ]);
    expect(await records.listMeetings()).toEqual([]);
  });
});

describe('publishMinutes', () => {
  async function aBoardMeeting(now = NOW) {
    const system = await ashford(now);
    const meeting = await createMeeting(system.deps, {
      kind: 'partnership-board',
      date: '2026-12-10',
      attendees: [ABC, POLICE],
      agenda: ['Action plan review'],
    });
    return { ...system, meeting };
  }

  it('publishes the minutes at the version read, dated today, with an audit entry', async () => {
    const { deps, records, clock, meeting } = await aBoardMeeting();
    clock.advance(60);

    const published = await publishMinutes(deps, {
      principal: anAdmin('clerk'),
      id: meeting.id,
      text: 'Present: ABC, Kent Police.',
      ifMatch: '"1"',
    });

    const minutes = { publishedOn: '2026-11-26', text: 'Present: ABC, Kent Police.' };
    expect(published).toStrictEqual({ ...meeting, minutes, version: 2 });
    expect(await records.getMeeting(meeting.id)).toEqual(published);
    expect(await deps.governance.listAudit(`MEETING#${meeting.id}`)).toEqual([
      {
        entity: `MEETING#${meeting.id}`,
        action: 'publish-minutes',
        actor: 'clerk',
        at: '2026-11-26T10:01:00.000Z',
        before: null,
        after: minutes,
      },
    ]);
  });

  it('corrects published minutes, keeping what they said before in the audit trail', async () => {
    const { deps, records, clock, meeting } = await aBoardMeeting();
    await publishMinutes(deps, { principal: anAdmin(), id: meeting.id, text: 'Draft', ifMatch: '"1"' });
    clock.advance(86_400);

    const corrected = await publishMinutes(deps, {
      principal: anAdmin('chair'),
      id: meeting.id,
      text: 'Corrected',
      ifMatch: '"2"',
    });

    expect(corrected).toMatchObject({
      minutes: { publishedOn: '2026-11-27', text: 'Corrected' },
      version: 3,
    });
    expect(await records.getMeeting(meeting.id)).toMatchObject({
      minutes: { text: 'Corrected' },
      version: 3,
    });
    expect(await deps.governance.listAudit(`MEETING#${meeting.id}`)).toEqual([
      {
        entity: `MEETING#${meeting.id}`,
        action: 'correct-minutes',
        actor: 'chair',
        at: '2026-11-27T10:00:00.000Z',
        before: { publishedOn: '2026-11-26', text: 'Draft' },
        after: { publishedOn: '2026-11-27', text: 'Corrected' },
      },
      expect.objectContaining({
        action: 'publish-minutes',
        after: { publishedOn: '2026-11-26', text: 'Draft' },
      }),
    ]);
  });

  it('dates the minutes on the UK calendar', async () => {
    const { deps, meeting } = await aBoardMeeting('2027-03-31T23:30:00.000Z');

    const published = await publishMinutes(deps, {
      principal: anAdmin(),
      id: meeting.id,
      text: 'T',
      ifMatch: '"1"',
    });

    expect(published.minutes).toEqual({ publishedOn: '2027-04-01', text: 'T' });
  });

  it.each([
    ['without If-Match', undefined, PreconditionRequired],
    ['at a version since replaced', '"1"', StaleVersion],
    ['with an ETag this API did not return', '"two"', ValidationFailed],
  ])('changes nothing %s', async (_, ifMatch, refusal) => {
    const { deps, records, audit, meeting } = await aBoardMeeting();
    await publishMinutes(deps, { principal: anAdmin(), id: meeting.id, text: 'First', ifMatch: '"1"' });

    const error = await rejectionOf(
      publishMinutes(deps, { principal: anAdmin(), id: meeting.id, text: 'Lost', ifMatch }),
    );

    expect(error).toBeInstanceOf(refusal);
    expect(await records.getMeeting(meeting.id)).toMatchObject({ minutes: { text: 'First' }, version: 2 });
    expect(audit.entries).toHaveLength(1);
  });

  it('says when the meeting does not exist', async () => {
    const { deps } = await ashford();

    const error = await rejectionOf(
      publishMinutes(deps, { principal: anAdmin(), id: 'no-such-meeting', text: 'x', ifMatch: '"1"' }),
    );

    expect(error).toBeInstanceOf(RecordNotFound);
    expect(error).toMatchObject({ what: 'Meeting' });
  });

  it('keeps motions put to the meeting since its ETag was read: listing a motion is not an edit', async () => {
    const { deps, records, meeting } = await aBoardMeeting();
    const motion = await createMotion(deps, { title: 'Adopt the plan', meetingId: meeting.id });

    await publishMinutes(deps, {
      principal: anAdmin(),
      id: meeting.id,
      text: 'Motion carried',
      ifMatch: '"1"',
    });

    expect(await records.getMeeting(meeting.id)).toMatchObject({
      motionIds: [motion.id],
      minutes: { text: 'Motion carried' },
      version: 2,
    });
  });

  it('refuses the slower of two editors who read the same version', async () => {
    const { deps, records, meeting } = await aBoardMeeting();
    interfereAfterNext(records, 'getMeeting', () =>
      publishMinutes(deps, { principal: anAdmin('fast'), id: meeting.id, text: 'Fast', ifMatch: '"1"' }),
    );

    const error = await rejectionOf(
      publishMinutes(deps, { principal: anAdmin('slow'), id: meeting.id, text: 'Slow', ifMatch: '"1"' }),
    );

    expect(error).toBeInstanceOf(StaleVersion);
    expect(await records.getMeeting(meeting.id)).toMatchObject({ minutes: { text: 'Fast' }, version: 2 });
    expect((await deps.governance.listAudit(`MEETING#${meeting.id}`)).map((e) => e.actor)).toEqual(['fast']);
  });
});
