/** The partnership's records over HTTP: assessments, the rolling action plan and meetings with minutes. */
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { staffToken } from '../support/local-cloud.ts';

/** The API as a partnership admin calls it. */
const admin = async () => apiClient(await staffToken('partnership-admin'));
/** The API as the public calls it: no token. */
const anonymous = apiClient;

/** A random plan year of the future, two consecutive years as every plan year is (2047-48). */
function futurePlanYear(): string {
  const start = 2030 + Math.floor(Math.random() * 60);
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

describe('strategic assessments', () => {
  it("publish 2021-22's assessment with the priorities it identified", async () => {
    const { data, response } = await anonymous().GET('/assessments');

    expect(response.status).toBe(200);
    expect(data!.assessments.find((a) => a.planYear === '2021-22')?.findings).toContain(
      'Tackling anti-social behaviour',
    );
  });

  it('are published by admins, then revised only with a fresh If-Match', async () => {
    const api = await admin();
    const planYear = futurePlanYear();
    const assessment = {
      planYear,
      publishedOn: '2026-03-01',
      summary: 'Violence and anti-social behaviour rose in the town centre at night.',
      findings: ['Tackling violence', 'Tackling anti-social behaviour'],
      documentUrl: `https://www.ashford.gov.uk/media/strategic-assessment-${planYear}.pdf`,
    };

    const published = await api.POST('/assessments', { body: assessment });
    const anonymousAttempt = await anonymous().POST('/assessments', { body: assessment });
    const unconditional = await api.POST('/assessments', { body: { ...assessment, summary: 'Overwritten' } });
    const revised = await api.POST('/assessments', {
      params: { header: { 'If-Match': published.response.headers.get('etag')! } },
      body: { ...assessment, findings: [...assessment.findings, 'Road safety'] },
    });
    const stale = await api.POST('/assessments', {
      params: { header: { 'If-Match': published.response.headers.get('etag')! } },
      body: { ...assessment, summary: 'A second editor with an old copy' },
    });
    const listed = await anonymous().GET('/assessments');

    expect(published.response.status).toBe(201);
    expect(published.data).toEqual({ ...assessment, version: 1 });
    expect(published.response.headers.get('etag')).toBe('"1"');
    expect(anonymousAttempt.response.status).toBe(401);
    expect(unconditional.response.status).toBe(428);
    expect(revised.response.status).toBe(201);
    expect(revised.data!.version).toBe(2);
    expect(stale.response.status).toBe(412);
    expect(listed.data!.assessments.find((a) => a.planYear === planYear)).toEqual({
      ...assessment,
      findings: ['Tackling violence', 'Tackling anti-social behaviour', 'Road safety'],
      version: 2,
    });
  });
});

describe('the rolling action plan', () => {
  it('takes actions linked to a priority, tracks progress with history, and refuses stale updates', async () => {
    const api = await admin();
    const created = await api.POST('/action-plan', {
      body: {
        planYear: '2021-22',
        priority: 3,
        title: 'Joint patrols in the town centre on Friday and Saturday nights',
        leadOrganisationId: 'kent-police',
        dueOn: '2022-03-31',
      },
    });
    const etag = created.response.headers.get('etag')!;
    const action = { path: { id: created.data!.id } };

    const update = (note: string, ifMatch: string) =>
      api.PATCH('/action-plan/{id}', {
        params: { ...action, header: { 'If-Match': ifMatch } },
        body: { note, status: 'in-progress', rag: 'amber' },
      });
    const first = await update('Patrols started; staffing is tight', etag);
    const stale = await update('A second editor with an old copy', etag);
    const filtered = await anonymous().GET('/action-plan', {
      params: { query: { planYear: '2021-22', priority: 3, status: 'in-progress' } },
    });
    const detail = await anonymous().GET('/action-plan/{id}', { params: action });
    const otherPriority = await anonymous().GET('/action-plan', {
      params: { query: { planYear: '2021-22', priority: 1 } },
    });

    expect(created.response.status).toBe(201);
    expect(created.data!.status).toBe('not-started');
    expect(first.response.status).toBe(200);
    expect(first.data).toMatchObject({ status: 'in-progress', rag: 'amber' });
    expect(first.data!.updates).toHaveLength(2);
    expect(stale.response.status).toBe(412);
    expect(filtered.data!.actions.map((a) => a.id)).toContain(created.data!.id);
    expect(detail.data!.updates.map((u) => u.note)).toEqual([
      'Action added to the plan',
      'Patrols started; staffing is tight',
    ]);
    expect(otherPriority.data!.actions.map((a) => a.id)).not.toContain(created.data!.id);
  });

  it('refuses an action for a priority the plan year does not have, or a lead that is not a partner', async () => {
    const api = await admin();
    const base = {
      planYear: '2021-22',
      priority: 1,
      title: 'x',
      leadOrganisationId: 'kent-police',
      dueOn: '2022-01-01',
    };

    const noPriority = await api.POST('/action-plan', { body: { ...base, priority: 9 } });
    const noLead = await api.POST('/action-plan', { body: { ...base, leadOrganisationId: 'nobody' } });

    expect(noPriority.response.status).toBe(422);
    expect(noPriority.error).toMatchObject({ errors: [{ field: 'priority' }] });
    expect(noLead.response.status).toBe(422);
    expect(noLead.error).toMatchObject({ errors: [{ field: 'leadOrganisationId' }] });
  });
});

describe('meetings', () => {
  it('are scheduled by admins, and their minutes are public once published', async () => {
    const api = await admin();
    const scheduled = await api.POST('/meetings', {
      body: {
        kind: 'annual-public-meeting',
        date: '2027-06-15',
        attendees: ['ashford-borough-council', 'kent-police'],
        agenda: ['Annual strategic assessment', 'Questions from the public'],
      },
    });
    const meeting = { path: { id: scheduled.data!.id } };
    const byRepresentative = await apiClient(await staffToken('partner-representative', 'kent-police')).PUT(
      '/meetings/{id}/minutes',
      { params: meeting, body: { text: 'x' } },
    );
    const etag = (await anonymous().GET('/meetings/{id}', { params: meeting })).response.headers.get('etag')!;
    const minutes = (text: string, ifMatch?: string) =>
      api.PUT('/meetings/{id}/minutes', {
        params: { ...meeting, header: { 'If-Match': ifMatch } },
        body: { text },
      });
    const withoutIfMatch = await minutes('Draft');
    const published = await minutes('The assessment was presented and questions answered.', etag);
    const staleCorrection = await minutes('Overwriting with an old copy', etag);
    const listed = await anonymous().GET('/meetings', {
      params: { query: { kind: 'annual-public-meeting' } },
    });
    const motion = await api.POST('/motions', {
      body: { title: 'Receive the annual report', meetingId: scheduled.data!.id },
    });
    const page = await anonymous().GET('/meetings/{id}', { params: meeting });

    expect(scheduled.response.status).toBe(201);
    expect(scheduled.data!.minutes).toBeNull();
    expect(motion.data!.meetingId).toBe(scheduled.data!.id);
    expect(page.data!.motions.map((m) => [m.id, m.result.outcome])).toEqual([[motion.data!.id, 'inquorate']]);
    expect(byRepresentative.response.status).toBe(403);
    expect([
      withoutIfMatch.response.status,
      published.response.status,
      staleCorrection.response.status,
    ]).toEqual([428, 200, 412]);
    expect(listed.data!.meetings.find((m) => m.id === scheduled.data!.id)?.minutes?.text).toBe(
      'The assessment was presented and questions answered.',
    );
  });
});

describe('the partnership plan’s priorities', () => {
  it('are set for a new plan year, then revised only with a fresh If-Match', async () => {
    const api = await admin();
    const planYear = futurePlanYear();
    const put = (titles: string[], ifMatch?: string) =>
      api.PUT('/priorities/{planYear}', {
        params: { path: { planYear }, header: { 'If-Match': ifMatch } },
        body: { titles },
      });

    const created = await put(['Tackling violence', 'Reducing reoffending']);
    const unconditional = await put(['Only one']);
    const revised = await put(
      ['Tackling violence', 'Reducing reoffending', 'Road safety'],
      created.response.headers.get('etag')!,
    );
    const stale = await put(['Stale'], created.response.headers.get('etag')!);
    const read = await anonymous().GET('/priorities', { params: { query: { planYear } } });

    expect(created.response.status).toBe(200);
    expect(unconditional.response.status).toBe(428);
    expect(revised.response.status).toBe(200);
    expect(stale.response.status).toBe(412);
    expect(read.data!.priorities.map((p) => p.title)).toEqual([
      'Tackling violence',
      'Reducing reoffending',
      'Road safety',
    ]);
    expect(read.response.headers.get('etag')).toBe(revised.response.headers.get('etag'));
  });
});
