/**
 * Staff writes end to end: tokens from the local user pool, verified by the same code that verifies Cognito's;
 * no token → 401, wrong role → 403, right role → the change; stale ETag → 412; votes follow voting rights.
 */
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { callApi, cloud, staffToken } from '../support/local-cloud.ts';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function aMotion(title = 'Adopt the 2027-28 partnership plan') {
  const admin = apiClient(await staffToken('partnership-admin'));
  const { data, response } = await admin.POST('/motions', { body: { title } });
  expect(response.status).toBe(201);
  return data!.id;
}

describe('authentication and roles', () => {
  it('answers a staff route without a token with 401 and WWW-Authenticate', async () => {
    const { response, error } = await apiClient().POST('/motions', { body: { title: 'x' } });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(error).toMatchObject({ type: 'urn:csp:problem:not-authenticated' });
  });

  it('answers a forged, tampered or expired token with 401', async () => {
    const admin = await staffToken('partnership-admin');
    const [header, payload] = admin.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(40)}`;
    // The local user pool's control endpoint, not the API: it mints an already expired token.
    const expired = await fetch(`${cloud().control}/auth/token`, {
      method: 'POST',
      body: JSON.stringify({ role: 'partnership-admin', lifetimeSeconds: -60 }),
    }).then(async (r) => ((await r.json()) as { token: string }).token);

    for (const token of ['not-a-jwt', tampered, expired]) {
      const { response } = await apiClient(token).POST('/motions', { body: { title: 'x' } });
      expect(response.status, token.slice(0, 12)).toBe(401);
    }
  });

  it('answers the wrong role with 403 and the right role with the change', async () => {
    const officer = apiClient(await staffToken('csu-officer'));
    const admin = apiClient(await staffToken('partnership-admin'));

    const wrong = await officer.POST('/motions', { body: { title: 'x' } });
    const right = await admin.POST('/motions', { body: { title: 'Agree the CSU referral protocol' } });

    expect(wrong.response.status).toBe(403);
    expect(wrong.error).toMatchObject({ type: 'urn:csp:problem:not-permitted' });
    expect(right.response.status).toBe(201);
    expect(right.response.headers.get('location')).toBe(`/motions/${right.data?.id}`);
  });
});

describe('bad input on staff routes', () => {
  it('is a 4xx problem, never a 500: bad JSON, wrong media type, absurd If-Match, unknown fields', async () => {
    const token = await staffToken('partnership-admin');
    // Bodies the contract cannot express on purpose: cut-off JSON, text/plain, a field the schema forbids.
    const raw = (body: string, contentType: string) =>
      callApi('/motions', {
        method: 'POST',
        body,
        headers: { ...bearer(token), 'content-type': contentType },
      });

    const badJson = await raw('{"title": ', 'application/json');
    const plain = await raw('title=x', 'text/plain');
    const unknown = await raw(JSON.stringify({ title: 'x', colour: 'red' }), 'application/json');
    const hugeIfMatch = await apiClient(token).PUT('/chair', {
      body: { organisationId: 'kent-police', reason: 'x' },
      params: { header: { 'If-Match': '"99999999999999999999"' } },
    });

    expect([badJson.status, plain.status, unknown.status, hugeIfMatch.response.status]).toEqual([
      400, 415, 422, 422,
    ]);
    for (const headers of [badJson.headers, plain.headers, unknown.headers, hugeIfMatch.response.headers]) {
      expect(headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('votes', () => {
  it('let each statutory partner vote once, refuse others clearly, and compute the result', async () => {
    const motionId = await aMotion();
    const vote = async (organisationId: string, choice: 'for' | 'against') =>
      apiClient(await staffToken('partner-representative', organisationId)).POST('/motions/{id}/votes', {
        params: { path: { id: motionId } },
        body: { choice },
      });

    const police = await vote('kent-police', 'for');
    const policeAgain = await vote('kent-police', 'against');
    const forum = await vote('ashford-domestic-abuse-forum', 'for');
    await vote('ashford-borough-council', 'for');
    await vote('kent-fire-rescue', 'against');
    // The CCG is no partner today (replaced by the ICB on 1 July 2022): the ICB votes.
    await vote('nhs-kent-medway-icb', 'for');
    const result = await apiClient().GET('/motions/{id}', { params: { path: { id: motionId } } });

    expect(police.response.status).toBe(201);
    expect(policeAgain.response.status).toBe(409);
    expect(policeAgain.error).toMatchObject({ type: 'urn:csp:problem:already-voted' });
    expect(forum.response.status).toBe(403);
    expect(forum.error).toMatchObject({ type: 'urn:csp:problem:no-voting-rights' });
    expect(result.data?.result).toEqual({
      for: 3,
      against: 1,
      abstain: 0,
      turnout: 4,
      quorate: true,
      outcome: 'carried',
    });
  });

  it('refuse votes once the motion is closed, and a second close', async () => {
    const motionId = await aMotion();
    const admin = apiClient(await staffToken('partnership-admin'));
    const close = () => admin.POST('/motions/{id}/close', { params: { path: { id: motionId } } });
    const first = await close();
    const second = await close();
    expect([first.response.status, second.response.status]).toEqual([200, 409]);

    const late = await apiClient(await staffToken('partner-representative', 'kent-police')).POST(
      '/motions/{id}/votes',
      { params: { path: { id: motionId } }, body: { choice: 'for' } },
    );

    expect(late.response.status).toBe(409);
    expect(late.error).toMatchObject({ type: 'urn:csp:problem:motion-closed' });
  });
});

describe('appointing the chair', () => {
  it('needs If-Match, refuses a stale ETag with 412, and applies a fresh one', async () => {
    const admin = apiClient(await staffToken('partnership-admin'));
    const read = await apiClient().GET('/chair');
    const etag = read.response.headers.get('etag')!;
    const current = read.data!.organisationId;
    const other = current === 'kent-police' ? 'ashford-borough-council' : 'kent-police';
    const body = { organisationId: other, reason: 'Correction agreed at the board meeting' };

    const missing = await admin.PUT('/chair', { body });
    const applied = await admin.PUT('/chair', { body, params: { header: { 'If-Match': etag } } });
    const stale = await admin.PUT('/chair', {
      body: { ...body, organisationId: current },
      params: { header: { 'If-Match': etag } },
    });
    const after = await apiClient().GET('/chair');

    expect(missing.response.status).toBe(428);
    expect(applied.response.status).toBe(200);
    expect(applied.data).toMatchObject({ organisationId: other, source: 'appointment' });
    expect(applied.response.headers.get('etag')).not.toBe(etag);
    expect(stale.response.status).toBe(412);
    expect(after.data?.organisationId).toBe(other);
  });
});

describe('the routing table', () => {
  it('is changed by CSU officers only, with If-Match, and every change is audited', async () => {
    const officer = apiClient(await staffToken('csu-officer'));
    const admin = apiClient(await staffToken('partnership-admin'));
    const parking = { path: { category: 'parking' } };
    const read = await officer.GET('/routing/{category}', { params: parking });
    const etag = read.response.headers.get('etag')!;
    const seeded = read.data!.agencyIds;
    const ifMatch = (value: string) => ({ ...parking, header: { 'If-Match': value } });

    const byAdmin = await admin.PUT('/routing/{category}', {
      params: ifMatch(etag),
      body: { agencyIds: ['abc-parking', 'kent-police'] },
    });
    const unknownAgency = await officer.PUT('/routing/{category}', {
      params: ifMatch(etag),
      body: { agencyIds: ['ghost-agency'] },
    });
    const changed = await officer.PUT('/routing/{category}', {
      params: ifMatch(etag),
      body: { agencyIds: ['abc-parking', 'kent-police'] },
    });
    const stale = await officer.PUT('/routing/{category}', {
      params: ifMatch(etag),
      body: { agencyIds: ['abc-parking'] },
    });
    const history = await officer.GET('/routing/{category}/history', { params: parking });

    // Put the seeded rule back for the other tests.
    await officer.PUT('/routing/{category}', {
      params: ifMatch(changed.response.headers.get('etag')!),
      body: { agencyIds: seeded },
    });

    expect(byAdmin.response.status).toBe(403);
    expect(unknownAgency.response.status).toBe(422);
    expect(unknownAgency.error).toMatchObject({ errors: [{ field: 'agencyIds' }] });
    expect(changed.response.status).toBe(200);
    expect(changed.data?.agencyIds).toEqual(['abc-parking', 'kent-police']);
    expect(stale.response.status).toBe(412);
    expect(history.data?.entries).toHaveLength(1);
    expect(history.data?.entries[0]).toMatchObject({
      before: { agencyIds: seeded },
      after: { agencyIds: ['abc-parking', 'kent-police'] },
      actor: expect.stringMatching(/^local-csu-officer-/),
    });
  });

  it('sets a category’s response-time targets, audited, and reports the defaults until then', async () => {
    const officer = apiClient(await staffToken('csu-officer'));
    const domesticAbuse = { path: { category: 'domestic-abuse' } };
    const before = await officer.GET('/routing/{category}', { params: domesticAbuse });
    const agencyIds = before.data!.agencyIds;

    const changed = await officer.PUT('/routing/{category}', {
      params: { ...domesticAbuse, header: { 'If-Match': before.response.headers.get('etag')! } },
      body: { agencyIds, targets: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 5 } },
    });
    const tooLong = await officer.PUT('/routing/{category}', {
      params: { ...domesticAbuse, header: { 'If-Match': changed.response.headers.get('etag')! } },
      body: { agencyIds, targets: { acceptWithinWorkingDays: 0, closeWithinWorkingDays: 5 } },
    });
    const history = await officer.GET('/routing/{category}/history', { params: domesticAbuse });

    // A sensitive category: the shorter default targets.
    expect(before.data).toMatchObject({
      targets: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 10 },
      targetsAreDefault: true,
    });
    expect(changed.data).toEqual({
      category: 'domestic-abuse',
      agencyIds,
      targets: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 5 },
      targetsAreDefault: false,
    });
    expect(tooLong.response.status).toBe(422);
    expect(history.data?.entries[0]?.after).toHaveProperty('targets', {
      acceptWithinWorkingDays: 1,
      closeWithinWorkingDays: 5,
    });
  });
});
