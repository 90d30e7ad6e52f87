/**
 * The console's session and the forms' CSRF tokens. A session lives only in its cookie, encrypted and
 * authenticated (JWE, `dir` + A256GCM) with a key no browser sees: nothing server-side to store, nothing a
 * user can read or alter. It ends after 30 idle minutes or 8 hours, whichever comes first.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { StaffPrincipal, StaffRole } from '../domain/staff.ts';

/** A session ends after this long without a request. */
export const SESSION_IDLE_SECONDS = 30 * 60;
/** …and this long after sign-in, however busy. */
export const SESSION_MAX_SECONDS = 8 * 60 * 60;
/** How long a sign-in may take, from leaving for the sign-in page to coming back. */
export const SIGN_IN_MAX_SECONDS = 10 * 60;

/** The keys the web function works with, derived from one secret. */
export interface WebKeys {
  /** 32 bytes: encrypts session and sign-in cookies. */
  readonly cookies: Uint8Array;
  /** Keys the contact form's CSRF tokens. */
  readonly forms: Uint8Array;
}

/** Where the keys come from (the session key secret, read once per container). */
export interface WebKeySource {
  keys(): Promise<WebKeys>;
}

/** Sessions ended by signing out, so that a copy of the cookie is refused too. */
export interface EndedSessions {
  /** Records that `sessionId` has ended; the record may go once `usableUntil` (epoch seconds) has passed. */
  end(sessionId: string, usableUntil: number): Promise<void>;
  hasEnded(sessionId: string): Promise<boolean>;
}

/** A signed-in member of staff, as the session cookie holds them. */
export interface ConsoleSession {
  /** Random; names the session when it ends. */
  readonly id: string;
  readonly principal: StaffPrincipal;
  /** What the console calls them: their email or user name, never shown anywhere but their own pages. */
  readonly displayName: string;
  /** The token every form of this session carries. */
  readonly csrf: string;
  /** Cognito's refresh token: renews the principal hourly (roles can change) and is revoked on sign-out. */
  readonly refreshToken: string;
  /** Epoch seconds. */
  readonly signedInAt: number;
  readonly lastSeenAt: number;
  /** When the ID token the principal came from expires: after it, the session is renewed before use. */
  readonly principalExpiresAt: number;
}

/** A sign-in under way: what the callback must find to finish it. */
export interface PendingSignIn {
  readonly state: string;
  readonly codeVerifier: string;
  /** A console path to return to after sign-in. */
  readonly returnTo: string;
}

const ENCRYPTION = { alg: 'dir', enc: 'A256GCM' } as const;

/** Encrypts `claims` into a cookie value that expires at `expiresAt` (epoch seconds). */
async function seal(key: Uint8Array, purpose: string, claims: Record<string, unknown>, expiresAt: number) {
  return new EncryptJWT({ ...claims, purpose })
    .setProtectedHeader(ENCRYPTION)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .encrypt(key);
}

/**
 * Decrypts a cookie value sealed for `purpose`; undefined when it is not one, altered, or expired (unless
 * `ignoreExpiry`, for a caller that checks the time itself).
 */
async function open(
  key: Uint8Array,
  purpose: string,
  value: string | undefined,
  options: { ignoreExpiry?: boolean } = {},
) {
  if (!value) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, key, {
      keyManagementAlgorithms: [ENCRYPTION.alg],
      contentEncryptionAlgorithms: [ENCRYPTION.enc],
      // A century's tolerance reads an expired cookie; the caller then decides, by its own clock.
      ...(options.ignoreExpiry ? { clockTolerance: 100 * 365 * 24 * 3600 } : {}),
    });
    return payload.purpose === purpose ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh random token: 32 bytes, base64url. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** When a session ends if nothing more happens: 30 minutes after its last request, 8 hours after sign-in at most. */
export function sessionEndsAt(session: Pick<ConsoleSession, 'lastSeenAt' | 'signedInAt'>): number {
  return Math.min(session.lastSeenAt + SESSION_IDLE_SECONDS, session.signedInAt + SESSION_MAX_SECONDS);
}

/** Seals a session; the cookie itself expires no later than the session's end. */
export function sealSession(keys: WebKeys, session: ConsoleSession): Promise<string> {
  return seal(keys.cookies, 'session', { session }, sessionEndsAt(session));
}

/**
 * What a session cookie holds: an active session; one that has ended (with the session, when the cookie is
 * ours, so signing out can still revoke its refresh token); or none at all.
 */
export type SessionState =
  | { readonly kind: 'active'; readonly session: ConsoleSession }
  | { readonly kind: 'none' }
  | { readonly kind: 'expired'; readonly session?: ConsoleSession };

/** Opens a session cookie and checks its idle and hard limits at `now` (epoch seconds). */
export async function openSession(
  keys: WebKeys,
  value: string | undefined,
  now: number,
): Promise<SessionState> {
  if (!value) return { kind: 'none' };
  // The cookie's own expiry is checked here, against the session's limits, so an ended session is still read.
  const payload = await open(keys.cookies, 'session', value, { ignoreExpiry: true });
  const session = payload?.session as ConsoleSession | undefined;
  if (!session || !isSession(session)) return { kind: 'expired' };
  if (now - session.lastSeenAt > SESSION_IDLE_SECONDS || now - session.signedInAt > SESSION_MAX_SECONDS) {
    return { kind: 'expired', session };
  }
  return { kind: 'active', session };
}

function isSession(value: ConsoleSession): boolean {
  const { principal } = value;
  return (
    typeof value.id === 'string' &&
    typeof value.csrf === 'string' &&
    typeof value.refreshToken === 'string' &&
    typeof value.signedInAt === 'number' &&
    typeof value.lastSeenAt === 'number' &&
    typeof principal?.subject === 'string' &&
    Array.isArray(principal.roles) &&
    principal.roles.every((role: StaffRole) => typeof role === 'string')
  );
}

/** Seals a sign-in under way. */
export function sealPendingSignIn(keys: WebKeys, pending: PendingSignIn, now: number): Promise<string> {
  return seal(keys.cookies, 'sign-in', { ...pending }, now + SIGN_IN_MAX_SECONDS);
}

/** Opens a sign-in cookie; undefined when missing, altered or older than SIGN_IN_MAX_SECONDS. */
export async function openPendingSignIn(
  keys: WebKeys,
  value: string | undefined,
): Promise<PendingSignIn | undefined> {
  const payload = await open(keys.cookies, 'sign-in', value);
  if (!payload) return undefined;
  const { state, codeVerifier, returnTo } = payload;
  if (typeof state !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string')
    return undefined;
  return { state, codeVerifier, returnTo };
}

/** True when `given` equals `expected`, compared in constant time. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The contact form's CSRF token for a browser's form cookie: an HMAC of the cookie, so a page on another site
 * can neither read nor forge the pair (double-submit, signed).
 */
export function formToken(keys: WebKeys, formCookie: string): string {
  return createHmac('sha256', keys.forms).update(`contact-form:${formCookie}`).digest('base64url');
}
