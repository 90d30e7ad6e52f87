/** The partnership's records over HTTP: assessments, the rolling action plan and meetings with minutes. */
import { describe, expect, it } from 'vitest';
import { callApi, staffToken } from '../support/local-cloud.ts';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('strategic assessments', () => {
  it("publish 2021-22's assessment with the priorities it identified", async () => {
    const { status, body } = await callApi<{ assessments: { planYear: string; findings: string[] }[] }>(
      '/assessments',
    );

    expect(status).toBe(200);
    expect(body.assessments.find((a) => a.planYear === '2021-22')?.findings).toContain(
      'Tackling anti-social behaviour',
    );
  });
});

describe('the rolling action plan', () => {
  it('takes actions linked to a priority, tracks progress with history, and refuses stale updates', async () => {
    const admin = bearer(await staffToken('partnership-admin'));
    const created = await callApi<{ id: string; status: string }>('/action-plan', {
      method: 'POST',
      headers: admin,
      json: {
        planYear: '2021-22',
        priority: 3,
        title: 'Joint patrols in the town centre on Friday and Saturday nights',
        leadOrganisationId: 'kent-police',
        dueOn: '2022-03-31',
      },
    });
    const etag = created.headers.get('etag')!;

    const update = (note: string, ifMatch: string) =>
      callApi<{ status: string; rag: string; updates: unknown[] }>(`/action-plan/${created.body.id}`, {
        method: 'PATCH',
        headers: { ...admin, 'If-Match': ifMatch },
        json: { note, status: 'in-progress', rag: 'amber' },
      });
    const first = await update('Patrols started; staffing is tight', etag);
    const stale = await update('A second editor with an old copy', etag);
    const filtered = await callApi<{ actions: { id: string }[] }>(
      '/action-plan?planYear=2021-22&priority=3&status=in-progress',
    );
    const detail = await callApi<{ updates: { note: string }[] }>(`/action-plan/${created.body.id}`);
    const otherPriority = await callApi<{ actions: { id: string }[] }>(
      '/action-plan?planYear=2021-22&priority=1',
    );

    expect(created.status).toBe(201);
    expect(created.body.status).toBe('not-started');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'in-progress', rag: 'amber' });
    expect(first.body.updates).toHaveLength(2);
    expect(stale.status).toBe(412);
    expect(filtered.body.actions.map((a) => a.id)).toContain(created.body.id);
    expect(detail.body.updates.map((u) => u.note)).toEqual([
      'Action added to the plan',
      'Patrols started; staffing is tight',
    ]);
    expect(otherPriority.body.actions.map((a) => a.id)).not.toContain(created.body.id);
  });

  it('refuses an action for a priority the plan year does not have, or a lead that is not a partner', async () => {
    const admin = bearer(await staffToken('partnership-admin'));
    const base = {
      planYear: '2021-22',
      priority: 1,
      title: 'x',
      leadOrganisationId: 'kent-police',
      dueOn: '2022-01-01',
    };

    const noPriority = await callApi('/action-plan', {
      method: 'POST',
      headers: admin,
      json: { ...base, priority: 9 },
    });
    const noLead = await callApi('/action-plan', {
      method: 'POST',
      headers: admin,
      json: { ...base, leadOrganisationId: 'nobody' },
    });

    expect(noPriority.status).toBe(422);
    expect(noPriority.body).toMatchObject({ errors: [{ field: 'priority' }] });
    expect(noLead.status).toBe(422);
    expect(noLead.body).toMatchObject({ errors: [{ field: 'leadOrganisationId' }] });
  });
});

describe('meetings', () => {
  it('are scheduled by admins, and their minutes are public once published', async () => {
    const admin = bearer(await staffToken('partnership-admin'));
    const scheduled = await callApi<{ id: string; minutes: unknown }>('/meetings', {
      method: 'POST',
      headers: admin,
      json: {
        kind: 'annual-public-meeting',
        date: '2027-06-15',
        attendees: ['ashford-borough-council', 'kent-police'],
        agenda: ['Annual strategic assessment', 'Questions from the public'],
      },
    });
    const byRepresentative = await callApi(`/meetings/${scheduled.body.id}/minutes`, {
      method: 'PUT',
      headers: bearer(await staffToken('partner-representative', 'kent-police')),
      json: { text: 'x' },
    });
    const etag = (await callApi(`/meetings/${scheduled.body.id}`)).headers.get('etag')!;
    const withoutIfMatch = await callApi(`/meetings/${scheduled.body.id}/minutes`, {
      method: 'PUT',
      headers: admin,
      json: { text: 'Draft' },
    });
    const published = await callApi(`/meetings/${scheduled.body.id}/minutes`, {
      method: 'PUT',
      headers: { ...admin, 'If-Match': etag },
      json: { text: 'The assessment was presented and questions answered.' },
    });
    const staleCorrection = await callApi(`/meetings/${scheduled.body.id}/minutes`, {
      method: 'PUT',
      headers: { ...admin, 'If-Match': etag },
      json: { text: 'Overwriting with an old copy' },
    });
    const listed = await callApi<{ meetings: { id: string; minutes: { text: string } | null }[] }>(
      '/meetings?kind=annual-public-meeting',
    );
    const motion = await callApi<{ id: string; meetingId: string }>('/motions', {
      method: 'POST',
      headers: admin,
      json: { title: 'Receive the annual report', meetingId: scheduled.body.id },
    });
    const page = await callApi<{ motions: { id: string; result: { outcome: string } }[] }>(
      `/meetings/${scheduled.body.id}`,
    );

    expect(scheduled.status).toBe(201);
    expect(scheduled.body.minutes).toBeNull();
    expect(motion.body.meetingId).toBe(scheduled.body.id);
    expect(page.body.motions.map((m) => [m.id, m.result.outcome])).toEqual([[motion.body.id, 'inquorate']]);
    expect(byRepresentative.status).toBe(403);
    expect([withoutIfMatch.status, published.status, staleCorrection.status]).toEqual([428, 200, 412]);
    expect(listed.body.meetings.find((m) => m.id === scheduled.body.id)?.minutes?.text).toBe(
      'The assessment was presented and questions answered.',
    );
  });
});

describe('the partnership plan’s priorities', () => {
  it('are set for a new plan year, then revised only with a fresh If-Match', async () => {
    const admin = bearer(await staffToken('partnership-admin'));
    // A random plan year of the future, two consecutive years as every plan year is (2047-48).
    const start = 2030 + Math.floor(Math.random() * 60);
    const planYear = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
    const put = (titles: string[], headers: Record<string, string> = {}) =>
      callApi<{ titles: string[] }>(`/priorities/${planYear}`, {
        method: 'PUT',
        json: { titles },
        headers: { ...admin, ...headers },
      });

    const created = await put(['Tackling violence', 'Reducing reoffending']);
    const unconditional = await put(['Only one']);
    const revised = await put(['Tackling violence', 'Reducing reoffending', 'Road safety'], {
      'If-Match': created.headers.get('etag')!,
    });
    const stale = await put(['Stale'], { 'If-Match': created.headers.get('etag')! });
    const read = await callApi<{ priorities: { position: number; title: string }[] }>(
      `/priorities?planYear=${planYear}`,
    );

    expect(created.status).toBe(200);
    expect(unconditional.status).toBe(428);
    expect(revised.status).toBe(200);
    expect(stale.status).toBe(412);
    expect(read.body.priorities.map((p) => p.title)).toEqual([
      'Tackling violence',
      'Reducing reoffending',
      'Road safety',
    ]);
    expect(read.headers.get('etag')).toBe(revised.headers.get('etag'));
  });
});
