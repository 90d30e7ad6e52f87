import { decodeJwt, errors } from 'jose';
import { NotAuthenticated } from '../domain/errors.ts';
import type { StaffTokenVerifier } from '../domain/staff.ts';
import {
  type SignedInStaff,
  SignInRefused,
  SignInUnavailable,
  type StaffSignIn,
} from '../web/staff-sign-in.ts';

/** How long a call to the sign-in service may take before the console gives up (and says so). */
const TIMEOUT_MS = 5000;

/**
 * Cognito's OAuth 2.0 endpoints (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, `/logout`) for the
 * console's public app client (PKCE instead of a client secret). Every ID token is verified by the same
 * verifier as the API's bearer tokens (issuer, RS256 signature, expiry), with the console client as audience.
 */
export class CognitoStaffSignIn implements StaffSignIn {
  constructor(
    private readonly options: {
      /** The pool's domain, e.g. `https://csp-prod-ashford.auth.eu-west-2.amazoncognito.com`. */
      readonly domainUrl: string;
      readonly clientId: string;
      readonly verifier: StaffTokenVerifier;
    },
  ) {
    new URL(options.domainUrl);
  }

  private endpoint(path: string): URL {
    return new URL(`${this.options.domainUrl.replace(/\/+$/, '')}${path}`);
  }

  authorizationUrl(input: {
    state: string;
    codeChallenge: string;
    redirectUri: string;
    fresh?: boolean;
  }): string {
    // Cognito's /logout, given the authorize parameters instead of a logout_uri, ends its own session and
    // then shows the sign-in page: the way to ask for the password again.
    const url = this.endpoint(input.fresh ? '/logout' : '/oauth2/authorize');
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.options.clientId,
      redirect_uri: input.redirectUri,
      scope: 'openid',
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  }

  async exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }) {
    const tokens = await this.token({
      grant_type: 'authorization_code',
      code: input.code,
      code_verifier: input.codeVerifier,
      redirect_uri: input.redirectUri,
    });
    if (typeof tokens.refresh_token !== 'string') throw new SignInRefused('no refresh token');
    return { ...(await this.verified(tokens.id_token)), refreshToken: tokens.refresh_token };
  }

  async refresh(refreshToken: string): Promise<SignedInStaff> {
    const tokens = await this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
    return this.verified(tokens.id_token);
  }

  async revoke(refreshToken: string): Promise<void> {
    const response = await this.post('/oauth2/revoke', { token: refreshToken });
    // 400 means the token was already unusable: revoked, expired, or another client's. Nothing left to revoke.
    if (!response.ok && response.status !== 400) {
      throw new SignInUnavailable(`status ${response.status} to a revocation`);
    }
  }

  signOutUrl(logoutUri: string): string {
    const url = this.endpoint('/logout');
    url.search = new URLSearchParams({ client_id: this.options.clientId, logout_uri: logoutUri }).toString();
    return url.href;
  }

  private async post(path: string, form: Record<string, string>): Promise<Response> {
    try {
      return await fetch(this.endpoint(path), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, client_id: this.options.clientId }).toString(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new SignInUnavailable('no answer', { cause: error });
    }
  }

  private async token(form: Record<string, string>): Promise<Record<string, unknown>> {
    const response = await this.post('/oauth2/token', form);
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status >= 500) throw new SignInUnavailable(`status ${response.status}`);
    // Only a code or refresh token that is no good means "sign in again". Any other refusal (invalid_client,
    // unauthorized_client…) is our configuration: an error to alarm on, not a prompt to the person.
    if (body.error === 'invalid_grant') throw new SignInRefused('invalid_grant');
    if (!response.ok) {
      throw new Error(
        `The sign-in service refused the console's request: ${String(body.error ?? response.status)}`,
      );
    }
    return body;
  }

  private async verified(idToken: unknown): Promise<SignedInStaff> {
    if (typeof idToken !== 'string') throw new SignInRefused('no ID token');
    try {
      const principal = await this.options.verifier.verify(idToken);
      const claims = decodeJwt(idToken);
      const name = claims.email ?? claims['cognito:username'] ?? principal.subject;
      return { principal, displayName: String(name), expiresAt: Number(claims.exp) };
    } catch (error) {
      if (error instanceof NotAuthenticated) throw new SignInRefused('the ID token did not verify');
      // The keys could not be fetched: the sign-in service's outage, not the person's.
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
        throw new SignInUnavailable('its signing keys could not be read', { cause: error });
      }
      throw error;
    }
  }
}
