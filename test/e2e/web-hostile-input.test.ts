/**
 * Hostile clients at the web front doors: thousands of fuzzed form bodies, odd media types, oversized and
 * malformed requests, strange paths, and every console page and form for every role. Nothing answers a 5xx,
 * nothing a role may not see leaks, and no refused form stores anything.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_LIST } from '../../functions/topology.ts';
import { consoleSession, submitLocalSignIn } from '../support/console-session.ts';
import { anEnquiry, cloud, submitEnquiry, waitForQuiet } from '../support/local-cloud.ts';

/** A deterministic generator, so a failing body can be reproduced from its seed. */
function random(seed: number) {
  // Small seeds would start xorshift near zero: spread them over the state first, and skip its warm-up.
  let state = Math.imul(seed, 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 8; i++) next();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

const NASTY = [
  '',
  ' ',
  '%',
  '%E0%A4%A',
  '%00',
  '\u0000',
  '\ud800',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'yes',
  'no',
  'closed',
  'resolved',
  'kent-police',
  '../../etc/passwd',
  'x'.repeat(5000),
  '🙂'.repeat(300),
  'a\r\nSet-Cookie: evil=1',
  '{"json":true}',
  '=&=&&==',
  '1e309',
  '-1',
  'NaN',
];
const FIELDS = [
  'csrf',
  'idempotencyKey',
  'category',
  'description',
  'happeningNow',
  'email',
  'mayEmail',
  'phone',
  'mayPhone',
  'postcode',
  'address',
  'safeTimes',
  'version',
  'text',
  'message',
  'to',
  'reason',
  'agencyId',
  'officer',
  'note',
  'seen',
];

/** Percent-encoded, or as it is where it cannot be (a lone surrogate). */
function encoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A fuzzed body: a urlencoded form of nasty fields, or raw bytes that are no form at all. */
function fuzzedBody(seed: number, csrf: string | undefined): string | Uint8Array {
  const { next, pick } = random(seed);
  if (next() < 0.15)
    return Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
  const parts: string[] = [];
  if (csrf && next() < 0.8) parts.push(`csrf=${encodeURIComponent(csrf)}`);
  const count = Math.floor(next() * 10);
  for (let i = 0; i < count; i++) {
    const value = pick(NASTY);
    const raw = next() < 0.3;
    parts.push(`${pick(FIELDS)}=${raw ? value : encoded(value)}`);
  }
  return parts.join(pick(['&', '&&', ';', '&amp;']));
}

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'multipart/form-data; boundary=nothing',
  'application/json',
  'text/plain',
  '',
];

/** Sends `total` requests, `inParallel` at a time, returning every status seen with the seed that got it. */
async function fuzz(total: number, send: (seed: number) => Promise<number>) {
  const statuses = new Map<number, number[]>();
  const inParallel = 16;
  for (let start = 0; start < total; start += inParallel) {
    const seeds = Array.from({ length: Math.min(inParallel, total - start) }, (_, i) => start + i + 1);
    const results = await Promise.all(seeds.map(async (seed) => [seed, await send(seed)] as const));
    for (const [seed, status] of results) statuses.set(status, [...(statuses.get(status) ?? []), seed]);
  }
  return statuses;
}

/** The contact form's cookie and the CSRF token it goes with, as a browser gets them. */
async function contactForm(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${cloud().api}/contact`);
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
  return { cookie, csrf };
}

describe('the contact form under fuzzing', () => {
  it('answers 2,000 fuzzed posts with a page and a 4xx (or 200 for a sound one), never a 5xx', async () => {
    const { cookie, csrf } = await contactForm();
    const statuses = await fuzz(2000, async (seed) => {
      const { pick } = random(seed * 7919);
      const response = await fetch(`${cloud().api}/contact`, {
        method: 'POST',
        headers: { 'content-type': pick(CONTENT_TYPES), ...(seed % 5 === 0 ? {} : { cookie }) },
        body: fuzzedBody(seed, csrf),
      });
      await response.arrayBuffer();
      return response.status;
    });
    const serverErrors = [...statuses].filter(([status]) => status >= 500);
    expect(serverErrors, 'seeds that got a 5xx').toEqual([]);
    expect([...statuses.keys()].every((status) => [403, 400, 415, 422, 200, 409].includes(status))).toBe(
      true,
    );
    // The CSRF check, the media type check and the form's own validation were each reached.
    expect(statuses.get(403)?.length).toBeGreaterThan(0);
    expect(statuses.get(415)?.length).toBeGreaterThan(0);
    expect(statuses.get(422)?.length).toBeGreaterThan(0);
  });

  it('takes the longest description in a script of three-byte characters, and refuses a body over 96 KiB', async () => {
    const { cookie, csrf } = await contactForm();
    const description = '我家附近每天晚上都有人大声喧哗。'.repeat(250);
    expect(description.length).toBe(4000);
    const sent = await fetch(`${cloud().api}/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        csrf,
        idempotencyKey: `multibyte-${Date.now()}`,
        category: 'anti-social-behaviour',
        description,
        happeningNow: 'no',
        preferredLanguage: '中文',
      }).toString(),
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Your reference number');
    const tooLarge = await fetch(`${cloud().api}/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: `csrf=${csrf}&description=${'x'.repeat(100 * 1024)}`,
    });
    expect(tooLarge.status).toBe(413);
  });
});

describe('the console under fuzzing', () => {
  it('answers 1,200 fuzzed case forms, with and without the session’s token, never with a 5xx', async () => {
    const { reference } = (await submitEnquiry(anEnquiry())).body as { reference: string };
    await waitForQuiet();
    const session = await consoleSession({ username: 'csu.fuzz', role: 'csu-officer' });
    const actions = [
      'accept',
      'decline',
      'assign',
      'refer',
      'note',
      'update',
      'transition',
      'nothing',
      '%ZZ',
    ];
    const statuses = await fuzz(1200, async (seed) => {
      const { pick } = random(seed * 104729);
      const target = pick([reference, 'CSU-2026-999999', 'not-a-reference', '%E0%A4%A', 'x'.repeat(300)]);
      const response = await fetch(`${cloud().api}/console/cases/${target}/${pick(actions)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': pick(CONTENT_TYPES), cookie: session.cookie },
        body: fuzzedBody(seed, session.csrf),
      });
      await response.arrayBuffer();
      return response.status;
    });
    expect(
      [...statuses].filter(([status]) => status >= 500),
      'seeds that got a 5xx',
    ).toEqual([]);
    // Forged and foreign forms were refused (403), and forms with the session's token reached the case's own
    // checks: no such case (404), an unreadable form (400), a stale or bad version (409, 422).
    expect(statuses.get(403)?.length).toBeGreaterThan(0);
    expect(statuses.get(404)?.length).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((status) => [400, 409, 422].includes(status)).length).toBeGreaterThan(
      0,
    );
  });

  it('never returns to another site after sign-in, nor outside the console', async () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/x',
      '/console/../../evil',
      '/\\evil.example',
    ]) {
      const start = await fetch(`${cloud().api}/console/sign-in?${new URLSearchParams({ returnTo })}`, {
        redirect: 'manual',
      });
      const pending = start.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      const authorize = new URL(start.headers.get('location') ?? '');
      const signedIn = await submitLocalSignIn(authorize, { username: 'csu.redirect', role: 'csu-officer' });
      const callback = await fetch(signedIn.headers.get('location') ?? '', {
        redirect: 'manual',
        headers: { cookie: pending },
      });
      const page = await callback.text();
      // The page moves on to the inbox, not to where returnTo pointed.
      expect(/http-equiv="refresh" content="0; url=([^"]+)"/.exec(page)?.[1], returnTo).toBe('/console');
    }
  });

  it('answers strange paths and methods on every page without a 5xx', async () => {
    const session = await consoleSession({ username: 'csu.paths', role: 'csu-officer' });
    const paths = [
      ...PAGE_LIST.map((page) =>
        page.path
          .replace('{reference}', 'CSU-2026-000001')
          .replace('{action}', 'note')
          .replace('{file}', 'favicon.svg'),
      ),
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%E0%A4%A',
      '/console/cases/%E0%A4%A',
      `/console/cases/${'A'.repeat(2000)}`,
      '/console?status=%ZZ&cursor=%E0&show=overdue&show=mine&category=<x>',
      '/console?cursor=not-a-cursor',
      '/console/sign-in?returnTo=https://evil.example/',
      '/console/callback?code=x&state=y',
      '/console/callback?error=access_denied',
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST']) {
        for (const cookie of [session.cookie, '__Host-csp-session=garbage', '']) {
          const response = await fetch(`${cloud().api}${path}`, {
            method,
            redirect: 'manual',
            headers: {
              cookie,
              'content-type': 'application/x-www-form-urlencoded',
              'sec-fetch-site': 'same-origin',
            },
            body: method === 'POST' ? `csrf=${session.csrf}` : undefined,
          });
          await response.arrayBuffer();
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
          // Never sent anywhere but here or the sign-in service.
          const location = response.headers.get('location');
          if (location && !(location.startsWith('/') && !location.startsWith('//'))) {
            expect(new URL(location).hostname, `${method} ${path} → ${location}`).toMatch(
              /^(localhost|127\.0\.0\.1)$/,
            );
          }
        }
      }
    }
  });
});

describe('the console for every role', () => {
  it('shows each page only to the roles that may use it, and another agency’s case to no one but the CSU', async () => {
    const { reference } = (await submitEnquiry(anEnquiry({ category: 'parking' }))).body as {
      reference: string;
    };
    await waitForQuiet();
    const roles = [
      { username: 'csu', role: 'csu-officer', inbox: 200, routing: 200, directory: 200, theCase: 200 },
      {
        username: 'parking',
        role: 'agency-officer',
        agency: 'abc-parking',
        inbox: 200,
        routing: 403,
        directory: 403,
        theCase: 200,
      },
      {
        username: 'police',
        role: 'agency-officer',
        agency: 'kent-police',
        inbox: 200,
        routing: 403,
        directory: 403,
        theCase: 404,
      },
      {
        username: 'admin',
        role: 'partnership-admin',
        inbox: 303,
        routing: 403,
        directory: 200,
        theCase: 403,
      },
      {
        username: 'rep',
        role: 'partner-representative',
        organisation: 'kent-police',
        inbox: 403,
        routing: 403,
        directory: 403,
        theCase: 403,
      },
    ];
    for (const user of roles) {
      const session = await consoleSession(user);
      const get = async (path: string) => {
        const response = await fetch(`${cloud().api}${path}`, {
          redirect: 'manual',
          headers: { cookie: session.cookie, 'sec-fetch-site': 'same-origin' },
        });
        return { status: response.status, body: await response.text() };
      };
      expect((await get('/console')).status, `${user.role} inbox`).toBe(user.inbox);
      expect((await get('/console/routing')).status, `${user.role} routing`).toBe(user.routing);
      expect((await get('/console/directory')).status, `${user.role} directory`).toBe(user.directory);
      const theCase = await get(`/console/cases/${reference}`);
      expect(theCase.status, `${user.role} case`).toBe(user.theCase);
      if (user.theCase !== 200) expect(theCase.body).not.toContain('resident.example');
      // A form for a case it may not see changes nothing and says "not found" or "no access".
      const version = /name="version" value="(\d+)"/.exec(theCase.body)?.[1] ?? '1';
      const note = await fetch(`${cloud().api}/console/cases/${reference}/note`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrf: session.csrf,
          version,
          text: `note by ${user.username}`,
        }).toString(),
      });
      expect(note.status, `${user.role} note`).toBe(
        user.theCase === 200 ? 303 : user.theCase === 404 ? 404 : 403,
      );
      // Referring is the CSU's alone, whatever a crafted form says; and no one answers another agency's referral.
      const post = (action: string, fields: Record<string, string>) =>
        fetch(`${cloud().api}/console/cases/${reference}/${action}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf: session.csrf, version, ...fields }).toString(),
        });
      if (user.role !== 'csu-officer') {
        // 403 for every other role, as the API's route answers: the role is refused before the case is read.
        expect((await post('refer', { agencyId: 'kent-police' })).status, `${user.role} refer`).toBe(403);
        const foreign = await post('accept', { agencyId: 'kent-police' });
        expect(foreign.status, `${user.role} accepts another agency's referral`).not.toBe(303);
      }
    }
  });
});
