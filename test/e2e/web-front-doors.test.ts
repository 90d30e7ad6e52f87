/**
 * The web front doors as people use them, in a real headless Chromium against the local cloud: a member of the
 * public sends an enquiry with the contact form; a CSU officer signs in through the local user pool's sign-in
 * page and works the case; agency officers open the link in their referral email. Every page is checked with
 * axe (WCAG 2.2 AA), and the form and the case's actions are completed with the keyboard alone.
 *
 * Axe is injected from axe-core itself (test/support/browser.ts), not through `@axe-core/puppeteer`: that
 * package depends on full puppeteer, whose browser download fails offline.
 */

import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { axeViolations, launchBrowser, type PageGlobals } from '../support/browser.ts';
import { consoleSession, submitLocalSignIn } from '../support/console-session.ts';
import {
  anEnquiry,
  cloud,
  emailsFor,
  eventually,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';
import { inProcessWebApp, KeyTakenMidWrite, sendContactForm } from '../support/web-app.ts';

/**
 * The enquiry the public form journey sent, which the CSU journey then works (vitest runs a file's tests in
 * order). Run on its own (`-t`), the CSU journey sends one of its own instead, so no test needs another to pass.
 */
let fromTheForm: { reference: string; description: string; email: string } | undefined;

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

/**
 * Axe finds nothing on a page fetched without the browser (one it passes through, or cannot be steered to),
 * served at the console's own address so its stylesheet loads as it would. A refresh the page starts gets
 * 204, which keeps it shown.
 */
async function expectAccessibleHtml(browser: Browser, html: string): Promise<void> {
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  await page.setRequestInterception(true);
  let served = false;
  page.on('request', (request) => {
    if (!request.isNavigationRequest()) return void request.continue();
    if (served) return void request.respond({ status: 204, body: '' });
    served = true;
    void request.respond({ status: 200, contentType: 'text/html', body: html });
  });
  await page.goto(`${cloud().api}/console/between`, { waitUntil: 'load' });
  expect(await axeViolations(page), await page.title()).toEqual([]);
  await page.close();
}

/** The inbox table's rows: each case's reference, status label and who it is assigned to. */
function inboxRows(page: string): { reference: string; status: string; assignedTo: string }[] {
  return [...page.matchAll(/<tr class="govuk-table__row">(.*?)<\/tr>/gs)].flatMap(([, row = '']) => {
    const reference = /\/console\/cases\/(CSU-\d{4}-\d{6})"/.exec(row)?.[1];
    const cells = [...row.matchAll(/<td class="govuk-table__cell">(.*?)<\/td>/gs)].map(
      ([, cell = '']) => cell,
    );
    if (!reference || cells.length < 7) return [];
    const status = /<strong class="govuk-tag[^"]*">([^<]+)<\/strong>/.exec(cells[2] ?? '')?.[1] ?? '';
    return [{ reference, status, assignedTo: (cells[6] ?? '').trim() }];
  });
}

/** The cells of the case page's referral row for `agency`: agency, answer, referred, answer by, email. */
async function referralRow(page: Page, agency: string): Promise<string[]> {
  const rows = await page.$$eval('main table tbody tr', (trs) =>
    trs.map((tr) =>
      Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (cell) =>
        (cell.textContent ?? '').trim(),
      ),
    ),
  );
  const row = rows.find((cells) => cells[0] === agency);
  if (!row) throw new Error(`No referral row for ${agency}: ${JSON.stringify(rows)}`);
  return row;
}

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
    // The privacy notice the partnership record names, linked from the form itself.
    const { privacyNoticeUrl } = (await apiClient().GET('/partnership')).data ?? {};
    expect(privacyNoticeUrl).toMatch(/^https:\/\//);
    expect(await text(page, `main a.govuk-link[href="${privacyNoticeUrl}"]`)).toBe(
      'how we use your information',
    );
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
    fromTheForm = { reference, description: stored.data?.enquiry.description ?? '', email };
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
  it('lets a CSU officer sign in, find the form’s enquiry in the inbox, assign, refer, note, update and close it', async () => {
    const enquiry =
      fromTheForm ??
      (await (async () => {
        const own = anEnquiry();
        const { reference } = (await submitEnquiry(own)).body as { reference: string };
        return { reference, description: own.description, email: own.email };
      })());
    const { reference } = enquiry;
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

    // Keyboard only from here: assigning, referring, a note, an update, then closing.
    await tabTo(page, '#officer');
    await page.keyboard.type('PC Hollis');
    await tabTo(page, 'form:has(#officer) button');
    await enterAndWait(page);
    expect(await text(page, '.govuk-notification-banner')).toContain('Case assigned');
    expect(await text(page, 'main')).toContain('PC Hollis');

    // The agency select's second choice, picked with an arrow key as a keyboard user does.
    await tabTo(page, '#refer-agency');
    const firstChoice = await page.$eval('#refer-agency', (s) => (s as unknown as { value: string }).value);
    await page.keyboard.press('ArrowDown');
    const referredTo = await page.$eval('#refer-agency', (s) => (s as unknown as { value: string }).value);
    expect(referredTo).not.toBe(firstChoice);
    await tabTo(page, 'form:has(#refer-agency) button');
    await enterAndWait(page);
    expect(await text(page, '.govuk-notification-banner')).toContain('Case referred');
    await expectAccessible(page);

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
    expect(stored?.assignedTo).toBe('PC Hollis');
    expect(stored?.referrals.map((r) => r.agencyId)).toContain(referredTo);
    expect(
      stored?.timeline.some(
        (entry) =>
          entry.kind === 'referred' &&
          entry.details.agencyId === referredTo &&
          entry.actor.subject === 'local-csu.ann',
      ),
    ).toBe(true);
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
    // The case was shown seven times: opened, after the assignment, the referral and the note, reloaded, after
    // the update and after the closure.
    expect(views).toHaveLength(7);
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
    await expectAccessible(page);
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

  it('lets Kent Police accept its referral with the keyboard alone, showing how far the referral email got', async () => {
    const { reference } = (await submitEnquiry(anEnquiry())).body as { reference: string };
    const csu = apiClient(await staffToken('csu-officer'));
    const read = async () =>
      (await csu.GET('/enquiries/{reference}', { params: { path: { reference } } })).data;
    await eventually(
      async () =>
        (await read())?.referrals.find((r) => r.agencyId === 'kent-police')?.email.status === 'sent'
          ? true
          : undefined,
      'the referral email to Kent Police sent',
    );
    await waitForQuiet();
    const police = await freshVisitor();
    await police.page.goto(`${cloud().api}/console/cases/${reference}`, { waitUntil: 'load' });
    await signInLocally(police.page, {
      username: 'kp.acceptor',
      role: 'agency-officer',
      agency: 'kent-police',
    });
    expect(await text(police.page, 'h1')).toBe(`Case ${reference}`);
    const [, answer, , , emailCell] = await referralRow(police.page, 'Kent Police');
    expect(answer).toBe('Waiting for an answer');
    // The email column says what the delivery events said, or when it was sent if none came yet.
    const { email } = (await read())?.referrals.find((r) => r.agencyId === 'kent-police') ?? {};
    expect(emailCell).toMatch(
      email?.delivery ? new RegExp(`^${email.delivery.outcome} \\d`) : /^Sent \d{1,2} [A-Z][a-z]{2} \d{4}/,
    );

    await tabTo(police.page, '#accept-kent-police');
    await enterAndWait(police.page);
    expect(await text(police.page, '.govuk-notification-banner')).toContain('Referral accepted');
    expect((await referralRow(police.page, 'Kent Police'))[1]).toBe('Accepted');
    await expectAccessible(police.page);
    const kent = (await read())?.referrals.find((r) => r.agencyId === 'kent-police');
    expect(kent?.status).toBe('accepted');
    // The other agencies' referrals are not Kent Police's to answer: untouched.
    expect((await read())?.referrals.filter((r) => r.status === 'accepted').map((r) => r.agencyId)).toEqual([
      'kent-police',
    ]);
    await police.context.close();
  });

  it('filters the inbox by status and by "assigned to me", and pages through it with its next link', async () => {
    const officer = await consoleSession({ username: 'csu.fay', role: 'csu-officer' });
    const get = async (path: string) => {
      const response = await fetch(new URL(path, cloud().api), {
        headers: { cookie: officer.cookie, 'sec-fetch-site': 'same-origin' },
      });
      expect(response.status, path).toBe(200);
      return response.text();
    };
    const act = async (reference: string, action: string, fields: Record<string, string>) => {
      const version = /name="version" value="(\d+)"/.exec(await get(`/console/cases/${reference}`))?.[1];
      const response = await fetch(`${cloud().api}/console/cases/${reference}/${action}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: officer.csrf, version: version ?? '', ...fields }).toString(),
      });
      expect(response.status, action).toBe(303);
    };
    // 26 new cases, one more than a page, in a category routed to nobody (no agency emails to send).
    const quiet = { category: 'general-community-safety', safeContact: { mayEmail: false, mayPhone: false } };
    const ours: string[] = [];
    for (let sent = 0; sent < 26; sent += 6) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(6, 26 - sent) }, () => submitEnquiry(anEnquiry(quiet))),
      );
      ours.push(...batch.map((response) => (response.body as { reference: string }).reference));
    }
    await waitForQuiet();
    const [mine = '', closed = ''] = ours;
    await act(mine, 'assign', {});
    await act(closed, 'transition', { to: 'closed', reason: 'resolved' });
    const inCategory = '/console?category=general-community-safety';

    const closedRows = inboxRows(await get(`${inCategory}&status=closed`));
    expect(closedRows.map((row) => row.reference)).toContain(closed);
    expect(closedRows.map((row) => row.reference)).not.toContain(mine);
    expect(new Set(closedRows.map((row) => row.status))).toEqual(new Set(['Closed']));

    const mineRows = inboxRows(await get(`${inCategory}&show=mine`));
    expect(mineRows.map((row) => row.reference)).toEqual([mine]);
    expect(mineRows[0]?.assignedTo).toBe('local-csu.fay');

    // Newest first, 25 a page; "Older cases" leads on until the last page, which has no such link.
    const seen: string[] = [];
    let next: string | undefined = inCategory;
    let pages = 0;
    while (next) {
      const page = await get(next);
      const rows = inboxRows(page);
      if (pages === 0) expect(rows).toHaveLength(25);
      seen.push(...rows.map((row) => row.reference));
      next = /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">/
        .exec(page)?.[1]
        ?.replaceAll('&amp;', '&');
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ours));
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
    await stale.setBypassCSP(true);
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
    await expectAccessible(stale);
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

    // The pages a browser passes through or lands on after a detour: the reload after arriving from an email,
    // a form posted after its session ended, each way back from the sign-in service, a hand-edited inbox link,
    // and a contact form sent twice. Served as the console serves them.
    const api = cloud().api;
    const startSignIn = async () => {
      const start = await fetch(`${api}/console/sign-in`, { redirect: 'manual' });
      const pending = start.headers
        .getSetCookie()
        .map((line) => line.split(';')[0] ?? '')
        .find((pair) => pair.startsWith('__Host-csp-sign-in='));
      return { pending: pending ?? '', authorize: new URL(start.headers.get('location') ?? '') };
    };
    const signedIn = await (async () => {
      const { pending, authorize } = await startSignIn();
      const back = await submitLocalSignIn(authorize, { username: 'csu.gus', role: 'csu-officer' });
      return fetch(back.headers.get('location') ?? '', { redirect: 'manual', headers: { cookie: pending } });
    })();
    const notSignedIn = await (async () => {
      const { pending, authorize } = await startSignIn();
      const state = authorize.searchParams.get('state') ?? '';
      return fetch(`${api}/console/callback?${new URLSearchParams({ state, error: 'access_denied' })}`, {
        headers: { cookie: pending },
      });
    })();
    const officer = await consoleSession({ username: 'csu.hal', role: 'csu-officer' });
    const contact = await fetch(`${api}/contact`);
    const formCookie = contact.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const contactPage = await contact.text();
    const hidden = (name: string) =>
      new RegExp(`name="${name}" value="([^"]+)"`).exec(contactPage)?.[1] ?? '';
    const sendContact = (description: string) =>
      fetch(`${api}/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: formCookie },
        body: new URLSearchParams({
          csrf: hidden('csrf'),
          idempotencyKey: hidden('idempotencyKey'),
          category: 'parking',
          description,
          happeningNow: 'no',
          mayEmail: 'no',
          mayPhone: 'no',
        }).toString(),
      });
    expect((await sendContact('A van parked across my drive every morning.')).status).toBe(200);
    // A form caught while another request still writes its enquiry: the local cloud cannot be held there on
    // demand, so that page comes from the same app in-process.
    const midWrite = inProcessWebApp({ enquiries: new KeyTakenMidWrite(), publicApiUrl: api });
    const between = [
      await fetch(`${api}/console`, { headers: { 'sec-fetch-site': 'cross-site' } }),
      await fetch(`${api}/console/cases/CSU-2026-000001/note`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: '__Host-csp-session=ended',
        },
        body: 'csrf=x&text=typed',
      }),
      signedIn,
      notSignedIn,
      await fetch(`${api}/console/callback?code=a-code&state=a-state`),
      await fetch(`${api}/console?cursor=not-a-cursor`, {
        headers: { cookie: officer.cookie, 'sec-fetch-site': 'same-origin' },
      }),
      await sendContact('Changed after it was sent: a van parked across my drive.'),
      await sendContactForm(midWrite.app, {
        category: 'parking',
        description: 'A van parked across my drive every morning.',
        happeningNow: 'no',
        mayEmail: 'no',
        mayPhone: 'no',
      }),
    ];
    const pages = await Promise.all(between.map((response) => response.text()));
    const titleOf = (page: string) => /<title>([^<–]+?) –/.exec(page)?.[1];
    expect(between.map((response, i) => [response.status, titleOf(pages[i] ?? '')])).toEqual([
      [200, 'Opening the console'],
      [401, 'You have been signed out'],
      [200, 'Signed in'],
      [401, 'You did not sign in'],
      [400, 'Sign-in could not be completed'],
      [400, 'This link does not work'],
      [409, 'You have already sent this form'],
      [409, 'Your enquiry is being sent'],
    ]);
    for (const page of pages) await expectAccessibleHtml(admin.context, page);
  });
});
