/**
 * The web front doors' pure parts: escaping, the contact form's mapping to the enquiry body and its GOV.UK
 * error messages, the session and sign-in cookies' limits, the page skeleton, the console's case page; and,
 * through the app in-process, signing out and a contact form whose key another request holds.
 */
import { describe, expect, it } from 'vitest';
import { caseView } from '../../functions/api/case-view.ts';
import type { Agency } from '../../functions/domain/partnership.ts';
import { caseMain, describeEntry } from '../../functions/web/console-pages.ts';
import { enquiryFromForm, errorsFromViolations, readContactForm } from '../../functions/web/contact-form.ts';
import { escapeHtml, html } from '../../functions/web/html.ts';
import { pageSecurityPolicy, renderPage } from '../../functions/web/layout.ts';
import {
  type ConsoleSession,
  formToken,
  openPendingSignIn,
  openSession,
  SESSION_IDLE_SECONDS,
  SESSION_MAX_SECONDS,
  SIGN_IN_MAX_SECONDS,
  sameToken,
  sealPendingSignIn,
  sealSession,
  sessionEndsAt,
  type WebKeys,
} from '../../functions/web/session.ts';
import { codeChallengeOf } from '../../functions/web/staff-sign-in.ts';
import { aStoredEnquiry, csuOfficer, noiseOfficer, parkingOfficer } from '../support/enquiries.ts';
import { inProcessWebApp, KeyTakenMidWrite, sendContactForm, TEST_WEB_KEYS } from '../support/web-app.ts';

describe('html', () => {
  it('escapes every interpolated text, and only text', () => {
    const name = `<script>alert("x")</script> & 'quotes'`;
    const inner = html`<em>${name}</em>`;
    expect(html`<p>${inner}${[1, ' & ', undefined, false, null]}</p>`.value).toBe(
      '<p><em>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</em>1 &amp; </p>',
    );
    expect(escapeHtml('a"b<c>&\'')).toBe('a&quot;b&lt;c&gt;&amp;&#39;');
  });
});

const validForm = {
  category: 'parking',
  description: 'A van on the pavement every night',
  happeningNow: 'no',
  email: 'pat@resident.example',
  mayEmail: 'yes',
  phone: '01632 960001',
  mayPhone: 'no',
  postcode: 'tn23 1pl',
  safeTimes: 'Mornings',
};

describe('the contact form', () => {
  it('reads only its own fields, trimmed, and drops empty ones', () => {
    expect(
      readContactForm({ description: '  text  ', name: '   ', csrf: 'x', other: 'y', category: 3 }),
    ).toEqual({
      description: 'text',
    });
  });

  it('turns valid answers into the body POST /enquiries validates, never assuming consent', () => {
    const result = enquiryFromForm(readContactForm(validForm));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.body).toMatchObject({
      category: 'parking',
      happeningNow: false,
      email: 'pat@resident.example',
      location: { postcode: 'TN23 1PL' },
      safeContact: { mayEmail: true, mayPhone: false, mayLeaveVoicemail: false, safeTimes: 'Mornings' },
    });
    // "Yes" to email means nothing without an address: no address, no consent.
    const noAddress = enquiryFromForm(readContactForm({ ...validForm, email: '', mayEmail: 'yes' }));
    expect(noAddress.ok && noAddress.body.safeContact.mayEmail).toBe(false);
  });

  it('lists errors in the order the page asks the questions', () => {
    const result = enquiryFromForm(
      readContactForm({
        description: 'x'.repeat(4001),
        postcode: 'nowhere',
        name: 'n'.repeat(201),
        email: 'not-an-address',
        phone: 'not a number',
        safeTimes: 's'.repeat(201),
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([...result.errors.keys()]).toEqual([
      'category',
      'description',
      'happeningNow',
      'postcode',
      'name',
      'email',
      'mayEmail',
      'phone',
      'mayPhone',
      'safeTimes',
    ]);
  });

  it('names each missing answer in the form’s order, in GOV.UK words', () => {
    const result = enquiryFromForm(readContactForm({ email: 'pat@resident.example', phone: '01632 960001' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([...result.errors]).toEqual([
      ['category', 'Select what your enquiry is about'],
      ['description', 'Enter what is happening'],
      ['happeningNow', 'Select yes if it is happening now'],
      ['mayEmail', 'Select yes if it is safe for us to email you'],
      ['mayPhone', 'Select yes if it is safe for us to phone you'],
    ]);
  });

  it('says what is wrong with an answer the schema refuses', () => {
    const result = enquiryFromForm(
      readContactForm({
        ...validForm,
        email: 'not-an-address',
        postcode: 'nowhere',
        description: 'x'.repeat(4001),
        safeTimes: 's'.repeat(201),
        happeningNow: 'maybe',
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.fromEntries(result.errors)).toEqual({
      description: 'What is happening must be 4,000 characters or fewer',
      happeningNow: 'Select yes if it is happening now',
      email: 'Enter an email address in the correct format, like name@example.com',
      postcode: 'Enter a full UK postcode, like TN23 1PL',
      safeTimes: 'When it is safe to contact you must be 200 characters or fewer',
    });
  });

  it('shows a refusal of the use case against the field it names', () => {
    expect([...errorsFromViolations([{ field: 'location.address', message: 'too long' }])]).toEqual([
      ['address', 'Where it is happening must be 500 characters or fewer'],
    ]);
    expect([...errorsFromViolations([{ field: 'category', message: 'retired' }])]).toEqual([
      ['category', 'Select what your enquiry is about'],
    ]);
  });
});

const keys: WebKeys = { cookies: new Uint8Array(32).fill(7), forms: new Uint8Array(32).fill(9) };
const otherKeys: WebKeys = { cookies: new Uint8Array(32).fill(8), forms: new Uint8Array(32).fill(9) };
const signedInAt = 1_800_000_000;
const session: ConsoleSession = {
  id: 'session-1',
  principal: csuOfficer,
  displayName: 'ann@csu.example',
  csrf: 'csrf-token',
  refreshToken: 'refresh-token',
  signedInAt,
  lastSeenAt: signedInAt,
  principalExpiresAt: signedInAt + 3600,
};

describe('the session cookie', () => {
  it('opens what it sealed, and hides what it holds', async () => {
    const sealed = await sealSession(keys, session);
    expect(sealed).not.toContain('refresh-token');
    expect(Buffer.from(sealed.split('.')[3] ?? '', 'base64url').toString()).not.toContain('ann@');
    expect(await openSession(keys, sealed, signedInAt + 10)).toEqual({ kind: 'active', session });
  });

  it('still reads an ended session of its own (so signing out can revoke it), never a forged one', async () => {
    const sealed = await sealSession(keys, session);
    const later = await openSession(keys, sealed, signedInAt + SESSION_IDLE_SECONDS + 3600);
    expect(later).toEqual({ kind: 'expired', session });
    expect(sessionEndsAt(session)).toBe(signedInAt + SESSION_IDLE_SECONDS);
    expect(sessionEndsAt({ signedInAt, lastSeenAt: signedInAt + SESSION_MAX_SECONDS - 60 })).toBe(
      signedInAt + SESSION_MAX_SECONDS,
    );
    expect(await openSession(otherKeys, sealed, signedInAt)).toEqual({ kind: 'expired' });
  });

  it('ends after 30 idle minutes, and 8 hours after sign-in however busy', async () => {
    const idle = await sealSession(keys, session);
    expect((await openSession(keys, idle, signedInAt + SESSION_IDLE_SECONDS - 1)).kind).toBe('active');
    expect((await openSession(keys, idle, signedInAt + SESSION_IDLE_SECONDS + 1)).kind).toBe('expired');
    const busy = await sealSession(keys, { ...session, lastSeenAt: signedInAt + SESSION_MAX_SECONDS - 60 });
    expect((await openSession(keys, busy, signedInAt + SESSION_MAX_SECONDS - 1)).kind).toBe('active');
    expect((await openSession(keys, busy, signedInAt + SESSION_MAX_SECONDS + 1)).kind).toBe('expired');
    expect(SESSION_IDLE_SECONDS).toBe(1800);
    expect(SESSION_MAX_SECONDS).toBe(28_800);
  });

  it('refuses a cookie altered, sealed with another key, or sealed for another purpose', async () => {
    const sealed = await sealSession(keys, session);
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect((await openSession(keys, altered, signedInAt)).kind).toBe('expired');
    expect((await openSession(otherKeys, sealed, signedInAt)).kind).toBe('expired');
    const pending = await sealPendingSignIn(
      keys,
      { state: 's', codeVerifier: 'v', returnTo: '/console' },
      signedInAt,
    );
    expect((await openSession(keys, pending, signedInAt)).kind).toBe('expired');
    expect(await openPendingSignIn(keys, sealed)).toBeUndefined();
    expect((await openSession(keys, undefined, signedInAt)).kind).toBe('none');
  });

  it('keeps a sign-in under way for ten minutes only', async () => {
    const now = Math.floor(Date.now() / 1000);
    const pending = { state: 'state', codeVerifier: 'verifier', returnTo: '/console/cases/CSU-2026-000001' };
    expect(await openPendingSignIn(keys, await sealPendingSignIn(keys, pending, now))).toEqual(pending);
    const stale = await sealPendingSignIn(keys, pending, now - SIGN_IN_MAX_SECONDS - 5);
    expect(await openPendingSignIn(keys, stale)).toBeUndefined();
    expect(SIGN_IN_MAX_SECONDS).toBe(600);
  });
});

describe('tokens', () => {
  it('ties a form token to its browser’s cookie and key', () => {
    expect(formToken(keys, 'cookie-a')).toBe(formToken(keys, 'cookie-a'));
    expect(formToken(keys, 'cookie-a')).not.toBe(formToken(keys, 'cookie-b'));
    expect(formToken(keys, 'cookie-a')).not.toBe(
      formToken({ ...keys, forms: new Uint8Array(32) }, 'cookie-a'),
    );
  });

  it('compares tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('abcd', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken('', '')).toBe(false);
  });

  it('derives PKCE’s S256 challenge: base64url of the verifier’s SHA-256, unpadded', async () => {
    const verifier = 'a-verifier-of-at-least-43-characters-0123456789';
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    expect(codeChallengeOf(verifier)).toBe(Buffer.from(digest).toString('base64url'));
    expect(codeChallengeOf(verifier)).toMatch(/^[\w-]{43}$/);
    expect(codeChallengeOf(`${verifier}x`)).not.toBe(codeChallengeOf(verifier));
  });
});

describe('the page skeleton', () => {
  const chrome = { basePath: '/prod', serviceName: 'Ashford CSP', serviceHref: '/prod/contact' };

  it('links assets under the stage, says "Error:" in the title of a page with errors, and leads with the summary', () => {
    const page = renderPage(chrome, {
      title: 'Contact us',
      main: html`<h1>Form</h1>`,
      errors: new Map([['description', 'Enter what is happening']]),
    });
    expect(page).toContain('<title>Error: Contact us – Ashford CSP</title>');
    expect(page).toMatch(/href="\/prod\/assets\/govuk-frontend-[\d.]+\.css"/);
    expect(page).toContain('<a href="#description">Enter what is happening</a>');
    expect(page.indexOf('govuk-error-summary')).toBeLessThan(page.indexOf('<h1>Form</h1>'));
    expect(page).not.toContain('<script');
    expect(renderPage(chrome, { title: 'Contact us', main: '' })).toContain(
      '<title>Contact us – Ashford CSP</title>',
    );
  });

  it('allows no script, and forms posting only here and to the sign-in service', () => {
    expect(pageSecurityPolicy(['https://auth.example'])).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https://auth.example; frame-ancestors 'none'; base-uri 'none'",
    );
  });
});

describe('the case page', () => {
  const agencies: Agency[] = [
    { id: 'parking-team', name: 'Parking team', email: 'p@x.example', active: true },
    { id: 'environmental-health', name: 'Environmental health', email: 'e@x.example', active: true },
  ];
  const enquiry = aStoredEnquiry({
    referrals: [
      {
        agencyId: 'parking-team',
        agencyName: 'Parking team',
        status: 'sent',
        referredAt: '2026-11-26T10:01:00.000Z',
        referredBy: 'system:router',
        acceptBy: '2026-11-30T17:00:00.000Z',
      },
    ],
    safeContact: { mayEmail: false, mayPhone: true, mayLeaveVoicemail: false, safeTimes: 'After 6pm' },
    description: 'First line\n<b>second</b> line',
  });
  const render = (principal: typeof csuOfficer) =>
    caseMain({
      view: caseView(
        { enquiry, timeline: [], notes: [], emails: [] },
        principal,
        new Date('2026-11-27T09:00:00Z'),
      ),
      version: 7,
      principal,
      csrf: 'the-csrf',
      categoryTitle: 'Parking',
      agencies,
      actionHref: (action) => `/console/cases/CSU-2026-000042/${action}`,
    }).value;

  it('puts safe contact first, escapes what the enquirer wrote, and carries the version and CSRF in every form', () => {
    const page = render(csuOfficer);
    expect(page.indexOf('Safe contact')).toBeLessThan(page.indexOf('What the enquirer told us'));
    expect(page).toContain('After 6pm');
    expect(page).toContain('First line<br>&lt;b&gt;second&lt;/b&gt; line');
    const forms = page.match(/<form /g)?.length ?? 0;
    expect(forms).toBeGreaterThan(5);
    expect(page.match(/name="csrf" value="the-csrf"/g)).toHaveLength(forms);
    expect(page.match(/name="version" value="7"/g)).toHaveLength(forms);
  });

  it('offers the CSU every action, and an agency only its own referral’s', () => {
    const csu = render(csuOfficer);
    expect(csu).toContain('Accept the referral for Parking team');
    expect(csu).toContain('action="/console/cases/CSU-2026-000042/refer"');
    const own = render(parkingOfficer);
    expect(own).toContain('Accept the referral for Parking team');
    expect(own).not.toContain('/refer"');
    expect(render(noiseOfficer)).not.toContain('Accept the referral');
  });

  it('words each timeline entry without free text', () => {
    const names = new Map([['parking-team', 'Parking team']]);
    const entry = (kind: string, details: Record<string, string>) =>
      describeEntry(
        {
          id: '1',
          at: '2026-11-26T10:00:00Z',
          actor: { subject: 's', role: 'csu-officer' },
          kind,
          details,
        } as never,
        names,
      );
    expect(entry('referred', { agencyId: 'parking-team' })).toBe('Referred to Parking team');
    expect(entry('referral-declined', { agencyId: 'other' })).toBe('other declined the referral');
    expect(entry('status-changed', { to: 'in-progress' })).toBe('Status changed to In progress');
    expect(entry('note-added', {})).toBe('Internal note added');
  });
});

describe('signing out of the console', () => {
  /** A session the app will open: sealed now, with the app's keys. */
  const liveSession = async () => {
    const now = Math.floor(Date.now() / 1000);
    const current = { ...session, signedInAt: now, lastSeenAt: now, principalExpiresAt: now + 3600 };
    return { current, cookie: `__Host-csp-session=${await sealSession(TEST_WEB_KEYS, current)}` };
  };
  const signOut = (app: ReturnType<typeof inProcessWebApp>['app'], cookie: string, csrf: string) =>
    app.request('/console/sign-out', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ csrf }).toString(),
    });

  it('revokes the session’s refresh token, records the session as ended and clears its cookie', async () => {
    const { app, signIn, sessions } = inProcessWebApp();
    const { current, cookie } = await liveSession();

    const response = await signOut(app, cookie, current.csrf);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('https://auth.csp.example/logout');
    expect(signIn.revoked).toEqual(['refresh-token']);
    expect([...sessions.ended.keys()]).toEqual([current.id]);
    expect(response.headers.getSetCookie().join('\n')).toMatch(/__Host-csp-session=;.*Max-Age=0/);
  });

  it('revokes nothing when the form’s CSRF token is not the session’s', async () => {
    const { app, signIn, sessions } = inProcessWebApp();
    const { cookie } = await liveSession();

    const response = await signOut(app, cookie, 'forged');

    expect(response.status).toBe(403);
    expect(signIn.revoked).toEqual([]);
    expect(sessions.ended.size).toBe(0);
  });
});

describe('the contact form caught mid-write', () => {
  it('says the enquiry is still being sent while another request holds its idempotency key', async () => {
    const { app } = inProcessWebApp({ enquiries: new KeyTakenMidWrite() });

    const response = await sendContactForm(app, {
      category: 'parking',
      description: 'A van on the pavement every night',
      happeningNow: 'no',
      mayEmail: 'no',
      mayPhone: 'no',
    });

    expect(response.status).toBe(409);
    const page = await response.text();
    expect(page).toContain('<title>Your enquiry is being sent – Ashford CSP</title>');
    expect(page).toContain('Do not send the form again.');
  });
});
