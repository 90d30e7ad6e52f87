/**
 * `npm run screenshots`: every page of the contact form and the staff console, at 375 px (a phone) and 1280 px
 * (a desktop) wide, written to docs/screenshots/ so a reviewer can look without running anything. It starts
 * its own in-memory local cloud on free ports, walks the pages as a member of the public and as staff do, and
 * stops it again; nothing is left behind but the pictures.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startCloudProcess } from '../local/cloud-process.ts';
import { freePorts, portVariables } from '../local/ports.ts';
import { launchBrowser } from '../test/support/browser.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const WIDTHS = [375, 1280] as const;

const cloud = await startCloudProcess({
  args: ['--in-memory', '--no-schedules'],
  env: { ...portVariables(await freePorts()), CSP_OUTBOX_GRACE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'WARN' },
});
const browser = await launchBrowser();
const shots: string[] = [];
try {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const { api } = cloud.urls;
  const page = await browser.newPage();

  /** The current page at each width, full length. */
  const shoot = async (name: string) => {
    for (const width of WIDTHS) {
      await page.setViewport({ width, height: 900 });
      const file = path.join(OUT, `${name}-${width}.png`);
      await page.screenshot({ path: file as `${string}.png`, fullPage: true });
      shots.push(path.relative(ROOT, file));
    }
  };
  const submit = async (selector = 'main form button[type=submit]') => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  };
  /** Waits until the page has arrived at a URL ending with `end` (after redirects and refreshes) and loaded. */
  const arrive = async (end: string) => {
    for (let i = 0; i < 100 && !new URL(page.url()).pathname.endsWith(end); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.waitForSelector('main h1');
    await page.waitForNetworkIdle({ idleTime: 200 });
  };

  // The public contact form: empty, with errors, and its confirmation.
  await page.goto(`${api}/contact`, { waitUntil: 'load' });
  await shoot('01-contact-form');
  await page.click('#category');
  await submit();
  await shoot('02-contact-form-errors');
  await page.type('#description', 'Motorbikes racing round the Elwick Road car park most nights after 11pm.');
  await page.click('#happeningNow-2');
  await page.type('#email', 'pat@resident.example');
  await page.click('#mayEmail');
  await submit();
  await shoot('03-contact-confirmation');
  const reference = (await page.$eval('.govuk-panel__body strong', (e) => e.textContent ?? '')).trim();

  // The console: the local sign-in page, the inbox, the case, the routing table, signed out.
  await page.goto(`${api}/console`, { waitUntil: 'load' });
  await page.waitForSelector('#username');
  await shoot('04-local-sign-in');
  await page.click('#role-csu-officer');
  await submit('main form button[type=submit]');
  await arrive('/console');
  // Give the router a moment to refer the new enquiry, so the inbox shows its agencies.
  await new Promise((r) => setTimeout(r, 1500));
  await page.reload({ waitUntil: 'load' });
  await shoot('05-inbox');
  await page.goto(`${api}/console/cases/${reference}`, { waitUntil: 'load' });
  await shoot('06-case');
  await page.type('#note', 'Spoke to the neighbourhood policing team; patrols arranged for this week.');
  await submit('form:has(#note) button');
  await shoot('07-case-note-added');
  // A note added from another tab meanwhile: this page's form is now stale, and says what changed.
  const caseUrl = page.url();
  const other = await browser.newPage();
  await other.goto(caseUrl, { waitUntil: 'load' });
  await other.type('#note', 'Neighbourhood team confirmed the patrols.');
  await Promise.all([other.waitForNavigation({ waitUntil: 'load' }), other.click('form:has(#note) button')]);
  await other.close();
  await page.type('#note', 'Asked the council to check the car park’s CCTV.');
  await submit('form:has(#note) button');
  await shoot('11-case-changed');
  await page.goto(`${api}/console/routing`, { waitUntil: 'load' });
  await shoot('08-routing-table');
  await page.goto(`${api}/console/routing/anti-social-behaviour`, { waitUntil: 'load' });
  await shoot('08-routing-rule');
  await page.goto(`${api}/console/directory`, { waitUntil: 'load' });
  await shoot('08-directory');
  await page.click('form[action$="/console/sign-out"] button');
  await arrive('/console/signed-out');
  await shoot('09-signed-out');

  // An agency officer (Kent Police) opening the case referred to it, a case that is not theirs, and a page
  // that is the CSU's alone.
  await page.goto(`${api}/console/cases/${reference}`, { waitUntil: 'load' });
  await page.waitForSelector('#username');
  await page.$eval('#username', (input) => {
    (input as unknown as { value: string }).value = '';
  });
  await page.type('#username', 'kp.officer');
  await page.click('#role-agency-officer');
  await page.select('#agency', 'kent-police');
  await submit('main form button[type=submit]');
  await arrive(`/console/cases/${reference}`);
  await shoot('12-agency-officer-case');
  await page.goto(`${api}/console/cases/CSU-2026-999999`, { waitUntil: 'load' });
  await shoot('13-page-not-found');
  await page.goto(`${api}/console/routing`, { waitUntil: 'load' });
  await shoot('14-cannot-use-this-page');

  // A contact form whose cookie went (cleared, or a day passed): it comes back with its answers.
  await page.goto(`${api}/contact`, { waitUntil: 'load' });
  await page.type('#description', 'Someone keeps trying car doors on our street at night.');
  await page.deleteCookie(...(await page.cookies()));
  await submit();
  await shoot('10-contact-form-expired');
  process.stdout.write(`Wrote ${shots.length} screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}\n`);
} finally {
  await browser.close();
  await cloud.stop();
}
