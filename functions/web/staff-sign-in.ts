/**
 * How the console signs staff in: OAuth 2.0's authorization code flow with PKCE against the staff user pool's
 * hosted sign-in (Cognito's on AWS, the local user pool's locally, with the same endpoints).
 */
import { createHash } from 'node:crypto';
import type { StaffPrincipal } from '../domain/staff.ts';

/** Who signed in, from a verified ID token. */
export interface SignedInStaff {
  readonly principal: StaffPrincipal;
  /** Their email or user name. */
  readonly displayName: string;
  /** When the ID token expires (epoch seconds). */
  readonly expiresAt: number;
}

/** The sign-in service, as the console uses it. */
export interface StaffSignIn {
  /**
   * Where to send the browser to sign in; `fresh` first ends the sign-in service's own session, so the
   * person must give their password (and MFA code) again, as after an idle timeout.
   */
  authorizationUrl(input: {
    state: string;
    codeChallenge: string;
    redirectUri: string;
    fresh?: boolean;
  }): string;
  /**
   * Exchanges the code the browser brought back for tokens, and verifies the ID token.
   * @throws SignInRefused when the code is unknown, used, expired or was not made for this verifier.
   */
  exchangeCode(input: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<SignedInStaff & { readonly refreshToken: string }>;
  /** A fresh ID token from the refresh token. @throws SignInRefused once it is revoked or expired. */
  refresh(refreshToken: string): Promise<SignedInStaff>;
  /** Revokes the refresh token (and the tokens issued with it). */
  revoke(refreshToken: string): Promise<void>;
  /** Where to send the browser to end its session with the sign-in service too. */
  signOutUrl(logoutUri: string): string;
}

/** The sign-in service refused a code or a refresh token: the person must sign in again. */
export class SignInRefused extends Error {
  constructor(readonly reason: string) {
    super(`Sign-in refused: ${reason}`);
    this.name = 'SignInRefused';
  }
}

/** The sign-in service did not answer, or answered with its own failure: try again shortly (503). */
export class SignInUnavailable extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The sign-in service is unavailable: ${reason}`, options);
    this.name = 'SignInUnavailable';
  }
}

/** PKCE's S256 challenge of a verifier (RFC 7636 §4.2). */
export function codeChallengeOf(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}
