/**
 * The web front doors' app (functions/web/app.ts) in-process, over the in-memory ports and a fake sign-in
 * service that records what the console asked of it: for tests of what a page does with its ports, and for
 * pages the local cloud cannot be made to show on demand (a contact form caught mid-write).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { IdempotencyKeyTaken } from '../../functions/domain/ports.ts';
import { createWebApp, type WebDeps } from '../../functions/web/app.ts';
import type { EndedSessions, WebKeys } from '../../functions/web/session.ts';
import { type SignedInStaff, SignInRefused, type StaffSignIn } from '../../functions/web/staff-sign-in.ts';
import { csuOfficer } from './enquiries.ts';
import {
  aClock,
  InMemoryCases,
  InMemoryEnquiries,
  RecordingPublisher,
  smallPartnershipReferenceData,
  testHasher,
} from './in-memory-ports.ts';

/** Fixed keys, so a test can seal a session cookie the app opens. */
export const TEST_WEB_KEYS: WebKeys = {
  cookies: new Uint8Array(32).fill(7),
  forms: new Uint8Array(32).fill(9),
};

/** The public URL the app is built for: pages live under its `/prod` path on AWS, at `/` in-process. */
export const TEST_API_URL = 'https://api.csp.example/prod';

/** A sign-in service that signs everyone in as a CSU officer and remembers each token it was asked to revoke. */
export class FakeStaffSignIn implements StaffSignIn {
  readonly revoked: string[] = [];
  private readonly staff: SignedInStaff = {
    principal: csuOfficer,
    displayName: 'ann@csu.example',
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  authorizationUrl(input: { state: string }) {
    return `https://auth.csp.example/oauth2/authorize?state=${input.state}`;
  }
  async exchangeCode() {
    return { ...this.staff, refreshToken: 'refresh-from-code' };
  }
  async refresh(refreshToken: string) {
    if (this.revoked.includes(refreshToken)) throw new SignInRefused('revoked');
    return this.staff;
  }
  async revoke(refreshToken: string) {
    this.revoked.push(refreshToken);
  }
  signOutUrl(logoutUri: string) {
    return `https://auth.csp.example/logout?logout_uri=${encodeURIComponent(logoutUri)}`;
  }
}

/** Sessions ended by signing out, in memory. */
export class InMemoryEndedSessions implements EndedSessions {
  readonly ended = new Map<string, number>();
  async end(sessionId: string, usableUntil: number) {
    this.ended.set(sessionId, usableUntil);
  }
  async hasEnded(sessionId: string) {
    return this.ended.has(sessionId);
  }
}

/**
 * Enquiries whose every idempotency key is taken by a request still writing (its enquiry not yet readable):
 * the moment a contact form sent twice at once meets, which the local cloud cannot be made to show on demand.
 */
export class KeyTakenMidWrite extends InMemoryEnquiries {
  override async create(): Promise<never> {
    throw new IdempotencyKeyTaken();
  }
}

/** The web app over fresh in-memory ports; `overrides` replaces any of them. */
export function inProcessWebApp(overrides: Partial<WebDeps> = {}) {
  const enquiries = (overrides.enquiries as InMemoryEnquiries | undefined) ?? new InMemoryEnquiries();
  const referenceData = smallPartnershipReferenceData();
  const signIn = new FakeStaffSignIn();
  const sessions = new InMemoryEndedSessions();
  const deps: WebDeps = {
    enquiries,
    cases: new InMemoryCases(enquiries),
    referenceData,
    routingData: referenceData,
    events: new RecordingPublisher(),
    personalData: testHasher,
    clock: aClock(new Date().toISOString()),
    logger: new Logger({ logLevel: 'SILENT' }),
    keys: { keys: async () => TEST_WEB_KEYS },
    sessions,
    signIn,
    publicApiUrl: TEST_API_URL,
    statusPageBaseUrl: TEST_API_URL,
    signInOrigin: 'https://auth.csp.example',
    ...overrides,
  };
  return { app: createWebApp(deps), deps, signIn, sessions };
}

/**
 * Sends the contact form as a browser would: opens it (getting its form cookie, CSRF token and idempotency
 * key), then posts `fields` with them. The answer is the page the post led to.
 */
export async function sendContactForm(
  app: ReturnType<typeof inProcessWebApp>['app'],
  fields: Readonly<Record<string, string>>,
): Promise<Response> {
  const form = await app.request('/contact');
  const cookie = form.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('__Host-csp-form='));
  const page = await form.text();
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1] ?? '';
  return app.request('/contact', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie ?? '' },
    body: new URLSearchParams({
      csrf: hidden('csrf'),
      idempotencyKey: hidden('idempotencyKey'),
      ...fields,
    }).toString(),
  });
}
