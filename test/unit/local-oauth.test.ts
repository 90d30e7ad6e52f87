/**
 * The local user pool's hosted UI: Cognito's OAuth 2.0 authorization code flow with PKCE, refresh, revocation
 * and logout, driven through the issuer's handler as the AWS endpoint drives it, and its sign-in page checked
 * in a real browser (axe, the CSP, no JavaScript).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STAFF_ROLES } from '../../functions/domain/staff.ts';
import {
  createLocalIssuer,
  LOCAL_AUDIENCE,
  LOCAL_CONSOLE_CLIENT_ID,
  type LocalDirectory,
  type LocalHostedUiReply,
  type LocalIssuer,
} from '../../local/auth-issuer.ts';
import { axeViolations, launchBrowser } from '../support/browser.ts';

const BASE_URL = 'http://127.0.0.1:4566';
const CONSOLE = 'http://127.0.0.1:3300';
const CALLBACK = `${CONSOLE}/auth/callback`;
const SIGNED_OUT = `${CONSOLE}/signed-out`;
const OTHER_CLIENT_ID = 'another-app';
const DIRECTORY: LocalDirectory = {
  agencies: [
    { id: 'kent-police', name: 'Kent Police' },
    { id: 'kent-fire', name: 'Kent Fire & Rescue' },
  ],
  organisations: [{ id: 'ashford-bc', name: 'Ashford Borough Council' }],
};

let issuer: LocalIssuer;

beforeAll(async () => {
  issuer = await createLocalIssuer({
    baseUrl: BASE_URL,
    clients: [
      { clientId: LOCAL_CONSOLE_CLIENT_ID, callbackUrls: [CALLBACK], logoutUrls: [SIGNED_OUT] },
      { clientId: OTHER_CLIENT_ID, callbackUrls: ['http://127.0.0.1:4000/cb'], logoutUrls: [] },
    ],
    directory: DIRECTORY,
  });
});

afterEach(() => {
  vi.useRealTimers();
});

// ——— Builders and steps, as a web client and a browser would take them ———

function aPkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function anAuthorizationRequest(challenge: string, overrides: Record<string, string | undefined> = {}) {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: LOCAL_CONSOLE_CLIENT_ID,
    redirect_uri: CALLBACK,
    state: 'state-123',
    scope: 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function call(
  method: string,
  path: string,
  params = new URLSearchParams(),
): Promise<LocalHostedUiReply> {
  const reply = await issuer.oauth.handle({
    method,
    path,
    query: method === 'GET' ? params : new URLSearchParams(),
    body: method === 'GET' ? '' : params.toString(),
  });
  if (!reply) throw new Error(`${method} ${path} is not a hosted UI path`);
  return reply;
}

/** The hidden fields of the sign-in form, unescaped as a browser would read them. */
function hiddenFields(html: string): Record<string, string> {
  const decodeEntities = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1],
      decodeEntities(m[2] ?? ''),
    ]),
  );
}

/** Opens the sign-in page and submits it with `choice`, the way a browser posts the form. */
async function submitSignIn(
  request: URLSearchParams,
  choice: Record<string, string> = { username: 'csu.officer', role: 'csu-officer' },
) {
  const signInPage = await call('GET', '/oauth2/authorize', request);
  const form = new URLSearchParams({ ...hiddenFields(signInPage.body), ...choice });
  return call('POST', '/oauth2/authorize', form);
}

/** Signs in and returns the code the client's callback receives. */
async function codeFor(challenge: string, choice?: Record<string, string>) {
  const reply = await submitSignIn(anAuthorizationRequest(challenge), choice);
  const code = new URL(reply.headers.location ?? 'x:').searchParams.get('code');
  if (!code) throw new Error(`No code: ${reply.status} ${reply.headers.location}`);
  return code;
}

function exchange(code: string, verifier: string, overrides: Record<string, string> = {}) {
  return call(
    'POST',
    '/oauth2/token',
    new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      ...overrides,
    }),
  );
}

function refresh(refreshToken: string, clientId = LOCAL_CONSOLE_CLIENT_ID) {
  return call(
    'POST',
    '/oauth2/token',
    new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }),
  );
}

async function signedInTokens(choice?: Record<string, string>) {
  const { verifier, challenge } = aPkcePair();
  const reply = await exchange(await codeFor(challenge, choice), verifier);
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as {
    id_token: string;
    access_token: string;
    refresh_token: string;
    token_type: string;
    expires_in: number;
  };
}

function verifyIdToken(token: string, audience = LOCAL_CONSOLE_CLIENT_ID) {
  return jwtVerify(token, createLocalJWKSet(issuer.jwks()), { issuer: issuer.issuer, audience });
}

const errorOf = (reply: LocalHostedUiReply) => JSON.parse(reply.body) as { error: string };

// ——— The authorize endpoint ———

describe('GET /oauth2/authorize', () => {
  it('renders the local sign-in page, carrying the request in hidden fields, under a strict CSP', async () => {
    const { challenge } = aPkcePair();

    const reply = await call('GET', '/oauth2/authorize', anAuthorizationRequest(challenge, { nonce: 'n-1' }));

    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<html lang="en">');
    expect(reply.body).toContain('<title>Sign in (local only) – Community Safety Partnership</title>');
    expect(reply.body.match(/<h1[ >]/g)).toHaveLength(1);
    expect(reply.body).toMatch(/<main[ >]/);
    expect(reply.body).toMatch(/only in the local cloud/);
    expect(reply.body).toMatch(/Cognito hosted UI .*MFA/);
    expect(reply.body).not.toMatch(/<script/i);
    expect(hiddenFields(reply.body)).toEqual({
      response_type: 'code',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      redirect_uri: CALLBACK,
      state: 'state-123',
      scope: 'openid email',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'n-1',
    });
    for (const role of STAFF_ROLES) {
      expect(reply.body).toContain(`<input type="radio" id="role-${role}" name="role" value="${role}"`);
      expect(reply.body).toContain(`<label for="role-${role}">`);
    }
    expect(reply.body).toContain('<option value="kent-fire">Kent Fire &amp; Rescue</option>');
    expect(reply.body).toContain('<option value="ashford-bc">Ashford Borough Council</option>');
    expect(reply.body).toContain('value="csu.officer"');

    const style = /<style>([\s\S]*)<\/style>/.exec(reply.body)?.[1] ?? '';
    const styleHash = createHash('sha256').update(style).digest('base64');
    expect(reply.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; form-action 'self' ${CONSOLE}; frame-ancestors 'none'; base-uri 'none'`,
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: `${CONSOLE}/elsewhere` }],
    ['a redirect_uri that only starts like a registered one', { redirect_uri: `${CALLBACK}/../../evil` }],
    ['another client’s redirect_uri', { redirect_uri: 'http://127.0.0.1:4000/cb' }],
    ['no redirect_uri', { redirect_uri: undefined }],
    ['an unknown client_id', { client_id: 'who-knows' }],
  ])('answers %s with a 400 page and never redirects', async (_case, overrides) => {
    const reply = await call(
      'GET',
      '/oauth2/authorize',
      anAuthorizationRequest(aPkcePair().challenge, overrides),
    );

    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.body).toContain('The sign-in request was refused');
    expect(reply.headers['content-security-policy']).toContain("form-action 'none'");
  });

  it('answers a repeated redirect_uri with a 400 page, not a choice between them', async () => {
    const request = anAuthorizationRequest(aPkcePair().challenge);
    request.append('redirect_uri', 'https://attacker.example/cb');

    const reply = await call('GET', '/oauth2/authorize', request);

    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
  });

  it.each([
    ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge_method (plain by default)', { code_challenge_method: undefined }, 'invalid_request'],
    ['a code_challenge that is no SHA-256', { code_challenge: 'short' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a scope without openid', { scope: 'email profile' }, 'invalid_scope'],
  ])('redirects %s back to the client with error=%s and the state', async (_case, overrides, error) => {
    const reply = await call(
      'GET',
      '/oauth2/authorize',
      anAuthorizationRequest(aPkcePair().challenge, overrides),
    );

    expect(reply.status).toBe(302);
    const location = new URL(reply.headers.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('escapes an injected state everywhere it appears in the page', async () => {
    const state = '"><script>alert(1)</script>';

    const reply = await call(
      'GET',
      '/oauth2/authorize',
      anAuthorizationRequest(aPkcePair().challenge, { state }),
    );

    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).not.toContain('"><');
    expect(reply.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(hiddenFields(reply.body).state).toBe(state);
  });

  it('offers a Cancel link back to the client with error=access_denied and the state', async () => {
    const reply = await call('GET', '/oauth2/authorize', anAuthorizationRequest(aPkcePair().challenge));

    const href = /<a href="([^"]+)">Cancel<\/a>/.exec(reply.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const cancel = new URL(href);
    expect(`${cancel.origin}${cancel.pathname}`).toBe(CALLBACK);
    expect(cancel.searchParams.get('error')).toBe('access_denied');
    expect(cancel.searchParams.get('state')).toBe('state-123');
  });
});

describe('POST /oauth2/authorize', () => {
  it('redirects to the callback with a fresh one-time code and the state', async () => {
    const { challenge } = aPkcePair();

    const first = await submitSignIn(anAuthorizationRequest(challenge));
    const second = await submitSignIn(anAuthorizationRequest(challenge));

    expect(first.status).toBe(302);
    const location = new URL(first.headers.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(second.headers.location ?? '').searchParams.get('code')).not.toBe(
      location.searchParams.get('code'),
    );
  });

  it('re-checks the client’s redirect_uri: a tampered hidden field gets a 400 page, no redirect', async () => {
    const { challenge } = aPkcePair();
    const form = anAuthorizationRequest(challenge, { redirect_uri: 'https://attacker.example/cb' });
    form.set('username', 'csu.officer');
    form.set('role', 'csu-officer');

    const reply = await call('POST', '/oauth2/authorize', form);

    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
  });

  it('re-checks PKCE: a post without code_challenge is refused at the callback, with no code', async () => {
    const form = anAuthorizationRequest('', { code_challenge: undefined });
    form.set('username', 'csu.officer');
    form.set('role', 'csu-officer');

    const reply = await call('POST', '/oauth2/authorize', form);

    const location = new URL(reply.headers.location ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('re-renders an agency officer without an agency with an error summary and the choices kept', async () => {
    const reply = await submitSignIn(anAuthorizationRequest(aPkcePair().challenge), {
      username: 'a.officer',
      role: 'agency-officer',
      agency_id: '',
    });

    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
    expect(reply.body).toContain('<title>Error: Sign in (local only)');
    const summary = /<div class="error-summary" role="alert"[\s\S]*?<\/div>/.exec(reply.body)?.[0] ?? '';
    expect(summary).toContain('There is a problem');
    expect(summary).toContain('<a href="#agency">Select the agency the agency officer works for</a>');
    expect(reply.body).toContain('id="agency-error"');
    expect(reply.body).toMatch(/<select [^>]*id="agency"[^>]*aria-describedby="agency-hint agency-error"/);
    expect(reply.body).toContain('value="a.officer"');
    expect(reply.body).toMatch(/value="agency-officer"[^>]* checked/);
    expect(hiddenFields(reply.body).code_challenge).toBeDefined();
  });

  it.each([
    ['a representative without an organisation', { role: 'partner-representative' }, '#organisation'],
    ['an agency not in the directory', { role: 'agency-officer', agency_id: 'made-up' }, '#agency'],
    ['capitals in the user name', { username: 'CSU.Officer', role: 'csu-officer' }, '#username'],
    ['a user name over 40 characters', { username: 'a'.repeat(41), role: 'csu-officer' }, '#username'],
    ['no role', { role: '' }, `#role-${STAFF_ROLES[0]}`],
  ])('refuses %s with a 400 page linking to the field', async (_case, choice, link) => {
    const reply = await submitSignIn(anAuthorizationRequest(aPkcePair().challenge), {
      username: 'someone',
      ...choice,
    });

    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
    expect(reply.body).toContain(`<a href="${link}">`);
  });

  it('escapes what the developer typed when the page comes back with errors', async () => {
    const reply = await submitSignIn(anAuthorizationRequest(aPkcePair().challenge), {
      username: '"><script>x</script>',
      role: 'csu-officer',
    });

    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});

// ——— The token endpoint ———

describe('POST /oauth2/token', () => {
  it('exchanges a code and its verifier for Cognito-shaped tokens', async () => {
    const { verifier, challenge } = aPkcePair();
    const code = await codeFor(challenge, {
      username: 'k.smith',
      role: 'agency-officer',
      agency_id: 'kent-police',
      organisation_id: 'ashford-bc',
    });

    const reply = await exchange(code, verifier);

    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const tokens = JSON.parse(reply.body);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const { payload, protectedHeader } = await verifyIdToken(tokens.id_token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: issuer.jwks().keys[0]?.kid });
    expect(payload).toMatchObject({
      iss: `${BASE_URL}/_local/auth`,
      aud: LOCAL_CONSOLE_CLIENT_ID,
      sub: 'local-k.smith',
      token_use: 'id',
      'cognito:username': 'k.smith',
      'cognito:groups': ['agency-officer'],
      'custom:agency_id': 'kent-police',
    });
    // The organisation belongs to representatives only: chosen by mistake, it is not in the token.
    expect(payload['custom:organisation_id']).toBeUndefined();
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(payload.auth_time).toBeGreaterThan(Date.now() / 1000 - 60);
    const access = await jwtVerify(tokens.access_token, createLocalJWKSet(issuer.jwks()), {
      issuer: issuer.issuer,
    });
    expect(access.payload).toMatchObject({
      token_use: 'access',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      scope: 'openid email',
      sub: 'local-k.smith',
    });
  });

  it('puts a representative’s organisation, and the request’s nonce, in the ID token', async () => {
    const { verifier, challenge } = aPkcePair();
    const reply = await submitSignIn(anAuthorizationRequest(challenge, { nonce: 'nonce-42' }), {
      username: 'rep',
      role: 'partner-representative',
      organisation_id: 'ashford-bc',
    });
    const code = new URL(reply.headers.location ?? '').searchParams.get('code') ?? '';

    const tokens = JSON.parse((await exchange(code, verifier)).body);

    const { payload } = await verifyIdToken(tokens.id_token);
    expect(payload).toMatchObject({
      'cognito:groups': ['partner-representative'],
      'custom:organisation_id': 'ashford-bc',
      nonce: 'nonce-42',
    });
    expect(payload['custom:agency_id']).toBeUndefined();
  });

  it('refuses a verifier that does not hash to the challenge', async () => {
    const { challenge } = aPkcePair();
    const code = await codeFor(challenge);

    const reply = await exchange(code, aPkcePair().verifier);

    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toEqual({ error: 'invalid_grant' });
  });

  it('accepts a code once: the second exchange fails and revokes what the first bought', async () => {
    const { verifier, challenge } = aPkcePair();
    const code = await codeFor(challenge);
    const first = JSON.parse((await exchange(code, verifier)).body);

    const second = await exchange(code, verifier);

    expect(second.status).toBe(400);
    expect(errorOf(second)).toEqual({ error: 'invalid_grant' });
    expect(errorOf(await refresh(first.refresh_token))).toEqual({ error: 'invalid_grant' });
  });

  it.each([
    ['another redirect_uri', { redirect_uri: `${CONSOLE}/other` }],
    ['another client', { client_id: OTHER_CLIENT_ID }],
    ['a made-up code', { code: randomBytes(32).toString('base64url') }],
  ])('refuses a code presented with %s', async (_case, overrides) => {
    const { verifier, challenge } = aPkcePair();
    const code = await codeFor(challenge);

    const reply = await exchange(code, verifier, overrides);

    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toEqual({ error: 'invalid_grant' });
  });

  it('refuses a code after its 5 minutes, and accepts it just before', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T09:00:00Z') });
    const early = aPkcePair();
    const late = aPkcePair();
    const earlyCode = await codeFor(early.challenge);
    const lateCode = await codeFor(late.challenge);

    vi.setSystemTime(new Date('2026-03-02T09:04:59Z'));
    const inTime = await exchange(earlyCode, early.verifier);
    vi.setSystemTime(new Date('2026-03-02T09:05:01Z'));
    const tooLate = await exchange(lateCode, late.verifier);

    expect(inTime.status).toBe(200);
    expect(errorOf(tooLate)).toEqual({ error: 'invalid_grant' });
  });

  it.each([
    ['an unknown client', { grant_type: 'authorization_code', client_id: 'who-knows' }, 'invalid_client'],
    [
      'an unsupported grant',
      { grant_type: 'password', client_id: LOCAL_CONSOLE_CLIENT_ID },
      'unsupported_grant_type',
    ],
    ['no grant_type', { client_id: LOCAL_CONSOLE_CLIENT_ID }, 'invalid_request'],
    ['no client_id', { grant_type: 'authorization_code', code: 'x' }, 'invalid_request'],
    [
      'a code without its verifier',
      {
        grant_type: 'authorization_code',
        client_id: LOCAL_CONSOLE_CLIENT_ID,
        code: 'x',
        redirect_uri: CALLBACK,
      },
      'invalid_request',
    ],
  ])('answers %s with 400 %s', async (_case, form, error) => {
    const reply = await call('POST', '/oauth2/token', new URLSearchParams(form));

    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toEqual({ error });
  });

  it('refreshes: new ID and access tokens for the same user, and no new refresh token', async () => {
    const first = await signedInTokens({ username: 'admin', role: 'partnership-admin' });

    const reply = await refresh(first.refresh_token);

    expect(reply.status).toBe(200);
    const tokens = JSON.parse(reply.body);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).not.toBe(first.id_token);
    const { payload } = await verifyIdToken(tokens.id_token);
    expect(payload).toMatchObject({ sub: 'local-admin', 'cognito:groups': ['partnership-admin'] });
    expect(payload.auth_time).toBe(decodeJwt(first.id_token).auth_time);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ token_use: 'access' });
  });

  it('refuses a refresh token presented by another client, or one it never issued', async () => {
    const { refresh_token } = await signedInTokens();

    expect(errorOf(await refresh(refresh_token, OTHER_CLIENT_ID))).toEqual({ error: 'invalid_grant' });
    expect(errorOf(await refresh('not-a-token'))).toEqual({ error: 'invalid_grant' });
  });
});

// ——— Revocation and logout ———

describe('POST /oauth2/revoke', () => {
  it('revokes a refresh token: refreshing with it then fails', async () => {
    const { refresh_token } = await signedInTokens();
    expect((await refresh(refresh_token)).status).toBe(200);

    const reply = await call(
      'POST',
      '/oauth2/revoke',
      new URLSearchParams({ token: refresh_token, client_id: LOCAL_CONSOLE_CLIENT_ID }),
    );

    expect(reply).toMatchObject({ status: 200, body: '' });
    expect(errorOf(await refresh(refresh_token))).toEqual({ error: 'invalid_grant' });
  });

  it('answers 200 for a token it does not know, and leaves another client’s token alone', async () => {
    const { refresh_token } = await signedInTokens();

    const unknown = await call(
      'POST',
      '/oauth2/revoke',
      new URLSearchParams({ token: 'never-issued', client_id: LOCAL_CONSOLE_CLIENT_ID }),
    );
    const foreign = await call(
      'POST',
      '/oauth2/revoke',
      new URLSearchParams({ token: refresh_token, client_id: OTHER_CLIENT_ID }),
    );

    expect(unknown).toMatchObject({ status: 200, body: '' });
    expect(foreign).toMatchObject({ status: 200, body: '' });
    expect((await refresh(refresh_token)).status).toBe(200);
  });

  it('refuses an unknown client with invalid_client', async () => {
    const reply = await call(
      'POST',
      '/oauth2/revoke',
      new URLSearchParams({ token: 't', client_id: 'nobody' }),
    );

    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toEqual({ error: 'invalid_client' });
  });
});

describe('GET /logout', () => {
  it('redirects to a registered sign-out URL', async () => {
    const reply = await call(
      'GET',
      '/logout',
      new URLSearchParams({ client_id: LOCAL_CONSOLE_CLIENT_ID, logout_uri: SIGNED_OUT }),
    );

    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe(SIGNED_OUT);
  });

  it.each([
    [
      'an unregistered logout_uri',
      { client_id: LOCAL_CONSOLE_CLIENT_ID, logout_uri: 'https://attacker.example/' },
    ],
    ['a callback URL as logout_uri', { client_id: LOCAL_CONSOLE_CLIENT_ID, logout_uri: CALLBACK }],
    ['an unknown client', { client_id: 'nobody', logout_uri: SIGNED_OUT }],
  ])('answers %s with a 400 page and no redirect', async (_case, query) => {
    const reply = await call('GET', '/logout', new URLSearchParams(query));

    expect(reply.status).toBe(400);
    expect(reply.headers.location).toBeUndefined();
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('the issuer around the hosted UI', () => {
  it('leaves other paths to its caller and refuses a wrong method', async () => {
    const other = await issuer.oauth.handle({
      method: 'GET',
      path: '/token',
      query: new URLSearchParams(),
      body: '',
    });
    const wrongMethod = await call('GET', '/oauth2/token');

    expect(other).toBeUndefined();
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });

  it('still signs dev tokens for the API’s audience by default, and for another when asked', async () => {
    const forApi = await issuer.issue({ role: 'csu-officer', subject: 'local-dev' });
    const forConsole = await issuer.issue({ role: 'csu-officer', audience: LOCAL_CONSOLE_CLIENT_ID });

    expect((await verifyIdToken(forApi, LOCAL_AUDIENCE)).payload).toMatchObject({
      sub: 'local-dev',
      token_use: 'id',
      'cognito:groups': ['csu-officer'],
    });
    expect((await verifyIdToken(forConsole)).payload.aud).toBe(LOCAL_CONSOLE_CLIENT_ID);
  });

  it('refuses to start with a client whose callback URL is relative', async () => {
    await expect(
      createLocalIssuer({
        baseUrl: BASE_URL,
        clients: [{ clientId: 'broken', callbackUrls: ['/callback'], logoutUrls: [] }],
      }),
    ).rejects.toThrow(/not an absolute URL/);
  });
});

// ——— In a real browser ———

/** The few browser globals the page-side callbacks below use (the project compiles without the DOM library). */
interface FocusGlobals {
  document: { activeElement: object | null; body: object };
  getComputedStyle(element: object): { outlineColor: string; outlineStyle: string; fontSize: string };
}

describe('the sign-in page in a real browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function violationsFor(html: string) {
    const page = await browser.newPage();
    try {
      await page.setBypassCSP(true); // only so axe can be injected
      await page.setContent(html);
      return await axeViolations(page);
    } finally {
      await page.close();
    }
  }

  it('finds no WCAG 2.2 AA or best-practice violations on the sign-in page', async () => {
    const reply = await call('GET', '/oauth2/authorize', anAuthorizationRequest(aPkcePair().challenge));

    expect(await violationsFor(reply.body)).toEqual([]);
  });

  it('finds no violations on the page with errors, nor on the refused-request page', async () => {
    const withErrors = await submitSignIn(anAuthorizationRequest(aPkcePair().challenge), {
      username: 'Bad Name',
      role: 'agency-officer',
    });
    const refused = await call('GET', '/logout', new URLSearchParams({ client_id: 'nobody' }));
    expect(withErrors.status).toBe(400);

    expect(await violationsFor(withErrors.body)).toEqual([]);
    expect(await violationsFor(refused.body)).toEqual([]);
  });

  /**
   * A page whose requests to the issuer are answered by the hosted UI's handler and whose requests to the
   * console are recorded and answered 200: the whole round trip with no port and no network. `outcome` settles
   * when the console's page has loaded or the browser reports a CSP violation, whichever comes first.
   */
  async function hostedUiPage(tamperCsp?: (csp: string) => string) {
    const page = await browser.newPage();
    const callbacks: string[] = [];
    const messages: string[] = [];
    let settle = () => {};
    const outcome = new Promise<void>((resolve) => {
      settle = resolve;
    });
    page.on('console', (message) => {
      messages.push(message.text());
      if (/Content Security Policy/i.test(message.text())) settle();
    });
    // Settled once the console's page has loaded: closing a page mid-navigation can hang Chromium.
    page.on('load', () => {
      if (page.url().startsWith(CONSOLE)) settle();
    });
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      void (async () => {
        const url = new URL(request.url());
        if (url.href.startsWith(`${issuer.issuer}/`)) {
          const reply = await issuer.oauth.handle({
            method: request.method(),
            path: url.pathname.slice(new URL(issuer.issuer).pathname.length),
            query: url.searchParams,
            body: request.postData() ?? '',
          });
          const headers = { ...reply?.headers };
          if (tamperCsp && headers['content-security-policy']) {
            headers['content-security-policy'] = tamperCsp(headers['content-security-policy']);
          }
          await request.respond({ status: reply?.status ?? 404, headers, body: reply?.body ?? '' });
        } else if (url.origin === CONSOLE) {
          callbacks.push(url.href);
          await request.respond({ status: 200, contentType: 'text/plain', body: 'console' });
        } else {
          await request.abort('blockedbyclient');
        }
      })();
    });
    return { page, callbacks, messages, outcome };
  }

  /** Chooses an agency officer of Kent Fire & Rescue with the mouse, and presses Sign in. */
  async function signInAsAgencyOfficer(hosted: { page: Page; outcome: Promise<void> }, state: string) {
    const request = anAuthorizationRequest(aPkcePair().challenge, { state });
    await hosted.page.goto(`${issuer.issuer}/oauth2/authorize?${request}`, { waitUntil: 'load' });
    await hosted.page.click('#role-agency-officer');
    await hosted.page.select('#agency', 'kent-fire');
    await hosted.page.click('button[type="submit"]');
    await Promise.race([hosted.outcome, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }

  it('signs in without JavaScript under the real CSP, and shows a yellow focus outline', async () => {
    const hosted = await hostedUiPage();
    const { page, callbacks, messages } = hosted;
    try {
      const request = anAuthorizationRequest(aPkcePair().challenge);
      await page.goto(`${issuer.issuer}/oauth2/authorize?${request}`, { waitUntil: 'load' });
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const window = globalThis as unknown as FocusGlobals;
        const focused = window.document.activeElement;
        return {
          body: window.getComputedStyle(window.document.body).fontSize,
          ...(focused ? window.getComputedStyle(focused) : {}),
        };
      });

      await signInAsAgencyOfficer(hosted, 'round-trip');

      expect(focus).toMatchObject({ body: '19px', outlineStyle: 'solid', outlineColor: 'rgb(255, 221, 0)' });
      expect(callbacks).toHaveLength(1);
      const callback = new URL(callbacks[0] ?? '');
      expect(callback.pathname).toBe('/auth/callback');
      expect(callback.searchParams.get('state')).toBe('round-trip');
      expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(messages.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('would be stopped by the CSP if form-action did not list the callback’s origin', async () => {
    const hosted = await hostedUiPage((csp) => csp.replace(` ${CONSOLE}`, ''));
    const { page, callbacks, messages } = hosted;
    try {
      await signInAsAgencyOfficer(hosted, 'blocked');

      expect(callbacks).toEqual([]);
      expect(messages.join('\n')).toMatch(/form-action/);
    } finally {
      await page.close();
    }
  });
});
