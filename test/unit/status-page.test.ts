import { createHash } from 'node:crypto';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  renderStatusPage,
  STATUS_PAGE_HEADERS,
  type StatusPageView,
} from '../../functions/api/status-page.ts';
import { CLOSURE_OUTCOMES } from '../../functions/domain/casework-vocabulary.ts';
import { ukDateTime } from '../../functions/domain/email-content.ts';
import { STATUS_DESCRIPTIONS } from '../../functions/domain/enquiry.ts';
import { axeViolations, launchBrowser, type PageGlobals, servePage } from '../support/browser.ts';

function aReceivedEnquiry(overrides: Partial<StatusPageView> = {}): StatusPageView {
  return {
    reference: 'CSU-2026-000042',
    status: 'received',
    statusDescription: STATUS_DESCRIPTIONS.received,
    receivedAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    publicUpdates: [],
    partnership: {
      name: 'Ashford & District Community Safety Partnership',
      csuName: 'Ashford Community Safety Unit',
      urgentPhone: '01233 331111',
      urgentPhoneHours: 'weekends',
    },
    ...overrides,
  };
}

function aClosedEnquiry(overrides: Partial<StatusPageView> = {}): StatusPageView {
  return aReceivedEnquiry({
    status: 'closed',
    statusDescription: STATUS_DESCRIPTIONS.closed,
    updatedAt: '2026-12-03T15:30:00.000Z',
    publicUpdates: [
      {
        at: '2026-12-03T15:30:00.000Z',
        message: 'The council has removed the dumped mattresses.\nThank you.',
      },
      { at: '2026-11-27T09:05:00.000Z', message: 'We have passed your enquiry to the council.' },
    ],
    closure: { reason: 'resolved', at: '2026-12-03T15:30:00.000Z', outcome: CLOSURE_OUTCOMES.resolved },
    ...overrides,
  });
}

function styleBlocks(html: string): string[] {
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
}

describe('renderStatusPage', () => {
  it('titles the page with the CSU only, and heads it with the reference', () => {
    const html = renderStatusPage(aReceivedEnquiry());

    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Your enquiry – Ashford Community Safety Unit</title>');
    expect(html).toContain('<h1>Your enquiry CSU-2026-000042</h1>');
    expect(html).toContain('<main id="main-content">');
    expect(html).toContain('<a class="skip-link" href="#main-content">');
  });

  it('gives the status in words with the received and last-updated dates', () => {
    const html = renderStatusPage(aReceivedEnquiry({ updatedAt: '2026-11-27T09:05:00.000Z' }));

    expect(html).toContain(STATUS_DESCRIPTIONS.received);
    expect(html).toContain(ukDateTime('2026-11-26T10:00:00.000Z'));
    expect(html).toContain(ukDateTime('2026-11-27T09:05:00.000Z'));
    expect(html).not.toContain('Outcome');
  });

  it('says there are no updates yet when the CSU has published none', () => {
    const html = renderStatusPage(aReceivedEnquiry());

    expect(html).toContain('Updates from the Community Safety Unit');
    expect(html).toContain('There are no updates yet.');
  });

  it('shows each update with its date, newest first as given, keeping line breaks', () => {
    const html = renderStatusPage(aClosedEnquiry());

    const newest = html.indexOf('The council has removed the dumped mattresses.<br>\nThank you.');
    const oldest = html.indexOf('We have passed your enquiry to the council.');
    expect(newest).toBeGreaterThan(-1);
    expect(oldest).toBeGreaterThan(newest);
    expect(html).toContain(ukDateTime('2026-11-27T09:05:00.000Z'));
    expect(html).not.toContain('no updates yet');
  });

  it('gives the outcome in words and the closing date once closed', () => {
    const html = renderStatusPage(aClosedEnquiry());

    expect(html).toContain(CLOSURE_OUTCOMES.resolved);
    expect(html).toMatch(/<dt[^>]*>Closed<\/dt><dd[^>]*><time datetime="2026-12-03T15:30:00.000Z">/);
    expect(html).not.toContain('resolved'); // the code stays internal; the enquirer reads words
  });

  it('always tells the reader how to get help now, with phone numbers they can tap', () => {
    const html = renderStatusPage(aClosedEnquiry());

    expect(html).toContain('If you need help now');
    expect(html).toMatch(/In an emergency, or if a crime is happening now, call <a href="tel:999">999<\/a>/);
    expect(html).toContain('call <a href="tel:01233331111">01233 331111</a> (weekends)');
  });

  it('escapes every value, so an update cannot inject markup', () => {
    const html = renderStatusPage(
      aClosedEnquiry({
        reference: 'CSU-<b>',
        publicUpdates: [
          { at: '2026-12-03T15:30:00.000Z', message: '<script>alert("x")</script> & <img src=x>' },
        ],
      }),
    );

    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;');
    expect(html).toContain('Your enquiry CSU-&lt;b&gt;');
    expect(html).toContain('Ashford &amp; District Community Safety Partnership');
    expect(html).not.toContain('<img');
  });

  it('contains no script, form, external asset or inline style attribute in any state', () => {
    const pages = [
      aReceivedEnquiry(),
      aClosedEnquiry(),
      aClosedEnquiry({ publicUpdates: [{ at: '2026-12-03T15:30:00.000Z', message: '<script>x</script>' }] }),
    ].map(renderStatusPage);

    for (const html of pages) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<form|<input|<button/i);
      expect(html).not.toMatch(/\s(src|style)=/i);
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('never shows the status token, even if the caller passes one along', () => {
    const view = { ...aClosedEnquiry(), statusToken: 'tok-5ecret-tok' };

    const html = renderStatusPage(view);

    expect(html).not.toContain('tok-5ecret-tok');
    expect(html).not.toMatch(/token/i);
  });

  it('allows, by hash, exactly the one style block the page embeds', () => {
    const [style, ...others] = styleBlocks(renderStatusPage(aReceivedEnquiry()));
    const hash = createHash('sha256').update(style!, 'utf8').digest('base64');

    expect(others).toHaveLength(0);
    expect(STATUS_PAGE_HEADERS['Content-Security-Policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
  });

  it('forbids caching, referrers, sniffing and framing', () => {
    expect(STATUS_PAGE_HEADERS).toMatchObject({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    expect(Object.keys(STATUS_PAGE_HEADERS).map((name) => name.toLowerCase())).not.toContain('content-type');
  });
});

describe('in a real browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function violationsFor(view: StatusPageView) {
    const page = await browser.newPage();
    try {
      await page.setBypassCSP(true); // only so axe can be injected
      await page.setContent(renderStatusPage(view));
      return await axeViolations(page);
    } finally {
      await page.close();
    }
  }

  it('finds no WCAG 2.2 AA or best-practice violations on a just-received enquiry', async () => {
    expect(await violationsFor(aReceivedEnquiry())).toEqual([]);
  });

  it('finds no WCAG 2.2 AA or best-practice violations on a closed enquiry with two updates', async () => {
    expect(await violationsFor(aClosedEnquiry())).toEqual([]);
  });

  it('applies the style under the real CSP, and would not if the hash were wrong', async () => {
    const html = renderStatusPage(aClosedEnquiry());
    const csp = STATUS_PAGE_HEADERS['Content-Security-Policy']!;
    const tampered = {
      ...STATUS_PAGE_HEADERS,
      'Content-Security-Policy': csp.replace(/sha256-[^']+/, 'sha256-x'),
    };

    const served = await servePage(browser, html, STATUS_PAGE_HEADERS);
    const blocked = await servePage(browser, html, tampered);
    const fontOf = (page: Page) =>
      page.evaluate(() => {
        const window = globalThis as unknown as PageGlobals;
        return window.getComputedStyle(window.document.body).fontFamily;
      });

    try {
      expect(await fontOf(served.page)).toContain('Arial');
      expect(served.console.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
      expect(await fontOf(blocked.page)).not.toContain('Arial');
    } finally {
      await served.page.close();
      await blocked.page.close();
    }
  });

  it('reflows at 320 CSS pixels and shows the skip link on keyboard focus', async () => {
    const longWord = 'https://example.invalid/'.padEnd(120, 'x');
    const html = renderStatusPage(
      aClosedEnquiry({ publicUpdates: [{ at: '2026-12-03T15:30:00.000Z', message: longWord }] }),
    );
    const { page } = await servePage(browser, html, STATUS_PAGE_HEADERS);

    try {
      await page.setViewport({ width: 320, height: 640 });
      const overflow = await page.evaluate(() => {
        const window = globalThis as unknown as PageGlobals;
        return window.document.documentElement.scrollWidth - window.innerWidth;
      });
      await page.keyboard.press('Tab');
      const skipLink = await page.evaluate(() => {
        const focused = (globalThis as unknown as PageGlobals).document.activeElement;
        const box = focused?.getBoundingClientRect();
        return { text: focused?.textContent, width: box?.width ?? 0, height: box?.height ?? 0 };
      });

      expect(overflow).toBeLessThanOrEqual(0);
      expect(skipLink.text).toBe('Skip to main content');
      expect(skipLink.width).toBeGreaterThan(100);
      expect(skipLink.height).toBeGreaterThan(20);
    } finally {
      await page.close();
    }
  });
});
