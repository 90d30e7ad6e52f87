/**
 * The partnership keeps its own directory through the API, on the local cloud: memberships with dates (so
 * voting rights follow history), an agency's new referral mailbox used for the next enquiry (and the audit
 * naming who changed it), categories retired by name, agencies that cannot be deactivated while routed to, the
 * profile, documents and plans; public reads never show a representative's address.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIRECTORY_VERSION_CHECK_MS } from '../../functions/adapters/cached-reference-data.ts';
import { apiClient, type Schemas } from '../support/api-client.ts';
import type { operations } from '../support/api-schema.ts';
import {
  anEnquiry,
  callApi,
  emailsFor,
  eventually,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

const ADMIN = 'directory-admin';
const adminToken = (subject = ADMIN) => staffToken('partnership-admin', undefined, { subject });
/** The API as a partnership admin calls it. */
const admin = async (subject = ADMIN) => apiClient(await adminToken(subject));
/** The API as the public calls it: no token. */
const anonymous = apiClient;

/** Waits until every warm function's reference-data cache has had the chance to see a change. */
const cachesCatchUp = () => new Promise((resolve) => setTimeout(resolve, DIRECTORY_VERSION_CHECK_MS + 500));

type NewOrganisation = operations['createOrganisation']['requestBody']['content']['application/json'];

describe('memberships over time', () => {
  it('ends a CCG on 30 June 2022 and adds an ICB from 1 July: a 2022-06-01 motion counts the CCG, a 2023 one the ICB', async () => {
    const run = randomUUID().slice(0, 8);
    const api = await admin();
    const create = (id: string, name: string, membership?: NewOrganisation['membership']) =>
      api.POST('/organisations', { body: { id, name, membership } });
    // From 2022: the seed page's own date (1 April 2021) keeps listing only Ashford's partners.
    const ccg = await create(`ccg-${run}`, `Clinical Commissioning Group ${run}`, {
      kind: 'statutory',
      startsOn: '2022-01-01',
    });
    const icb = await create(`icb-${run}`, `Integrated Care Board ${run}`);

    const ended = await api.POST('/organisations/{id}/memberships/{n}/end', {
      params: { path: { id: `ccg-${run}`, n: 1 }, header: { 'If-Match': ccg.response.headers.get('etag')! } },
      body: { endsOn: '2022-06-30' },
    });
    // Closed again at the end of 2023, so today's partner lists and quorums stay as other tests expect.
    const joined = await api.POST('/organisations/{id}/memberships', {
      params: { path: { id: `icb-${run}` }, header: { 'If-Match': icb.response.headers.get('etag')! } },
      body: { kind: 'statutory', startsOn: '2022-07-01', endsOn: '2023-12-31' },
    });
    const motion = async (date: string) =>
      (await api.POST('/motions', { body: { title: `Motion of ${date}`, date } })).data!;
    const june2022 = await motion('2022-06-01');
    const may2023 = await motion('2023-05-01');
    const vote = async (organisationId: string) =>
      apiClient(await staffToken('partner-representative', organisationId)).POST('/motions/{id}/votes', {
        params: { path: { id: june2022.id } },
        body: { choice: 'for' },
      });
    const icbVote = await vote(`icb-${run}`);
    const ccgVote = await vote(`ccg-${run}`);
    const ccgHistory = await api.GET('/organisations/{id}/history', {
      params: { path: { id: `ccg-${run}` } },
    });

    expect([ccg.response.status, icb.response.status, ended.response.status, joined.response.status]).toEqual(
      [201, 201, 200, 201],
    );
    const voters = (m: Schemas['Motion']) => m.voters.map((v) => v.id);
    expect(voters(june2022)).toContain(`ccg-${run}`);
    expect(voters(june2022)).not.toContain(`icb-${run}`);
    expect(voters(may2023)).toContain(`icb-${run}`);
    expect(voters(may2023)).not.toContain(`ccg-${run}`);
    expect(icbVote.response.status).toBe(403);
    expect(ccgVote.response.status).toBe(201);
    // The trail, newest first: the membership as it was and as it is, then the organisation's creation.
    expect(ccgHistory.response.status).toBe(200);
    expect(ccgHistory.data!.entries.map((e) => [e.action, e.actor])).toEqual([
      ['end-membership', ADMIN],
      ['create-organisation', ADMIN],
    ]);
    expect(ccgHistory.data!.entries[0]).toMatchObject({
      before: { memberships: [{ kind: 'statutory', startsOn: '2022-01-01' }] },
      after: { memberships: [{ kind: 'statutory', startsOn: '2022-01-01', endsOn: '2022-06-30' }] },
    });
    expect(ccgHistory.data!.entries[0]!.before).not.toHaveProperty('memberships.0.endsOn');
  });

  it('shows Ashford’s own history as its file records it: the CCG until 30 June 2022, the ICB after', async () => {
    const on = async (date: string) =>
      (await anonymous().GET('/organisations', { params: { query: { on: date, limit: 100 } } }))
        .data!.organisations.filter((o) => o.votingRights)
        .map((o) => o.id);

    const before = await on('2022-06-30');
    const after = await on('2022-07-01');

    expect(before).toContain('ashford-ccg');
    expect(before).not.toContain('nhs-kent-medway-icb');
    expect(after).toContain('nhs-kent-medway-icb');
    expect(after).not.toContain('ashford-ccg');
  });

  it('refuses a membership that overlaps the open one, naming the field', async () => {
    const api = await admin();
    const police = await api.GET('/organisations/{id}', { params: { path: { id: 'kent-police' } } });

    const overlapping = await api.POST('/organisations/{id}/memberships', {
      params: { path: { id: 'kent-police' }, header: { 'If-Match': police.response.headers.get('etag')! } },
      body: { kind: 'other', startsOn: '2025-01-01' },
    });

    expect(overlapping.response.status).toBe(409);
    expect(overlapping.response.headers.get('content-type')).toContain('application/problem+json');
    expect(overlapping.error).toMatchObject({
      type: 'urn:csp:problem:record-conflict',
      errors: [{ field: 'startsOn' }],
    });
  });
});

describe('agencies', () => {
  it('sends the next anti-social-behaviour enquiry to Kent Police’s new mailbox, and the audit names who changed it', async () => {
    const run = randomUUID().slice(0, 8);
    const newMailbox = `ashford.csu.${run}@kent.police.example`;
    const api = apiClient(await staffToken('csu-officer', undefined, { subject: `officer-${run}` }));
    const kentPolice = { params: { path: { id: 'kent-police' } } };
    const police = await api.GET('/agencies/{id}', kentPolice);
    const oldMailbox = police.data!.email;
    // An enquiry routed first, so the router's cache holds the old mailbox: the change must displace it.
    const warm = await submitEnquiry(anEnquiry({ category: 'anti-social-behaviour' }));
    await eventually(
      async () => (await emailsFor(warm.body.reference)).find((e) => e.destination.to.includes(oldMailbox)),
      'the referral to the old mailbox',
    );

    const changed = await api.PATCH('/agencies/{id}', {
      params: { ...kentPolice.params, header: { 'If-Match': police.response.headers.get('etag')! } },
      body: { email: newMailbox },
    });
    await cachesCatchUp();
    const { body } = await submitEnquiry(anEnquiry({ category: 'anti-social-behaviour' }));
    const referral = await eventually(async () => {
      const emails = await emailsFor(body.reference);
      return emails.find((email) => email.destination.to.includes(newMailbox));
    }, 'the referral to the new mailbox');
    await waitForQuiet();
    const history = await api.GET('/agencies/{id}/history', kentPolice);
    // Put back, so later tests find Kent Police as seeded.
    await api.PATCH('/agencies/{id}', {
      params: { ...kentPolice.params, header: { 'If-Match': changed.response.headers.get('etag')! } },
      body: { email: oldMailbox },
    });

    expect(changed.response.status).toBe(200);
    expect(changed.data!.email).toBe(newMailbox);
    expect(referral.subject).toContain(body.reference);
    expect((await emailsFor(body.reference)).some((e) => e.destination.to.includes(oldMailbox))).toBe(false);
    expect(history.data!.entries[0]).toMatchObject({
      actor: `officer-${run}`,
      before: { email: oldMailbox },
      after: { email: newMailbox },
    });
  });

  it('refuses to deactivate an agency still in a routing rule, naming the categories', async () => {
    const api = await admin();
    const ageUk = await api.GET('/agencies/{id}', { params: { path: { id: 'age-uk' } } });

    const refused = await api.PATCH('/agencies/{id}', {
      params: { path: { id: 'age-uk' }, header: { 'If-Match': ageUk.response.headers.get('etag')! } },
      body: { active: false },
    });

    expect(refused.response.status).toBe(409);
    expect(refused.error!.detail).toContain('older-or-vulnerable-people');
    expect(refused.error!.errors!.map((e) => e.message)).toEqual([
      'routing for older-or-vulnerable-people names this agency',
    ]);
  });

  it('adds an agency (409 for a taken id), lists it publicly without its mailbox', async () => {
    const run = randomUUID().slice(0, 8);
    const api = await admin();
    const body = {
      id: `youth-hub-${run}`,
      name: `Youth Hub ${run}`,
      email: `referrals.${run}@youth-hub.example`,
    };

    const created = await api.POST('/agencies', { body });
    const again = await api.POST('/agencies', { body });
    await cachesCatchUp();
    const list = await anonymous().GET('/agencies');

    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(`/agencies/youth-hub-${run}`);
    expect(again.response.status).toBe(409);
    expect(JSON.stringify(list.data)).toContain(`Youth Hub ${run}`);
    expect(JSON.stringify(list.data)).not.toContain('@');
  });
});

describe('categories', () => {
  it('retires a category: off the form and Open311, a new enquiry refused with 422 naming it, old ones kept', async () => {
    const run = randomUUID().slice(0, 8);
    const api = await admin();
    const code = `e-scooters-${run}`;
    const category = { params: { path: { code } } };
    const created = await api.POST('/enquiry-categories', {
      body: {
        code,
        title: `E-scooters ${run}`,
        description: 'Dangerous riding of e-scooters.',
        sensitive: false,
        position: 30,
      },
    });
    // Anyone reads one category as stored, with the ETag a change needs.
    const read = await anonymous().GET('/enquiry-categories/{code}', category);
    await cachesCatchUp();
    const before = await submitEnquiry(anEnquiry({ category: code }));

    const retired = await api.PATCH('/enquiry-categories/{code}', {
      params: { ...category.params, header: { 'If-Match': read.response.headers.get('etag')! } },
      body: { retired: true },
    });
    await cachesCatchUp();
    const refused = await submitEnquiry(anEnquiry({ category: code }));
    const form = await anonymous().GET('/enquiry-categories');
    const services = await anonymous().GET('/open311/v2/{document}', {
      params: { path: { document: 'services.json' } },
    });
    const kept = await apiClient(await staffToken('csu-officer')).GET('/enquiries/{reference}', {
      params: { path: { reference: before.body.reference } },
    });
    const stillReadable = await anonymous().GET('/enquiry-categories/{code}', category);
    const history = await api.GET('/enquiry-categories/{code}/history', category);
    const unknown = await anonymous().GET('/enquiry-categories/{code}', {
      params: { path: { code: `no-such-category-${run}` } },
    });

    expect([created.response.status, read.response.status, before.status, retired.response.status]).toEqual([
      201, 200, 201, 200,
    ]);
    expect(read.data).toMatchObject({ code, title: `E-scooters ${run}`, position: 30, retired: false });
    expect(read.response.headers.get('etag')).toBe(created.response.headers.get('etag'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: 'urn:csp:problem:category-retired',
      errors: [{ field: 'category', message: `${code} is retired` }],
    });
    expect(form.data!.categories.map((c) => c.code)).not.toContain(code);
    expect((services.data as { service_code: string }[]).map((s) => s.service_code)).not.toContain(code);
    expect(kept.data!.category).toBe(code);
    // Retired, yet still read by its code, with the ETag of its new version.
    expect(stillReadable.response.status).toBe(200);
    expect(stillReadable.data).toMatchObject({ code, retired: true });
    expect(stillReadable.response.headers.get('etag')).toBe(retired.response.headers.get('etag'));
    expect(stillReadable.response.headers.get('etag')).not.toBe(read.response.headers.get('etag'));
    expect(unknown.response.status).toBe(404);
    // Newest first: the retirement, only the field it changed before and after, then the creation.
    expect(history.response.status).toBe(200);
    expect(history.data!.entries).toMatchObject([
      { action: 'update-category', actor: ADMIN, after: { retired: true } },
      { action: 'create-category', actor: ADMIN, before: null, after: { code, retired: false } },
    ]);
    // A category never retired reads, and is audited, as not retired.
    expect(history.data!.entries[0]!.before).toEqual({ retired: false });
  });

  it('refuses bad input with problem+json naming each field', async () => {
    const token = await adminToken();

    // Raw: a string for a boolean and a field the schema forbids (colour) are what the typed client refuses.
    const bad = await callApi<{ errors: { field: string }[] }>('/enquiry-categories', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      json: {
        code: 'Not A Code',
        title: '',
        description: 'x',
        sensitive: 'yes',
        position: -1,
        colour: 'red',
      },
    });

    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual([
      'code',
      'colour',
      'position',
      'sensitive',
      'title',
    ]);
  });
});

describe('profile, documents and plans', () => {
  it('changes the profile with If-Match, and a stale ETag is refused', async () => {
    const api = await admin();
    const profile = await anonymous().GET('/partnership', { headers: { 'cache-control': 'no-cache' } });
    const etag = profile.response.headers.get('etag')!;
    const hours = (urgentPhoneHours: string, ifMatch: string) =>
      api.PATCH('/partnership', { params: { header: { 'If-Match': ifMatch } }, body: { urgentPhoneHours } });

    const changed = await hours('weekends and bank holidays', etag);
    const stale = await hours('weekends', etag);
    const history = await api.GET('/partnership/history');
    await hours('weekends', changed.response.headers.get('etag')!);

    expect(profile.data!.meetingPattern).toEqual([
      { meeting: 'Community Safety Unit', frequency: 'monthly' },
    ]);
    expect(changed.response.status).toBe(200);
    expect(changed.data!.urgentPhoneHours).toBe('weekends and bank holidays');
    expect(stale.response.status).toBe(412);
    // The change is on the trail with only the field it changed; the refused one is not.
    expect(history.response.status).toBe(200);
    expect(history.data!.entries[0]).toMatchObject({
      action: 'update-profile',
      actor: ADMIN,
      before: { urgentPhoneHours: profile.data!.urgentPhoneHours },
      after: { urgentPhoneHours: 'weekends and bank holidays' },
    });
    expect(Object.keys(history.data!.entries[0]!.after as object)).toEqual(['urgentPhoneHours']);
  });

  it('lists the rolling action plan as a document with its link and size, and records a document and a plan', async () => {
    const run = randomUUID().slice(0, 8);
    const api = await admin();
    const survey = {
      title: `Community safety survey ${run}`,
      kind: 'other',
      url: `https://www.ashford.gov.uk/media/community-safety-survey-${run}.pdf`,
      sizeBytes: 212 * 1024,
      mediaType: 'application/pdf',
      publishedOn: '2024-05-01',
    } as const;
    const recorded = await api.POST('/documents', { body: survey });
    const documents = await anonymous().GET('/documents');
    const actionPlans = await anonymous().GET('/documents', { params: { query: { kind: 'action-plan' } } });
    // A period of its own (a rerun against the same cloud would find its own plan and need If-Match).
    const first = 2100 + Math.floor(Math.random() * 800);
    const yy = (year: number) => String(year % 100).padStart(2, '0');
    const period = `${first}-${yy(first + 3)}`;
    const plan = await api.POST('/plans', {
      body: {
        period,
        title: `Community Safety Partnership Plan ${period}`,
        adoptedOn: '2021-04-01',
        documentId: 'rolling-action-plan',
        years: [0, 1, 2].map((offset) => ({
          planYear: `${first + offset}-${yy(first + offset + 1)}`,
          priorities: ['Tackling violence'],
        })),
      },
    });
    const plans = await anonymous().GET('/plans');

    expect(documents.data!.documents).toContainEqual(
      expect.objectContaining({ id: 'rolling-action-plan', sizeBytes: 579 * 1024, kind: 'action-plan' }),
    );
    expect(recorded.response.status).toBe(201);
    expect(recorded.data).toEqual({ ...survey, id: expect.any(String) });
    expect(documents.data!.documents).toContainEqual({ ...survey, id: recorded.data!.id });
    expect(actionPlans.data!.documents.map((d) => d.id)).toContain('rolling-action-plan');
    expect(actionPlans.data!.documents.map((d) => d.id)).not.toContain(recorded.data!.id);
    expect(plan.response.status).toBe(201);
    expect(plans.data!.plans.map((p) => p.period)).toContain(period);
  });
});

describe('public reads', () => {
  it('never show a representative’s address, while staff see it', async () => {
    const run = randomUUID().slice(0, 8);
    const api = await admin();
    const email = `jo.smith.${run}@kent.police.example`;
    const kentPolice = { params: { path: { id: 'kent-police' } } };
    const police = await api.GET('/organisations/{id}', kentPolice);
    const changed = await api.PATCH('/organisations/{id}', {
      params: { ...kentPolice.params, header: { 'If-Match': police.response.headers.get('etag')! } },
      body: {
        representatives: [{ name: `Ch Insp Jo Smith ${run}`, role: 'District Commander', email }],
      },
    });

    const everyone = anonymous();
    const publicReads = await Promise.all([
      everyone.GET('/organisations', { params: { query: { limit: 100 } } }),
      everyone.GET('/partners', { params: { query: { limit: 100 } } }),
      everyone.GET('/partnership'),
      everyone.GET('/agencies'),
    ]);
    const staffRead = await api.GET('/organisations/{id}', kentPolice);
    // Put back, so the chair rotation's notices still go to the seeded representatives.
    await api.PATCH('/organisations/{id}', {
      params: { ...kentPolice.params, header: { 'If-Match': changed.response.headers.get('etag')! } },
      body: {
        representatives: police.data!.representatives.map(({ id: _id, ...representative }) => representative),
      },
    });

    for (const read of publicReads) {
      expect(read.response.status).toBe(200);
      expect(JSON.stringify(read.data)).not.toContain(email);
    }
    expect(JSON.stringify(publicReads[0].data)).toContain(`Ch Insp Jo Smith ${run}`);
    expect(JSON.stringify(staffRead.data)).toContain(email);
  });

  it('keeps a staff record from the public and from the wrong role', async () => {
    const kentPolice = { params: { path: { id: 'kent-police' } } };
    const withoutToken = await anonymous().GET('/organisations/{id}', kentPolice);
    const officer = await apiClient(await staffToken('csu-officer')).GET('/organisations/{id}', kentPolice);

    expect(withoutToken.response.status).toBe(401);
    expect(officer.response.status).toBe(403);
  });
});
