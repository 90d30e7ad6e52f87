/**
 * The web front doors as people use them, in a real headless Chromium against the local cloud: a member of the
 * public sends an enquiry with the contact form; a CSU officer signs in through the local user pool's sign-in
 * page and works the case; agency officers open the link in their referral email. Every page is checked with
 * axe (WCAG 2.2 AA), and the form and the case's actions are completed with the keyboard alone.
 */

import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { axeViolations, launchBrowser, type PageGlobals } from '../support/browser.ts';
import {
  anEnquiry,
  cloud,
  emailsFor,
  eventually,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

/** Browsers this file opened, closed at the end whatever happened. */
const opened: Browser[] = [];
afterAll(async () => {
  await Promise.all(opened.map((browser) => browser.close().catch(() => undefined)));
});

/**
 * A visitor with a browser of their own (no cookies: this Chromium runs as one process, where extra browser
 * contexts are not reliable), whose pages axe may audit, recording every URL and title they saw.
 */
async function freshVisitor(): Promise<{
  context: Browser;
  page: Page;
  visited: string[];
  titles: string[];
}> {
  const context = await launchBrowser();
  opened.push(context);
  const page = await context.newPage();
  // Axe is a script, which our pages' CSP forbids: the bypass exists only in this harness.
  await page.setBypassCSP(true);
  const visited: string[] = [];
  const titles: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  page.on('load', () => {
    void page.title().then(
      (title) => titles.push(title),
      () => undefined,
    );
  });
  return { context, page, visited, titles };
}

/**
 * Axe finds nothing on the page, and on a 375 px phone the page itself never scrolls sideways (WCAG 1.4.10:
 * wide tables scroll inside their own box).
 */
async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page), `axe on ${page.url()}`).toEqual([]);
  const viewport = page.viewport();
  await page.setViewport({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth - innerWidth;
  });
  expect(overflow, `sideways scroll at 375 px on ${page.url()}`).toBeLessThanOrEqual(0);
  if (viewport) await page.setViewport(viewport);
}

/** Presses Tab until `selector` has the focus: proves it is reachable by keyboard, in order. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 300; presses++) {
    const focused = await page.evaluate((wanted) => {
      const { document } = globalThis as unknown as {
        document: { activeElement: { matches(s: string): boolean } | null };
      };
      return document.activeElement?.matches(wanted) ?? false;
    }, selector);
    if (focused) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} cannot be reached with Tab`);
}

/** Presses Enter on the focused control and waits for the page it leads to. */
async function enterAndWait(page: Page) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.keyboard.press('Enter'),
  ]);
  return response;
}

const text = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent ?? '');

/** Signs in on the local user pool's page (reached from the console), as `role` of `agency`. */
async function signInLocally(page: Page, user: { username: string; role: string; agency?: string }) {
  await page.waitForSelector('#username');
  expect(await page.title()).toContain('Sign in (local only)');
  await expectAccessible(page);
  await page.$eval('#username', (input) => {
    (input as unknown as { value: string }).value = '';
  });
  await page.type('#username', user.username);
  await page.click(`#role-${user.role}`);
  if (user.agency) await page.select('#agency', user.agency);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
  // The callback page moves on by itself (a same-site navigation, so the Strict session cookie goes with it).
  await eventually(async () => (page.url().includes('/console/callback') ? undefined : true), 'the callback');
  await page.waitForSelector('main h1');
}

describe('the public contact form', () => {
  it('takes an enquiry with the keyboard alone, shows a mistake in an error summary, and ends on the reference', async () => {
    const { context, page, visited, titles } = await freshVisitor();
    const marker = `form-${Date.now()}`;
    const email = `pat.${marker}@resident.example`;
    const response = await page.goto(`${cloud().api}/contact`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    // No script of any kind: the CSP allows styles and the icon from this origin, nothing else.
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response?.headers()['content-security-policy']).not.toContain('script-src');
    expect(await text(page, '.govuk-warning-text')).toContain('call 999');
    expect(await text(page, '.govuk-warning-text')).toContain('01233 331111');
    await expectAccessible(page);

    // Everything but what is happening: the first category, "no" to happening now, an email that is safe.
    await tabTo(page, '#category');
    await page.keyboard.press('Space');
    await tabTo(page, '#happeningNow');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, '#email');
    await page.keyboard.type(email);
    await tabTo(page, '#mayEmail');
    await page.keyboard.press('Space');
    await tabTo(page, 'form button[type=submit]');
    const refused = await enterAndWait(page);
    expect(refused?.status()).toBe(422);
    expect(await page.title()).toMatch(/^Error: /);
    expect(await text(page, '.govuk-error-summary')).toContain('Enter what is happening');
    expect(await text(page, '#description-error')).toContain('Enter what is happening');
    // What was typed is kept.
    expect(await page.$eval('#email', (input) => (input as unknown as { value: string }).value)).toBe(email);
    await expectAccessible(page);

    // The summary's link leads to the field; the correction is typed there.
    await page.click('.govuk-error-summary a[href="#description"]');
    await tabTo(page, '#description');
    await page.keyboard.type(`Motorbikes racing round the car park every night ${marker}`);
    await tabTo(page, 'form button[type=submit]');
    const sent = await enterAndWait(page);
    expect(sent?.status()).toBe(200);
    const reference = (await text(page, '.govuk-panel__body strong')).trim();
    expect(reference).toMatch(/^CSU-\d{4}-\d{6}$/);
    expect(await text(page, 'main')).toContain('We have sent a confirmation to your email address');
    await expectAccessible(page);

    // Stored as POST /enquiries stores it, and acknowledged.
    const csu = apiClient(await staffToken('csu-officer'));
    const stored = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    expect(stored.data?.category).toBe('anti-social-behaviour');
    expect(stored.data?.enquiry.description).toContain(marker);
    expect(stored.data?.enquiry.contact.email).toBe(email);
    expect(stored.data?.enquiry.safeContact).toMatchObject({ mayEmail: true, mayPhone: false });
    await eventually(
      async () =>
        (await emailsFor(reference)).some((e) => e.destination.to.includes(email)) ? true : undefined,
      'the acknowledgement',
    );
    // Nothing the enquirer typed is in a URL, a title, or a log line of any function (the reference is).
    for (const seen of [...visited, ...titles]) {
      expect(seen).not.toContain(marker);
      expect(seen).not.toContain('resident.example');
    }
    await waitForQuiet();
    const logs = readFileSync(inject('localCloudLogFile'), 'utf8');
    expect(logs).toContain(reference);
    expect(logs).not.toContain(marker);
    expect(logs).not.toContain(email);
    await context.close();
  });

  it('refuses a post that did not come from its own page (CSRF), storing nothing', async () => {
    const response = await fetch(`${cloud().api}/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf: 'forged',
        idempotencyKey: 'a-key',
        category: 'anti-social-behaviour',
        description: 'Forged from another site',
        happeningNow: 'no',
      }).toString(),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Your form has expired');
  });
});

describe('the staff console', () => {
  it('lets a CSU officer sign in, find an enquiry in the inbox, add a note, publish an update and close it', async () => {
    const enquiry = anEnquiry();
    const { reference } = (await submitEnquiry(enquiry)).body as { reference: string };
    await waitForQuiet();
    const { context, page, visited, titles } = await freshVisitor();
    await page.goto(`${cloud().api}/console`, { waitUntil: 'load' });
    await signInLocally(page, { username: 'csu.ann', role: 'csu-officer' });
    expect(await page.title()).toContain('Inbox');
    expect(await text(page, 'body')).toContain('Signed in as');
    await expectAccessible(page);

    // The session cookie: encrypted, HttpOnly, Secure, SameSite=Strict, gone when the browser closes.
    const session = (await page.cookies()).find((cookie) => cookie.name === '__Host-csp-session');
    expect(session).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      session: true,
      path: '/',
    });
    expect(session?.value).not.toContain('csu.ann');

    const link = await page.$(`a[href$="/console/cases/${reference}"]`);
    expect(link, 'the new enquiry in the inbox').not.toBeNull();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link?.click()]);
    expect(await text(page, 'h1')).toBe(`Case ${reference}`);
    expect(await text(page, 'main')).toContain(enquiry.description);
    expect(await text(page, '#safe-contact')).toBe('Safe contact');
    await expectAccessible(page);

    // Keyboard only from here: a note, an update, then closing.
    await tabTo(page, '#note');
    await page.keyboard.type('Called the neighbourhood team; patrols arranged.');
    await tabTo(page, 'form:has(#note) button');
    await enterAndWait(page);
    expect(await text(page, '.govuk-notification-banner')).toContain('Note added');
    expect(page.url()).toBe(`${cloud().api}/console/cases/${reference}`);
    await expectAccessible(page);
    // The confirmation is said once: a reload does not repeat it (and no link can fake it).
    await page.reload({ waitUntil: 'load' });
    expect(await page.$('.govuk-notification-banner--success')).toBeNull();

    await tabTo(page, '#update');
    await page.keyboard.type('Officers will patrol the car park this week.');
    await tabTo(page, 'form:has(#update) button');
    await enterAndWait(page);
    expect(await text(page, '.govuk-notification-banner')).toContain('Update published');

    // Into the radios with Tab, then to "Close the case" (the second) with an arrow key, which also selects it.
    await tabTo(page, '#to');
    await page.keyboard.press('ArrowDown');
    expect(
      await page.$eval('input[name=to]:checked', (radio) => (radio as unknown as { value: string }).value),
    ).toBe('closed');
    await tabTo(page, '#reason');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'form:has(#reason) button');
    await enterAndWait(page);
    expect(await text(page, '.govuk-notification-banner')).toContain('Status changed');
    expect(await text(page, 'main .govuk-tag')).toBe('Closed');
    await expectAccessible(page);

    // The same case through the API: the console changed it through the same use cases.
    const csu = apiClient(await staffToken('csu-officer'));
    const stored = (await csu.GET('/enquiries/{reference}', { params: { path: { reference } } })).data;
    expect(stored?.status).toBe('closed');
    expect(stored?.closure?.reason).toBe('resolved');
    expect(stored?.notes.map((n) => n.text)).toEqual(['Called the neighbourhood team; patrols arranged.']);
    expect(stored?.publicUpdates.map((u) => u.message)).toContain(
      'Officers will patrol the car park this week.',
    );
    // Every view was audited, as an API read is.
    const admin = apiClient(await staffToken('partnership-admin'));
    const audit = await admin.GET('/audit', {
      params: { query: { actor: 'local-csu.ann', enquiry: reference } },
    });
    const views = (audit.data?.items ?? []).filter(
      (item) => item.kind === 'case-read' && item.view === 'case',
    );
    // The case was shown five times: opened, after the note, reloaded, after the update and after the closure.
    expect(views).toHaveLength(5);
    for (const seen of [...visited, ...titles]) expect(seen).not.toContain(enquiry.email);
    await context.close();
  });

  it('says a case changed since it was opened instead of overwriting it, keeping what was typed', async () => {
    const { reference } = (await submitEnquiry(anEnquiry())).body as { reference: string };
    await waitForQuiet();
    const { context, page } = await freshVisitor();
    await page.goto(`${cloud().api}/console/cases/${reference}`, { waitUntil: 'load' });
    await signInLocally(page, { username: 'csu.bo', role: 'csu-officer' });
    expect(await text(page, 'h1')).toBe(`Case ${reference}`);
    const other = await context.newPage();
    await other.goto(page.url(), { waitUntil: 'load' });
    await other.type('#note', 'First note, from the other tab.');
    await Promise.all([other.waitForNavigation(), other.click('form:has(#note) button')]);

    await page.type('#note', 'Second note, typed on the stale page.');
    const [stale] = await Promise.all([page.waitForNavigation(), page.click('form:has(#note) button')]);
    expect(stale?.status()).toBe(409);
    expect(await text(page, '.govuk-notification-banner')).toContain('The case changed since you opened it');
    expect(await text(page, '.govuk-notification-banner')).toContain('Internal note added');
    expect(await page.$eval('#note', (t) => (t as unknown as { value: string }).value)).toBe(
      'Second note, typed on the stale page.',
    );
    await context.close();
  });

  it('refuses a console form without its session’s CSRF token, changing nothing', async () => {
    const { reference } = (await submitEnquiry(anEnquiry())).body as { reference: string };
    await waitForQuiet();
    const { context, page } = await freshVisitor();
    await page.goto(`${cloud().api}/console`, { waitUntil: 'load' });
    await signInLocally(page, { username: 'csu.cy', role: 'csu-officer' });
    const cookie = (await page.cookies()).find((c) => c.name === '__Host-csp-session');
    const response = await fetch(`${cloud().api}/console/cases/${reference}/note`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `__Host-csp-session=${cookie?.value}`,
      },
      body: new URLSearchParams({ csrf: 'not-the-token', version: '1', text: 'Forged note' }).toString(),
    });
    expect(response.status).toBe(403);
    const csu = apiClient(await staffToken('csu-officer'));
    const stored = (await csu.GET('/enquiries/{reference}', { params: { path: { reference } } })).data;
    expect(stored?.notes).toEqual([]);
    await context.close();
  });

  it('opens the referral email’s link for Kent Police after sign-in, and shows "not found" to Age UK', async () => {
    const enquiry = anEnquiry({ category: 'anti-social-behaviour' });
    const { reference } = (await submitEnquiry(enquiry)).body as { reference: string };
    const referral = await eventually(
      async () =>
        (await emailsFor(reference)).find((e) =>
          e.destination.to.includes('ashford.csu@kent.police.example'),
        ),
      'the referral to Kent Police',
    );
    const link = /href="([^"]+\/console\/cases\/[^"]+)"/.exec(referral.body.html ?? '')?.[1];
    expect(link).toBe(`${cloud().api}/console/cases/${reference}`);

    const police = await freshVisitor();
    await police.page.goto(link ?? '', { waitUntil: 'load' });
    await signInLocally(police.page, {
      username: 'kp.officer',
      role: 'agency-officer',
      agency: 'kent-police',
    });
    expect(await text(police.page, 'h1')).toBe(`Case ${reference}`);
    expect(await text(police.page, 'main')).toContain(enquiry.description);
    expect(await text(police.page, 'main')).toContain('Accept the referral for Kent Police');
    await expectAccessible(police.page);
    // Kent Police declines: the case leaves its view, so the confirmation comes on its inbox.
    await police.page.click('details:has(#decline-reason-kent-police) summary');
    await police.page.select('#decline-reason-kent-police', 'not-ours');
    await Promise.all([
      police.page.waitForNavigation({ waitUntil: 'load' }),
      police.page.click('#decline-kent-police'),
    ]);
    expect(new URL(police.page.url()).pathname).toBe('/console');
    expect(await text(police.page, '.govuk-notification-banner')).toContain(
      `Referral declined for case ${reference}`,
    );
    expect(await police.page.$(`a[href$="/console/cases/${reference}"]`)).toBeNull();
    await expectAccessible(police.page);
    await police.context.close();

    const ageUk = await freshVisitor();
    const first = await ageUk.page.goto(link ?? '', { waitUntil: 'load' });
    expect(first?.ok()).toBe(true);
    await signInLocally(ageUk.page, { username: 'ageuk.officer', role: 'agency-officer', agency: 'age-uk' });
    expect(await text(ageUk.page, 'h1')).toBe('Page not found');
    expect(await text(ageUk.page, 'body')).not.toContain(enquiry.description);
    await expectAccessible(ageUk.page);
    await ageUk.context.close();
  });

  it('lets a CSU officer change a category’s routing and targets, refusing a stale form', async () => {
    const { context, page } = await freshVisitor();
    await page.goto(`${cloud().api}/console/routing`, { waitUntil: 'load' });
    await signInLocally(page, { username: 'csu.ed', role: 'csu-officer' });
    expect(await text(page, 'h1')).toBe('Routing table');
    await expectAccessible(page);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('a[href$="/console/routing/fire-safety-and-arson"]'),
    ]);
    expect(await text(page, 'h1')).toBe('Fire safety and arson');
    await expectAccessible(page);
    const stale = await context.newPage();
    await stale.goto(page.url(), { waitUntil: 'load' });

    // Add KCC Community Wardens and give the agencies 3 working days to accept.
    await page.click('input[name=agencyIds][value=kcc-community-wardens]');
    await page.$eval('#acceptWithinWorkingDays', (input) => {
      (input as unknown as { value: string }).value = '3';
    });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main form button')]);
    expect(await text(page, '.govuk-notification-banner')).toContain(
      'Routing for Fire safety and arson saved',
    );
    const csu = apiClient(await staffToken('csu-officer'));
    const rule = (
      await csu.GET('/routing/{category}', { params: { path: { category: 'fire-safety-and-arson' } } })
    ).data;
    expect([...(rule?.agencyIds ?? [])].sort()).toEqual(['kcc-community-wardens', 'kent-fire-rescue']);
    expect(rule?.targets.acceptWithinWorkingDays).toBe(3);

    // The other tab still holds the old version: its change is refused, and the form shows the rule as it is.
    await stale.$eval('#acceptWithinWorkingDays', (input) => {
      (input as unknown as { value: string }).value = '5';
    });
    const [refused] = await Promise.all([
      stale.waitForNavigation({ waitUntil: 'load' }),
      stale.click('main form button'),
    ]);
    expect(refused?.status()).toBe(409);
    expect(await text(stale, '.govuk-notification-banner')).toContain('Someone changed this routing');
    expect(
      await stale.$eval('#acceptWithinWorkingDays', (input) => (input as unknown as { value: string }).value),
    ).toBe('3');
    const after = (
      await csu.GET('/routing/{category}', { params: { path: { category: 'fire-safety-and-arson' } } })
    ).data;
    expect(after?.targets.acceptWithinWorkingDays).toBe(3);
    await context.close();
  });

  it('cannot be signed out by another site', async () => {
    const forged = await fetch(`${cloud().api}/console/sign-out`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: '',
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie()).toEqual([]);
  });

  it('signs out: the session ends, a copy of its cookie is refused, and the console asks for sign-in again', async () => {
    const { context, page } = await freshVisitor();
    await page.goto(`${cloud().api}/console`, { waitUntil: 'load' });
    await signInLocally(page, { username: 'csu.di', role: 'csu-officer' });
    const copied = (await page.cookies()).find((cookie) => cookie.name === '__Host-csp-session');
    const withCopy = () =>
      fetch(`${cloud().api}/console`, {
        redirect: 'manual',
        headers: { cookie: `__Host-csp-session=${copied?.value}`, 'sec-fetch-site': 'same-origin' },
      });
    expect((await withCopy()).status).toBe(200);
    // Signing out passes through the sign-in service's logout endpoint, which sends the browser back.
    await page.click('form[action$="/console/sign-out"] button');
    await eventually(
      async () => (page.url().endsWith('/console/signed-out') ? true : undefined),
      'signed out',
    );
    await page.waitForSelector('main h1');
    expect(await text(page, 'h1')).toBe('You have signed out');
    await expectAccessible(page);
    expect((await page.cookies()).some((c) => c.name === '__Host-csp-session')).toBe(false);
    // The copy (another tab, a shared computer's cookie jar) no longer opens the console: sign in afresh.
    const refused = await withCopy();
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toContain('/console/sign-in?returnTo=%2Fconsole&fresh=1');
    // Typed into the address bar (not a same-site navigation): one reload from the console, then sign-in.
    await page.goto(`${cloud().api}/console`, { waitUntil: 'load' });
    await page.waitForSelector('#username');
    expect(await page.title()).toContain('Sign in (local only)');
    await context.close();
  });
});

describe('every other page', () => {
  it('passes axe: the directory, a page refused to a role, an expired contact form, and the pages between', async () => {
    const admin = await freshVisitor();
    await admin.page.goto(`${cloud().api}/console`, { waitUntil: 'load' });
    await signInLocally(admin.page, { username: 'admin.al', role: 'partnership-admin' });
    // An admin has no inbox: the console opens on the directory they keep.
    expect(await text(admin.page, 'h1')).toBe('Directory');
    await expectAccessible(admin.page);
    await admin.page.goto(`${cloud().api}/console/routing`, { waitUntil: 'load' });
    expect(await text(admin.page, 'h1')).toBe('You cannot use this page');
    await expectAccessible(admin.page);

    // A contact form whose cookie went (cleared, or a day passed) comes back with its answers, not lost.
    const visitor = await freshVisitor();
    await visitor.page.goto(`${cloud().api}/contact`, { waitUntil: 'load' });
    await visitor.page.type('#description', 'Someone keeps trying car doors on our street at night.');
    await visitor.page.deleteCookie(...(await visitor.page.cookies()));
    const [expired] = await Promise.all([
      visitor.page.waitForNavigation({ waitUntil: 'load' }),
      visitor.page.click('main form button[type=submit]'),
    ]);
    expect(expired?.status()).toBe(403);
    expect(await text(visitor.page, '.govuk-notification-banner')).toContain('Your form had expired');
    expect(await visitor.page.$eval('#description', (t) => (t as unknown as { value: string }).value)).toBe(
      'Someone keeps trying car doors on our street at night.',
    );
    await expectAccessible(visitor.page);

    // The pages a browser passes through: the reload after arriving from an email, the one after signing in,
    // and the one a form posted after its session ended gets. Served as the console serves them.
    const between = [
      await fetch(`${cloud().api}/console`, { headers: { 'sec-fetch-site': 'cross-site' } }),
      await fetch(`${cloud().api}/console/cases/CSU-2026-000001/note`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: '__Host-csp-session=ended',
        },
        body: 'csrf=x&text=typed',
      }),
    ];
    expect(between.map((response) => response.status)).toEqual([200, 401]);
    for (const response of between) {
      const page = await admin.context.newPage();
      await page.setBypassCSP(true);
      await page.setRequestInterception(true);
      const html = await response.text();
      // The first navigation gets the page; the one its refresh starts gets 204, which keeps the page shown.
      let served = false;
      page.on('request', (request) => {
        if (!request.isNavigationRequest()) return void request.continue();
        if (served) return void request.respond({ status: 204, body: '' });
        served = true;
        void request.respond({ status: 200, contentType: 'text/html', body: html });
      });
      // Served at the console's own address, so its stylesheet loads as it would.
      await page.goto(`${cloud().api}/console/between`, { waitUntil: 'load' });
      expect(await axeViolations(page), await page.title()).toEqual([]);
      await page.close();
    }
  });
});
