/**
 * DynamoDbRecordsRepository against DynamoDB Local: assessments, the action plan with its history in items of
 * their own, and meetings, with versioned changes written together with their audit entry or not at all. Each
 * test has a table of its own, so partition-wide lists see only what the test wrote.
 */
import { describe, expect, it } from 'vitest';
import { StaleVersion } from '../../functions/domain/errors.ts';
import type { Action, ActionUpdate } from '../../functions/domain/records.ts';
import { ASHFORD_GOVERNANCE } from '../../scripts/seed/ashford.ts';
import { freshGovernanceRepositories } from '../support/dynamodb.ts';
import { ABC, aMeeting, anAction, anAuditEntry, POLICE } from '../support/in-memory-governance.ts';

const NOW = '2026-11-26T10:00:00.000Z';

const anUpdate = (at: string, note: string, overrides: Partial<ActionUpdate> = {}): ActionUpdate => ({
  at,
  actor: 'inspector',
  note,
  status: 'in-progress',
  rag: 'amber',
  ...overrides,
});

/** The action after one more update, as the use case builds it. */
const progressed = (action: Action, update: ActionUpdate): Action => ({
  ...action,
  status: update.status,
  rag: update.rag,
  updates: [...action.updates, update],
  version: action.version + 1,
});

const actionAudit = (id: string, actor = 'inspector') =>
  anAuditEntry({ entity: `ACTION#${id}`, action: 'update-action', actor, before: null, after: null });

const minutesAudit = (id: string, actor = 'clerk') =>
  anAuditEntry({ entity: `MEETING#${id}`, action: 'publish-minutes', actor, before: null, after: null });

describe('assessments', () => {
  it('lists assessments newest plan year first; a revision needs the version read, with its audit entry', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const [ashford] = ASHFORD_GOVERNANCE.assessments;
    const later = {
      planYear: '2022-23',
      publishedOn: '2022-03-15',
      summary: 'Second assessment',
      findings: ['Retail crime'],
      documentUrl: 'https://example.org/sa-2022-23.pdf',
    };
    await records.saveAssessment(later, undefined, anAuditEntry({ entity: 'ASSESSMENT#2022-23' }));
    await records.saveAssessment(
      { ...ashford!, summary: 'Draft' },
      undefined,
      anAuditEntry({ entity: 'ASSESSMENT#2021-22' }),
    );

    await records.saveAssessment(
      ashford!,
      1,
      anAuditEntry({ entity: 'ASSESSMENT#2021-22', action: 'revise', at: '2030-01-01T00:00:00.000Z' }),
    );
    const stale = records.saveAssessment(ashford!, 1, anAuditEntry({ entity: 'ASSESSMENT#2021-22' }));
    const again = records.saveAssessment(later, undefined, anAuditEntry({ entity: 'ASSESSMENT#2022-23' }));

    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    await expect(again).rejects.toBeInstanceOf(StaleVersion);
    expect(await records.listAssessments()).toEqual([
      { ...later, version: 1 },
      { ...ashford, version: 2 },
    ]);
    expect((await governance.listAudit('ASSESSMENT#2021-22')).map((e) => e.action)).toEqual([
      'revise',
      anAuditEntry().action,
    ]);
  });
});

describe('documents and plans', () => {
  const aDocument = (id: string, publishedOn: string) => ({
    id,
    title: `Document ${id}`,
    kind: 'action-plan' as const,
    url: `https://www.ashford.gov.example/${id}.pdf`,
    sizeBytes: 579 * 1024,
    mediaType: 'application/pdf',
    publishedOn,
  });

  it('lists documents newest first and finds one by id', async () => {
    const { records } = await freshGovernanceRepositories();
    await records.addDocument(aDocument('older', '2021-04-01'), anAuditEntry({ entity: 'DOCUMENT#older' }));
    await records.addDocument(aDocument('newer', '2024-06-01'), anAuditEntry({ entity: 'DOCUMENT#newer' }));

    expect((await records.listDocuments()).map((d) => d.id)).toEqual(['newer', 'older']);
    expect(await records.getDocument('older')).toEqual(aDocument('older', '2021-04-01'));
    expect(await records.getDocument('missing')).toBeUndefined();
  });

  it('adopts a plan once and revises it at the version read', async () => {
    const { records } = await freshGovernanceRepositories();
    const plan = {
      period: '2024-27',
      title: 'Plan',
      adoptedOn: '2024-05-20',
      years: ['2024-25', '2025-26', '2026-27'].map((planYear) => ({ planYear, priorities: ['Violence'] })),
    };
    await records.savePlan(plan, undefined, anAuditEntry());

    await records.savePlan({ ...plan, title: 'Plan, revised' }, 1, anAuditEntry());

    await expect(records.savePlan(plan, undefined, anAuditEntry())).rejects.toBeInstanceOf(StaleVersion);
    await expect(records.savePlan(plan, 1, anAuditEntry())).rejects.toBeInstanceOf(StaleVersion);
    expect(await records.listPlans()).toEqual([{ ...plan, title: 'Plan, revised', version: 2 }]);
  });
});

describe('actions', () => {
  it('creates an action with its history, read back whole; the list carries only the latest update', async () => {
    const { records } = await freshGovernanceRepositories();
    const action = anAction({
      id: 'a1',
      updates: [
        anUpdate('2026-05-01T09:00:00.000Z', 'Added'),
        anUpdate('2026-05-02T09:00:00.000Z', 'Started'),
      ],
    });

    await records.createAction(action);

    expect(await records.getAction('a1')).toEqual(action);
    expect(await records.listActions()).toEqual([
      { ...action, updates: [anUpdate('2026-05-02T09:00:00.000Z', 'Started')] },
    ]);
    expect(await records.getAction('no-such-action')).toBeUndefined();
  });

  it('lists every action, by id', async () => {
    const { records } = await freshGovernanceRepositories();
    for (const id of ['c', 'a', 'b']) await records.createAction(anAction({ id, title: id.toUpperCase() }));

    const actions = await records.listActions();

    expect(actions.map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a second action with the same id, leaving the first and its history as they were', async () => {
    const { records } = await freshGovernanceRepositories();
    const original = anAction({ id: 'a1' });
    await records.createAction(original);

    const duplicate = records.createAction(
      anAction({ id: 'a1', title: 'Impostor', updates: [anUpdate(NOW, 'Impostor')] }),
    );

    await expect(duplicate).rejects.toThrow();
    expect(await records.getAction('a1')).toEqual(original);
  });

  it('updates an action at the version read, adding the new update to its history, with its audit entry', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const action = anAction({ id: 'a1' });
    await records.createAction(action);
    const update = anUpdate(NOW, 'Patrols started');
    const audit = actionAudit('a1');

    await records.updateAction(progressed(action, update), 1, audit);

    expect(await records.getAction('a1')).toEqual(progressed(action, update));
    expect(await records.listActions()).toEqual([{ ...progressed(action, update), updates: [update] }]);
    expect(await governance.listAudit('ACTION#a1')).toEqual([audit]);
  });

  it('writes only the newest update: the history already holds the earlier ones', async () => {
    const { records } = await freshGovernanceRepositories();
    const action = anAction({ id: 'a1' });
    await records.createAction(action);
    const update = anUpdate(NOW, 'Only this one is new');

    await records.updateAction({ ...progressed(action, update), updates: [update] }, 1, actionAudit('a1'));

    expect((await records.getAction('a1'))?.updates).toEqual([...action.updates, update]);
  });

  it('is stale at any other version, writing neither the action, nor the update, nor the audit entry', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const action = anAction({ id: 'a1' });
    await records.createAction(action);
    const first = progressed(action, anUpdate(NOW, 'First'));
    await records.updateAction(first, 1, actionAudit('a1', 'first'));

    const stale = records.updateAction(
      progressed(action, anUpdate('2026-11-26T11:00:00.000Z', 'Lost', { status: 'cancelled' })),
      1,
      actionAudit('a1', 'late'),
    );

    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    expect(await records.getAction('a1')).toEqual(first);
    expect((await governance.listAudit('ACTION#a1')).map((e) => e.actor)).toEqual(['first']);
  });

  it('is stale for an action never created, and creates nothing', async () => {
    const { records, governance } = await freshGovernanceRepositories();

    const update = records.updateAction(anAction({ id: 'ghost', version: 2 }), 1, actionAudit('ghost'));

    await expect(update).rejects.toBeInstanceOf(StaleVersion);
    expect(await records.getAction('ghost')).toBeUndefined();
    expect(await records.listActions()).toEqual([]);
    expect(await governance.listAudit('ACTION#ghost')).toEqual([]);
  });

  it('lets one of several concurrent updates from the same version win', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const action = anAction({ id: 'a1' });
    await records.createAction(action);
    const notes = ['one', 'two', 'three'];

    const outcomes = await Promise.allSettled(
      notes.map((note) =>
        records.updateAction(progressed(action, anUpdate(NOW, note)), 1, actionAudit('a1', note)),
      ),
    );

    const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [notes[i]] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(StaleVersion);
    expect((await records.getAction('a1'))?.updates.map((u) => u.note)).toEqual([
      'Action added to the plan',
      winners[0],
    ]);
    expect((await governance.listAudit('ACTION#a1')).map((e) => e.actor)).toEqual(winners);
  });

  it('reads a history longer than one page of results, oldest first', async () => {
    const { records } = await freshGovernanceRepositories();
    // DynamoDB returns at most 1 MB per query page: four updates of 350 kB take two pages.
    const long = 'x'.repeat(350_000);
    let action = anAction({ id: 'a1' });
    await records.createAction(action);
    for (let hour = 1; hour <= 4; hour++) {
      const next = progressed(action, anUpdate(`2026-11-26T1${hour}:00:00.000Z`, `${hour} ${long}`));
      await records.updateAction(next, action.version, actionAudit('a1'));
      action = next;
    }

    const history = (await records.getAction('a1'))?.updates;

    expect(history?.map((u) => u.note.slice(0, 1))).toEqual(['A', '1', '2', '3', '4']);
  });
});

describe('meetings', () => {
  it('lists meetings newest first, and reads one by id', async () => {
    const { records } = await freshGovernanceRepositories();
    const december = aMeeting({ id: 'm-dec', date: '2026-12-10' });
    const october = aMeeting({ id: 'm-oct', date: '2026-10-08', kind: 'csu-monthly' });
    const march = aMeeting({
      id: 'm-mar',
      date: '2027-03-18',
      kind: 'annual-public-meeting',
      minutes: { publishedOn: '2027-03-25', text: 'Held in public' },
      version: 2,
    });
    for (const meeting of [december, october, march]) await records.putMeeting(meeting);

    expect(await records.listMeetings()).toEqual([march, december, october]);
    expect(await records.getMeeting('m-oct')).toEqual(october);
    expect(await records.getMeeting('no-such-meeting')).toBeUndefined();
  });

  it('sets minutes at the version read, with the audit entry, keeping motions listed meanwhile', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const meeting = aMeeting({ id: 'm1' });
    await records.putMeeting(meeting);
    await governance.createMotion(
      { id: 'motion-1', title: 'T', quorum: 1, status: 'open', createdAt: NOW, meetingId: 'm1' },
      { id: 'm1', date: meeting.date },
    );
    const minutes = { publishedOn: '2026-12-11', text: 'Motion carried' };
    const audit = minutesAudit('m1');

    await records.setMinutes(meeting, minutes, 1, audit);

    expect(await records.getMeeting('m1')).toEqual({
      ...meeting,
      motionIds: ['motion-1'],
      minutes,
      version: 2,
    });
    expect(await governance.listAudit('MEETING#m1')).toEqual([audit]);
  });

  it('corrects minutes at the next version, keeping each change in the audit trail, newest first', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const meeting = aMeeting({ id: 'm1' });
    await records.putMeeting(meeting);
    await records.setMinutes(
      meeting,
      { publishedOn: '2026-12-11', text: 'Draft' },
      1,
      minutesAudit('m1', 'clerk'),
    );

    await records.setMinutes(
      meeting,
      { publishedOn: '2026-12-12', text: 'Corrected' },
      2,
      anAuditEntry({ entity: 'MEETING#m1', actor: 'chair', at: '2026-11-26T11:00:00.000Z' }),
    );

    expect(await records.getMeeting('m1')).toMatchObject({ minutes: { text: 'Corrected' }, version: 3 });
    expect((await governance.listAudit('MEETING#m1')).map((e) => e.actor)).toEqual(['chair', 'clerk']);
  });

  it('is stale at any other version, writing neither the minutes nor the audit entry', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const meeting = aMeeting({ id: 'm1' });
    await records.putMeeting(meeting);
    await records.setMinutes(
      meeting,
      { publishedOn: '2026-12-11', text: 'First' },
      1,
      minutesAudit('m1', 'first'),
    );

    const stale = records.setMinutes(
      meeting,
      { publishedOn: '2026-12-12', text: 'Lost' },
      1,
      minutesAudit('m1'),
    );

    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    expect(await records.getMeeting('m1')).toMatchObject({ minutes: { text: 'First' }, version: 2 });
    expect((await governance.listAudit('MEETING#m1')).map((e) => e.actor)).toEqual(['first']);
  });

  it('is stale for a meeting not on record on that date, and creates nothing', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    await records.putMeeting(aMeeting({ id: 'm1', date: '2026-12-10' }));
    const minutes = { publishedOn: '2026-12-11', text: 'x' };

    const unknown = records.setMinutes(
      { id: 'ghost', date: '2026-12-10' },
      minutes,
      1,
      minutesAudit('ghost'),
    );
    const wrongDate = records.setMinutes({ id: 'm1', date: '2026-12-11' }, minutes, 1, minutesAudit('m1'));

    const settled = await Promise.allSettled([unknown, wrongDate]);
    for (const outcome of settled) {
      expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(StaleVersion);
    }
    expect((await records.listMeetings()).map((m) => [m.id, m.minutes])).toEqual([['m1', undefined]]);
    expect(await governance.listAudit('MEETING#ghost')).toEqual([]);
    expect(await governance.listAudit('MEETING#m1')).toEqual([]);
  });

  it('lets one of two editors who read the same version set the minutes', async () => {
    const { records, governance } = await freshGovernanceRepositories();
    const meeting = aMeeting({ id: 'm1', attendees: [ABC, POLICE] });
    await records.putMeeting(meeting);
    const editors = ['alice', 'bob'];

    const outcomes = await Promise.allSettled(
      editors.map((editor) =>
        records.setMinutes(
          meeting,
          { publishedOn: '2026-12-11', text: editor },
          1,
          minutesAudit('m1', editor),
        ),
      ),
    );

    const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [editors[i]] : []));
    expect(winners).toHaveLength(1);
    expect(await records.getMeeting('m1')).toMatchObject({ minutes: { text: winners[0] }, version: 2 });
    expect((await governance.listAudit('MEETING#m1')).map((e) => e.actor)).toEqual(winners);
  });
});
