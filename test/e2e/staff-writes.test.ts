/**
 * Staff writes end to end: tokens from the local user pool, verified by the same code that verifies Cognito's;
 * no token → 401, wrong role → 403, right role → the change; stale ETag → 412; votes follow voting rights.
 */
import { describe, expect, it } from 'vitest';
import { callApi, cloud, staffToken } from '../support/local-cloud.ts';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function aMotion(title = 'Adopt the 2027-28 partnership plan') {
  const admin = await staffToken('partnership-admin');
  const { status, body } = await callApi<{ id: string }>('/motions', {
    method: 'POST',
    json: { title },
    headers: bearer(admin),
  });
  expect(status).toBe(201);
  return body.id;
}

describe('authentication and roles', () => {
  it('answers a staff route without a token with 401 and WWW-Authenticate', async () => {
    const { status, headers, body } = await callApi('/motions', { method: 'POST', json: { title: 'x' } });

    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body).toMatchObject({ type: 'urn:csp:problem:not-authenticated' });
  });

  it('answers a forged, tampered or expired token with 401', async () => {
    const admin = await staffToken('partnership-admin');
    const [header, payload] = admin.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(40)}`;
    const expired = await fetch(`${cloud().control}/auth/token`, {
      method: 'POST',
      body: JSON.stringify({ role: 'partnership-admin', lifetimeSeconds: -60 }),
    }).then(async (r) => ((await r.json()) as { token: string }).token);

    for (const token of ['not-a-jwt', tampered, expired]) {
      const { status } = await callApi('/motions', {
        method: 'POST',
        json: { title: 'x' },
        headers: bearer(token),
      });
      expect(status, token.slice(0, 12)).toBe(401);
    }
  });

  it('answers the wrong role with 403 and the right role with the change', async () => {
    const officer = await staffToken('csu-officer');
    const admin = await staffToken('partnership-admin');

    const wrong = await callApi('/motions', {
      method: 'POST',
      json: { title: 'x' },
      headers: bearer(officer),
    });
    const right = await callApi<{ id: string; status: string }>('/motions', {
      method: 'POST',
      json: { title: 'Agree the CSU referral protocol' },
      headers: bearer(admin),
    });

    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ type: 'urn:csp:problem:not-permitted' });
    expect(right.status).toBe(201);
    expect(right.headers.get('location')).toBe(`/motions/${right.body.id}`);
  });
});

describe('bad input on staff routes', () => {
  it('is a 4xx problem, never a 500: bad JSON, wrong media type, absurd If-Match, unknown fields', async () => {
    const admin = bearer(await staffToken('partnership-admin'));
    const raw = (body: string, contentType: string, headers: Record<string, string> = {}) =>
      callApi('/motions', {
        method: 'POST',
        body,
        headers: { ...admin, 'content-type': contentType, ...headers },
      });

    const badJson = await raw('{"title": ', 'application/json');
    const plain = await raw('title=x', 'text/plain');
    const unknown = await raw(JSON.stringify({ title: 'x', colour: 'red' }), 'application/json');
    const hugeIfMatch = await callApi('/chair', {
      method: 'PUT',
      json: { organisationId: 'kent-police', reason: 'x' },
      headers: { ...admin, 'If-Match': '"99999999999999999999"' },
    });

    expect([badJson.status, plain.status, unknown.status, hugeIfMatch.status]).toEqual([400, 415, 422, 422]);
    for (const response of [badJson, plain, unknown, hugeIfMatch]) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('votes', () => {
  it('let each statutory partner vote once, refuse others clearly, and compute the result', async () => {
    const motionId = await aMotion();
    const vote = async (organisationId: string, choice: string) =>
      callApi(`/motions/${motionId}/votes`, {
        method: 'POST',
        json: { choice },
        headers: bearer(await staffToken('partner-representative', organisationId)),
      });

    const police = await vote('kent-police', 'for');
    const policeAgain = await vote('kent-police', 'against');
    const forum = await vote('ashford-domestic-abuse-forum', 'for');
    await vote('ashford-borough-council', 'for');
    await vote('kent-fire-rescue', 'against');
    // The CCG is no partner today (replaced by the ICB on 1 July 2022): the ICB votes.
    await vote('nhs-kent-medway-icb', 'for');
    const result = await callApi<{ result: Record<string, unknown> }>(`/motions/${motionId}`);

    expect(police.status).toBe(201);
    expect(policeAgain.status).toBe(409);
    expect(policeAgain.body).toMatchObject({ type: 'urn:csp:problem:already-voted' });
    expect(forum.status).toBe(403);
    expect(forum.body).toMatchObject({ type: 'urn:csp:problem:no-voting-rights' });
    expect(result.body.result).toEqual({
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
    const admin = bearer(await staffToken('partnership-admin'));
    const close = () => callApi(`/motions/${motionId}/close`, { method: 'POST', headers: admin });
    const first = await close();
    const second = await close();
    expect([first.status, second.status]).toEqual([200, 409]);

    const late = await callApi(`/motions/${motionId}/votes`, {
      method: 'POST',
      json: { choice: 'for' },
      headers: bearer(await staffToken('partner-representative', 'kent-police')),
    });

    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ type: 'urn:csp:problem:motion-closed' });
  });
});

describe('appointing the chair', () => {
  it('needs If-Match, refuses a stale ETag with 412, and applies a fresh one', async () => {
    const admin = bearer(await staffToken('partnership-admin'));
    const read = await callApi<{ organisationId: string }>('/chair');
    const etag = read.headers.get('etag')!;
    const other = read.body.organisationId === 'kent-police' ? 'ashford-borough-council' : 'kent-police';
    const body = { organisationId: other, reason: 'Correction agreed at the board meeting' };

    const missing = await callApi('/chair', { method: 'PUT', json: body, headers: admin });
    const applied = await callApi<{ organisationId: string; source: string }>('/chair', {
      method: 'PUT',
      json: body,
      headers: { ...admin, 'If-Match': etag },
    });
    const stale = await callApi('/chair', {
      method: 'PUT',
      json: { ...body, organisationId: read.body.organisationId },
      headers: { ...admin, 'If-Match': etag },
    });
    const after = await callApi<{ organisationId: string }>('/chair');

    expect(missing.status).toBe(428);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ organisationId: other, source: 'appointment' });
    expect(applied.headers.get('etag')).not.toBe(etag);
    expect(stale.status).toBe(412);
    expect(after.body.organisationId).toBe(other);
  });
});

describe('the routing table', () => {
  it('is changed by CSU officers only, with If-Match, and every change is audited', async () => {
    const officer = bearer(await staffToken('csu-officer'));
    const admin = bearer(await staffToken('partnership-admin'));
    const read = await callApi<{ agencyIds: string[] }>('/routing/parking', { headers: officer });
    const etag = read.headers.get('etag')!;

    const byAdmin = await callApi('/routing/parking', {
      method: 'PUT',
      json: { agencyIds: ['abc-parking', 'kent-police'] },
      headers: { ...admin, 'If-Match': etag },
    });
    const unknownAgency = await callApi('/routing/parking', {
      method: 'PUT',
      json: { agencyIds: ['ghost-agency'] },
      headers: { ...officer, 'If-Match': etag },
    });
    const changed = await callApi<{ agencyIds: string[] }>('/routing/parking', {
      method: 'PUT',
      json: { agencyIds: ['abc-parking', 'kent-police'] },
      headers: { ...officer, 'If-Match': etag },
    });
    const stale = await callApi('/routing/parking', {
      method: 'PUT',
      json: { agencyIds: ['abc-parking'] },
      headers: { ...officer, 'If-Match': etag },
    });
    const history = await callApi<{ entries: { actor: string; before: unknown; after: unknown }[] }>(
      '/routing/parking/history',
      { headers: officer },
    );

    // Put the seeded rule back for the other tests.
    await callApi('/routing/parking', {
      method: 'PUT',
      json: { agencyIds: read.body.agencyIds },
      headers: { ...officer, 'If-Match': changed.headers.get('etag')! },
    });

    expect(byAdmin.status).toBe(403);
    expect(unknownAgency.status).toBe(422);
    expect(unknownAgency.body).toMatchObject({ errors: [{ field: 'agencyIds' }] });
    expect(changed.status).toBe(200);
    expect(changed.body.agencyIds).toEqual(['abc-parking', 'kent-police']);
    expect(stale.status).toBe(412);
    expect(history.body.entries).toHaveLength(1);
    expect(history.body.entries[0]).toMatchObject({
      before: { agencyIds: read.body.agencyIds },
      after: { agencyIds: ['abc-parking', 'kent-police'] },
      actor: expect.stringMatching(/^local-csu-officer-/),
    });
  });

  it('sets a category’s response-time targets, audited, and reports the defaults until then', async () => {
    const officer = bearer(await staffToken('csu-officer'));
    const before = await callApi<{ targets: unknown; targetsAreDefault: boolean; agencyIds: string[] }>(
      '/routing/domestic-abuse',
      { headers: officer },
    );

    const changed = await callApi<{ targets: unknown; targetsAreDefault: boolean }>(
      '/routing/domestic-abuse',
      {
        method: 'PUT',
        json: {
          agencyIds: before.body.agencyIds,
          targets: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 5 },
        },
        headers: { ...officer, 'If-Match': before.headers.get('etag')! },
      },
    );
    const tooLong = await callApi('/routing/domestic-abuse', {
      method: 'PUT',
      json: {
        agencyIds: before.body.agencyIds,
        targets: { acceptWithinWorkingDays: 0, closeWithinWorkingDays: 5 },
      },
      headers: { ...officer, 'If-Match': changed.headers.get('etag')! },
    });
    const history = await callApi<{ entries: { after: { targets?: unknown } }[] }>(
      '/routing/domestic-abuse/history',
      { headers: officer },
    );

    // A sensitive category: the shorter default targets.
    expect(before.body).toMatchObject({
      targets: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 10 },
      targetsAreDefault: true,
    });
    expect(changed.body).toEqual({
      category: 'domestic-abuse',
      agencyIds: before.body.agencyIds,
      targets: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 5 },
      targetsAreDefault: false,
    });
    expect(tooLong.status).toBe(422);
    expect(history.body.entries[0]?.after.targets).toEqual({
      acceptWithinWorkingDays: 1,
      closeWithinWorkingDays: 5,
    });
  });
});
