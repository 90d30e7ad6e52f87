/**
 * The contract as an integrator meets it on the running system: the OpenAPI document the local cloud serves
 * lists exactly the deployed routes, passes Redocly CLI's `recommended` lint with no error and no warning, and
 * its reference page renders every operation, with examples and errors, in a real headless browser. (Every
 * response the other tests receive is checked against the same document by the gateway: local/contract.ts.)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionOf, isStaffRoute, ROUTE_LIST } from '../../functions/topology.ts';
import { axeViolations, launchBrowser, type PageGlobals } from '../support/browser.ts';
import { callApi, cloud } from '../support/local-cloud.ts';

const rootDir = path.resolve(import.meta.dirname, '../..');

describe('the served OpenAPI document', () => {
  it('documents exactly the routes the topology deploys to the api function', async () => {
    const { status, body } = await callApi<{
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[] }>>;
    }>('/openapi.json');

    const documented = Object.entries(body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) =>
          `${method.toUpperCase()} ${path} ${operation.security.length > 0 ? 'staff' : 'public'}`,
      ),
    );
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(documented.sort()).toEqual(
      ROUTE_LIST.filter((route) => functionOf(route) === 'api')
        .map((route) => `${route.method} ${route.path} ${isStaffRoute(route) ? 'staff' : 'public'}`)
        .sort(),
    );
  });

  it('passes Redocly’s recommended lint with no error and no warning', async () => {
    const document = await (await fetch(`${cloud().api}/openapi.json`)).text();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'openapi-')), 'openapi.json');
    await writeFile(file, document);

    // redocly.yaml at the root extends `recommended`; any rule it turns off says why.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(rootDir, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format=json'],
      {
        cwd: rootDir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };

    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});

describe('the API reference page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders each operation with its example and errors in a browser, accessibly and offline', async () => {
    const page = await browser.newPage();
    // Only so axe can be injected: the page's own policy allows no script (checked in openapi-document.test.ts).
    await page.setBypassCSP(true);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(`${cloud().api}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);

    const heading = await page.$eval('#submitEnquiry h3', (element) => element.textContent ?? '');
    expect(heading.replace(/\s+/g, ' ')).toContain('POST /enquiries');
    // The examples are folded away until asked for; opening one shows the request an integrator would send.
    await page.click('#submitEnquiry details summary');
    expect(
      await page.$eval('#submitEnquiry details', (element) => (element as unknown as { open: boolean }).open),
    ).toBe(true);
    const section = await page.$eval('#submitEnquiry', (element) => element.textContent ?? '');
    expect(section).toContain('"category"');
    expect(section).toMatch(/422 One or more fields are invalid/);
    expect(section).toContain('Idempotency-Key');
    const operations = await page.$$eval('section[id] h3 .method', (elements) => elements.length);
    expect(operations).toBe(ROUTE_LIST.filter((route) => functionOf(route) === 'api').length);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).innerWidth)).toBeGreaterThan(0);

    // Nothing but the page itself was fetched: no CDN, no script, no font.
    expect(requested).toEqual([`${cloud().api}/docs`]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
