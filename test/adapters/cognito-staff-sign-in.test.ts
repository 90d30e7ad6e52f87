/**
 * The console's OAuth client against the local user pool's hosted-UI endpoints, which answer at Cognito's
 * paths: the code flow with PKCE, refresh, revocation and sign-out.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CognitoStaffSignIn } from '../../functions/adapters/cognito-staff-sign-in.ts';
import { JwtStaffVerifier } from '../../functions/adapters/jwt-staff-verifier.ts';
import { codeChallengeOf, SignInRefused } from '../../functions/web/staff-sign-in.ts';
import { LOCAL_CONSOLE_CLIENT_ID } from '../../local/auth-issuer.ts';
import { cloud } from '../support/local-cloud.ts';

const issuer = () => `http://127.0.0.1:${new URL(cloud().aws).port}/_local/auth`;
const redirectUri = () => `${cloud().api}/console/callback`;

const signIn = (clientId = LOCAL_CONSOLE_CLIENT_ID) =>
  new CognitoStaffSignIn({
    domainUrl: issuer(),
    clientId,
    verifier: new JwtStaffVerifier({
      issuer: issuer(),
      audience: LOCAL_CONSOLE_CLIENT_ID,
      jwksUrl: `${issuer()}/.well-known/jwks.json`,
    }),
  });

/** Follows the authorization URL as a person would, signing in as an agency officer; returns the code. */
async function codeFor(verifier: string, state = 'the-state'): Promise<string> {
  const url = signIn().authorizationUrl({
    state,
    codeChallenge: codeChallengeOf(verifier),
    redirectUri: redirectUri(),
  });
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const form = new URLSearchParams(new URL(url).searchParams);
  form.set('username', 'kp.adapter');
  form.set('role', 'agency-officer');
  form.set('agency_id', 'kent-police');
  const answer = await fetch(`${issuer()}/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const back = new URL(answer.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe(state);
  return back.searchParams.get('code') ?? '';
}

const aVerifier = () => randomBytes(32).toString('base64url');

describe('CognitoStaffSignIn', () => {
  it('asks for the code flow with PKCE S256, openid only, for its own client and callback', () => {
    const url = new URL(
      signIn().authorizationUrl({ state: 's', codeChallenge: 'c', redirectUri: redirectUri() }),
    );
    expect(url.origin + url.pathname).toBe(`${issuer()}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      redirect_uri: redirectUri(),
      scope: 'openid',
      state: 's',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
  });

  it('asks for the password again after a session ended, through the sign-in service’s logout', async () => {
    const url = new URL(
      signIn().authorizationUrl({ state: 's', codeChallenge: 'c', redirectUri: redirectUri(), fresh: true }),
    );
    expect(url.origin + url.pathname).toBe(`${issuer()}/logout`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('logout_uri')).toBeNull();
    // The local pool signs out and shows its sign-in page, with the same request.
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const authorize = new URL(answer.headers.get('location') ?? '');
    expect(authorize.pathname).toBe('/_local/auth/oauth2/authorize');
    expect(authorize.searchParams.get('state')).toBe('s');
  });

  it('exchanges a code and its verifier for the verified person, with a refresh token', async () => {
    const verifier = aVerifier();
    const staff = await signIn().exchangeCode({
      code: await codeFor(verifier),
      codeVerifier: verifier,
      redirectUri: redirectUri(),
    });
    expect(staff.principal).toEqual({
      subject: 'local-kp.adapter',
      roles: ['agency-officer'],
      agencyId: 'kent-police',
      organisationId: undefined,
    });
    expect(staff.displayName).toBe('kp.adapter');
    expect(staff.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(staff.refreshToken.length).toBeGreaterThan(20);
  });

  it('refuses a code with the wrong verifier, and a code used twice', async () => {
    const verifier = aVerifier();
    const code = await codeFor(verifier);
    await expect(
      signIn().exchangeCode({ code, codeVerifier: aVerifier(), redirectUri: redirectUri() }),
    ).rejects.toBeInstanceOf(SignInRefused);
    const other = aVerifier();
    const second = await codeFor(other);
    await signIn().exchangeCode({ code: second, codeVerifier: other, redirectUri: redirectUri() });
    await expect(
      signIn().exchangeCode({ code: second, codeVerifier: other, redirectUri: redirectUri() }),
    ).rejects.toBeInstanceOf(SignInRefused);
  });

  it('refreshes until the refresh token is revoked, then refuses', async () => {
    const verifier = aVerifier();
    const { refreshToken } = await signIn().exchangeCode({
      code: await codeFor(verifier),
      codeVerifier: verifier,
      redirectUri: redirectUri(),
    });
    const renewed = await signIn().refresh(refreshToken);
    expect(renewed.principal.agencyId).toBe('kent-police');
    await signIn().revoke(refreshToken);
    await expect(signIn().refresh(refreshToken)).rejects.toBeInstanceOf(SignInRefused);
    // Revoking again is harmless: there is nothing left to revoke.
    await expect(signIn().revoke(refreshToken)).resolves.toBeUndefined();
  });

  it('refuses an ID token made for another client (its audience is not the console’s)', async () => {
    // A token from the API's dev endpoint has the API's audience, not the console client's.
    const verifier = new JwtStaffVerifier({
      issuer: issuer(),
      audience: 'another-client',
      jwksUrl: `${issuer()}/.well-known/jwks.json`,
    });
    const strict = new CognitoStaffSignIn({
      domainUrl: issuer(),
      clientId: LOCAL_CONSOLE_CLIENT_ID,
      verifier,
    });
    const code = aVerifier();
    await expect(
      strict.exchangeCode({ code: await codeFor(code), codeVerifier: code, redirectUri: redirectUri() }),
    ).rejects.toBeInstanceOf(SignInRefused);
  });

  it('sends the browser to the sign-in service’s logout, back to the signed-out page', () => {
    const url = new URL(signIn().signOutUrl(`${cloud().api}/console/signed-out`));
    expect(url.origin + url.pathname).toBe(`${issuer()}/logout`);
    expect(url.searchParams.get('client_id')).toBe(LOCAL_CONSOLE_CLIENT_ID);
    expect(url.searchParams.get('logout_uri')).toBe(`${cloud().api}/console/signed-out`);
  });
});
