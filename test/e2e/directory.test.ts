/**
 * The partnership keeps its own directory through the API, on the local cloud: memberships with dates (so
 * voting rights follow history), an agency's new referral mailbox used for the next enquiry (and the audit
 * naming who changed it), categories retired by name, agencies that cannot be deactivated while routed to, the
 * profile, documents and plans; public reads never show a representative's address.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIRECTORY_VERSION_CHECK_MS } from '../../functions/adapters/cached-reference-data.ts';
import {
  anEnquiry,
  callApi,
  emailsFor,
  eventually,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const admin = async (subject = 'directory-admin') =>
  bearer(await staffToken('partnership-admin', undefined, { subject }));

/** Waits until every warm function's reference-data cache has had the chance to see a change. */
const cachesCatchUp = () => new Promise((resolve) => setTimeout(resolve, DIRECTORY_VERSION_CHECK_MS + 500));

interface Motion {
  id: string;
  date: string;
  voters: { id: string }[];
}

describe('memberships over time', () => {
  it('ends a CCG on 30 June 2022 and adds an ICB from 1 July: a 2022-06-01 motion counts the CCG, a 2023 one the ICB', async () => {
    const run = randomUUID().slice(0, 8);
    const headers = await admin();
    const create = (id: string, name: string, membership?: unknown) =>
      callApi<{ id: string }>('/organisations', { method: 'POST', headers, json: { id, name, membership } });
    // From 2022: the seed page's own date (1 April 2021) keeps listing only Ashford's partners.
    const ccg = await create(`ccg-${run}`, `Clinical Commissioning Group ${run}`, {
      kind: 'statutory',
      startsOn: '2022-01-01',
    });
    const icb = await create(`icb-${run}`, `Integrated Care Board ${run}`);

    const ended = await callApi(`/organisations/ccg-${run}/memberships/1/end`, {
      method: 'POST',
      headers: { ...headers, 'if-match': ccg.headers.get('etag')! },
      json: { endsOn: '2022-06-30' },
    });
    // Closed again at the end of 2023, so today's partner lists and quorums stay as other tests expect.
    const joined = await callApi(`/organisations/icb-${run}/memberships`, {
      method: 'POST',
      headers: { ...headers, 'if-match': icb.headers.get('etag')! },
      json: { kind: 'statutory', startsOn: '2022-07-01', endsOn: '2023-12-31' },
    });
    const motion = (date: string) =>
      callApi<Motion>('/motions', { method: 'POST', headers, json: { title: `Motion of ${date}`, date } });
    const june2022 = await motion('2022-06-01');
    const may2023 = await motion('2023-05-01');
    const icbVote = await callApi(`/motions/${june2022.body.id}/votes`, {
      method: 'POST',
      headers: bearer(await staffToken('partner-representative', `icb-${run}`)),
      json: { choice: 'for' },
    });
    const ccgVote = await callApi(`/motions/${june2022.body.id}/votes`, {
      method: 'POST',
      headers: bearer(await staffToken('partner-representative', `ccg-${run}`)),
      json: { choice: 'for' },
    });

    expect([ccg.status, icb.status, ended.status, joined.status]).toEqual([201, 201, 200, 201]);
    const voters = (m: { body: Motion }) => m.body.voters.map((v) => v.id);
    expect(voters(june2022)).toContain(`ccg-${run}`);
    expect(voters(june2022)).not.toContain(`icb-${run}`);
    expect(voters(may2023)).toContain(`icb-${run}`);
    expect(voters(may2023)).not.toContain(`ccg-${run}`);
    expect(icbVote.status).toBe(403);
    expect(ccgVote.status).toBe(201);
  });

  it('shows Ashford’s own history as its file records it: the CCG until 30 June 2022, the ICB after', async () => {
    const on = async (date: string) =>
      (
        await callApi<{ organisations: { id: string; votingRights: boolean }[] }>(
          `/organisations?on=${date}&limit=100`,
        )
      ).body.organisations
        .filter((o) => o.votingRights)
        .map((o) => o.id);

    const before = await on('2022-06-30');
    const after = await on('2022-07-01');

    expect(before).toContain('ashford-ccg');
    expect(before).not.toContain('nhs-kent-medway-icb');
    expect(after).toContain('nhs-kent-medway-icb');
    expect(after).not.toContain('ashford-ccg');
  });

  it('refuses a membership that overlaps the open one, naming the field', async () => {
    const headers = await admin();
    const police = await callApi('/organisations/kent-police', { headers });

    const overlapping = await callApi('/organisations/kent-police/memberships', {
      method: 'POST',
      headers: { ...headers, 'if-match': police.headers.get('etag')! },
      json: { kind: 'other', startsOn: '2025-01-01' },
    });

    expect(overlapping.status).toBe(409);
    expect(overlapping.headers.get('content-type')).toContain('application/problem+json');
    expect(overlapping.body).toMatchObject({
      type: 'urn:csp:problem:record-conflict',
      errors: [{ field: 'startsOn' }],
    });
  });
});

describe('agencies', () => {
  it('sends the next anti-social-behaviour enquiry to Kent Police’s new mailbox, and the audit names who changed it', async () => {
    const run = randomUUID().slice(0, 8);
    const newMailbox = `ashford.csu.${run}@kent.police.example`;
    const headers = bearer(await staffToken('csu-officer', undefined, { subject: `officer-${run}` }));
    const police = await callApi<{ email: string }>('/agencies/kent-police', { headers });
    // An enquiry routed first, so the router's cache holds the old mailbox: the change must displace it.
    const warm = await submitEnquiry(anEnquiry({ category: 'anti-social-behaviour' }));
    await eventually(
      async () =>
        (await emailsFor(warm.body.reference)).find((e) => e.destination.to.includes(police.body.email)),
      'the referral to the old mailbox',
    );

    const changed = await callApi<{ email: string }>('/agencies/kent-police', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': police.headers.get('etag')! },
      json: { email: newMailbox },
    });
    await cachesCatchUp();
    const { body } = await submitEnquiry(anEnquiry({ category: 'anti-social-behaviour' }));
    const referral = await eventually(async () => {
      const emails = await emailsFor(body.reference);
      return emails.find((email) => email.destination.to.includes(newMailbox));
    }, 'the referral to the new mailbox');
    await waitForQuiet();
    const history = await callApi<{ entries: { actor: string; before: unknown; after: unknown }[] }>(
      '/agencies/kent-police/history',
      { headers },
    );
    // Put back, so later tests find Kent Police as seeded.
    await callApi('/agencies/kent-police', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': changed.headers.get('etag')! },
      json: { email: police.body.email },
    });

    expect(changed.status).toBe(200);
    expect(changed.body.email).toBe(newMailbox);
    expect(referral.subject).toContain(body.reference);
    expect((await emailsFor(body.reference)).some((e) => e.destination.to.includes(police.body.email))).toBe(
      false,
    );
    expect(history.body.entries[0]).toMatchObject({
      actor: `officer-${run}`,
      before: { email: police.body.email },
      after: { email: newMailbox },
    });
  });

  it('refuses to deactivate an agency still in a routing rule, naming the categories', async () => {
    const headers = await admin();
    const ageUk = await callApi('/agencies/age-uk', { headers });

    const refused = await callApi<{ detail: string; errors: { message: string }[] }>('/agencies/age-uk', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': ageUk.headers.get('etag')! },
      json: { active: false },
    });

    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('older-or-vulnerable-people');
    expect(refused.body.errors.map((e) => e.message)).toEqual([
      'routing for older-or-vulnerable-people names this agency',
    ]);
  });

  it('adds an agency (409 for a taken id), lists it publicly without its mailbox', async () => {
    const run = randomUUID().slice(0, 8);
    const headers = await admin();
    const json = {
      id: `youth-hub-${run}`,
      name: `Youth Hub ${run}`,
      email: `referrals.${run}@youth-hub.example`,
    };

    const created = await callApi('/agencies', { method: 'POST', headers, json });
    const again = await callApi('/agencies', { method: 'POST', headers, json });
    await cachesCatchUp();
    const list = await callApi('/agencies');

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/agencies/youth-hub-${run}`);
    expect(again.status).toBe(409);
    expect(JSON.stringify(list.body)).toContain(`Youth Hub ${run}`);
    expect(JSON.stringify(list.body)).not.toContain('@');
  });
});

describe('categories', () => {
  it('retires a category: off the form and Open311, a new enquiry refused with 422 naming it, old ones kept', async () => {
    const run = randomUUID().slice(0, 8);
    const headers = await admin();
    const code = `e-scooters-${run}`;
    const created = await callApi('/enquiry-categories', {
      method: 'POST',
      headers,
      json: {
        code,
        title: `E-scooters ${run}`,
        description: 'Dangerous riding of e-scooters.',
        sensitive: false,
        position: 30,
      },
    });
    await cachesCatchUp();
    const before = await submitEnquiry(anEnquiry({ category: code }));

    const retired = await callApi(`/enquiry-categories/${code}`, {
      method: 'PATCH',
      headers: { ...headers, 'if-match': created.headers.get('etag')! },
      json: { retired: true },
    });
    await cachesCatchUp();
    const refused = await submitEnquiry(anEnquiry({ category: code }));
    const form = await callApi<{ categories: { code: string }[] }>('/enquiry-categories');
    const services = await callApi<{ service_code: string }[]>('/open311/v2/services.json');
    const kept = await callApi<{ category: string }>(`/enquiries/${before.body.reference}`, {
      headers: bearer(await staffToken('csu-officer')),
    });

    expect([created.status, before.status, retired.status]).toEqual([201, 201, 200]);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: 'urn:csp:problem:category-retired',
      errors: [{ field: 'category', message: `${code} is retired` }],
    });
    expect(form.body.categories.map((c) => c.code)).not.toContain(code);
    expect(services.body.map((s) => s.service_code)).not.toContain(code);
    expect(kept.body.category).toBe(code);
  });

  it('refuses bad input with problem+json naming each field', async () => {
    const headers = await admin();

    const bad = await callApi<{ errors: { field: string }[] }>('/enquiry-categories', {
      method: 'POST',
      headers,
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
    const headers = await admin();
    const profile = await callApi<{ meetingPattern: unknown[] }>('/partnership', {
      headers: { 'cache-control': 'no-cache' },
    });
    const etag = profile.headers.get('etag')!;

    const changed = await callApi<{ meetingPattern: unknown[]; urgentPhoneHours: string }>('/partnership', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': etag },
      json: { urgentPhoneHours: 'weekends and bank holidays' },
    });
    const stale = await callApi('/partnership', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': etag },
      json: { urgentPhoneHours: 'weekends' },
    });
    await callApi('/partnership', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': changed.headers.get('etag')! },
      json: { urgentPhoneHours: 'weekends' },
    });

    expect(profile.body.meetingPattern).toEqual([{ meeting: 'Community Safety Unit', frequency: 'monthly' }]);
    expect(changed.status).toBe(200);
    expect(changed.body.urgentPhoneHours).toBe('weekends and bank holidays');
    expect(stale.status).toBe(412);
  });

  it('lists the rolling action plan as a document with its link and size, and records a plan', async () => {
    const headers = await admin();
    const documents = await callApi<{ documents: { id: string; url: string; sizeBytes: number }[] }>(
      '/documents',
    );
    const plan = await callApi<{ version: number }>('/plans', {
      method: 'POST',
      headers,
      json: {
        period: '2021-24',
        title: 'Community Safety Partnership Plan 2021-24',
        adoptedOn: '2021-04-01',
        documentId: 'rolling-action-plan',
        years: ['2021-22', '2022-23', '2023-24'].map((planYear) => ({
          planYear,
          priorities: ['Tackling violence'],
        })),
      },
    });
    const plans = await callApi<{ plans: { period: string }[] }>('/plans');

    expect(documents.body.documents).toContainEqual(
      expect.objectContaining({ id: 'rolling-action-plan', sizeBytes: 579 * 1024, kind: 'action-plan' }),
    );
    expect([201, 412]).toContain(plan.status);
    expect(plans.body.plans.map((p) => p.period)).toContain('2021-24');
  });
});

describe('public reads', () => {
  it('never show a representative’s address, while staff see it', async () => {
    const run = randomUUID().slice(0, 8);
    const headers = await admin();
    const email = `jo.smith.${run}@kent.police.example`;
    const police = await callApi<{ representatives: { id: string }[] }>('/organisations/kent-police', {
      headers,
    });
    const changed = await callApi('/organisations/kent-police', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': police.headers.get('etag')! },
      json: {
        representatives: [{ name: `Ch Insp Jo Smith ${run}`, role: 'District Commander', email }],
      },
    });

    const publicReads = await Promise.all(
      ['/organisations?limit=100', '/partners?limit=100', '/partnership', '/agencies'].map((path) =>
        callApi(path),
      ),
    );
    const staffRead = await callApi('/organisations/kent-police', { headers });
    // Put back, so the chair rotation's notices still go to the seeded representatives.
    await callApi('/organisations/kent-police', {
      method: 'PATCH',
      headers: { ...headers, 'if-match': changed.headers.get('etag')! },
      json: {
        representatives: police.body.representatives.map(({ id: _id, ...representative }) => representative),
      },
    });

    for (const read of publicReads) {
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain(email);
    }
    expect(JSON.stringify(publicReads[0]!.body)).toContain(`Ch Insp Jo Smith ${run}`);
    expect(JSON.stringify(staffRead.body)).toContain(email);
  });

  it('keeps a staff record from the public and from the wrong role', async () => {
    const anonymous = await callApi('/organisations/kent-police');
    const officer = await callApi('/organisations/kent-police', {
      headers: bearer(await staffToken('csu-officer')),
    });

    expect(anonymous.status).toBe(401);
    expect(officer.status).toBe(403);
  });
});
