/**
 * A real headless Chromium for tests, fully offline: the chrome-headless-shell binary that @sparticuz/chromium
 * ships brotli-compressed, driven by puppeteer-core. No download, no system Chrome.
 *
 * The binary is built for Amazon Linux (Lambda) but runs as is on Debian 12: `ldd` finds every library, so the
 * package's AL2023 libraries are not needed (it extracts them only when it detects Lambda). Its recommended
 * flags already hold what this machine needs: `--no-sandbox` (tests run as root, where Chromium's sandbox
 * refuses to start), `--no-zygote` and `--single-process` (one process, quicker to start and stop). We drop
 * the two that weaken web security (`--disable-web-security`, `--allow-running-insecure-content`) so the
 * browser enforces what a member of the public's would, and turn WebGL off: no page here needs it.
 *
 * Measured here: the first call inflates ~200 MB to /tmp/chromium in ~1.5 s; after that, launch takes
 * ~60–100 ms and close ~100 ms. Launch once per test file (`launchBrowser` in `beforeAll`) or use `withBrowser`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import chromium from '@sparticuz/chromium';
import type AxeCore from 'axe-core';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const require = createRequire(import.meta.url);

const WEAKENING_FLAGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);

let executable: Promise<string> | undefined;

/**
 * The inflated binary's path. @sparticuz/chromium reuses /tmp/chromium whenever the file exists, so a partly
 * written file (two test workers inflating at once, or one killed mid-way) or a binary left by another
 * package version would be launched as is. A lock directory serialises inflation across processes, and a
 * stamp written only after success, naming the package version, tells a sound binary from one to replace.
 */
function chromiumExecutable(): Promise<string> {
  executable ??= (async () => {
    const { version } = JSON.parse(
      await readFile(join(dirname(require.resolve('@sparticuz/chromium')), '..', 'package.json'), 'utf8'),
    ) as { version: string };
    const stamp = join(tmpdir(), 'chromium.inflated');
    const binary = join(tmpdir(), 'chromium');
    return withFileLock(join(tmpdir(), 'chromium.inflating'), async () => {
      const sound = (await readFile(stamp, 'utf8').catch(() => undefined)) === version && existsSync(binary);
      if (!sound) {
        await rm(stamp, { force: true });
        await rm(binary, { force: true });
      }
      const path = await chromium.executablePath();
      if (!sound) await writeFile(stamp, version);
      return path;
    });
  })();
  return executable;
}

/** Runs `work` holding a lock directory; a lock older than a minute is taken to be left by a killed process. */
async function withFileLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > 60_000) await rm(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Launches headless Chromium. The caller closes it. */
export async function launchBrowser(): Promise<Browser> {
  chromium.setGraphicsMode = false;
  return puppeteer.launch({
    executablePath: await chromiumExecutable(),
    // v153 has no `chromium.headless`: its args carry `--headless='shell'` and its README passes 'shell'.
    headless: 'shell',
    args: chromium.args.filter((flag) => !WEAKENING_FLAGS.has(flag)),
  });
}

/** Runs `use` with a fresh browser, closed afterwards whatever happens. */
export async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchBrowser();
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** An axe rule the page breaks, compactly: enough to find and fix it. */
export interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: number;
  /** CSS selectors of the first few offending elements. */
  targets: string[];
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core on the page against WCAG 2.2 A/AA and best practice. Our pages' CSP forbids every script,
 * axe included, so a page to audit must have had `page.setBypassCSP(true)` before it navigated or had its
 * content set. That bypass exists only in this test harness, never for a real visitor.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: await axeSource });
  const violations = await page.evaluate(async (tags) => {
    const { axe } = globalThis as unknown as { axe: typeof AxeCore };
    const results = await axe.run({ runOnly: { type: 'tag', values: tags } });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? undefined,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
  return violations;
}

/**
 * The few browser globals our page-side callbacks use. The project compiles without the DOM library, so that
 * Lambda code cannot reach for `window`; callbacks cast `globalThis` to this instead.
 */
export interface PageGlobals {
  document: {
    body: object;
    documentElement: { scrollWidth: number };
    activeElement: {
      textContent: string | null;
      getBoundingClientRect(): { width: number; height: number };
    } | null;
  };
  innerWidth: number;
  getComputedStyle(element: object): { fontFamily: string };
}

/** A page loaded from a fixed HTTPS address, and every console message it logged (CSP violations among them). */
export interface ServedPage {
  page: Page;
  console: string[];
}

const SERVED_URL = 'https://status.test/';

/**
 * Opens `html` in a new page as if served over HTTPS with `headers`, so header policies such as CSP apply
 * exactly as for a real response. Puppeteer answers the request itself: no port, no network; any other
 * request the page makes is refused.
 */
export async function servePage(
  browser: Browser,
  html: string,
  headers: Readonly<Record<string, string>>,
): Promise<ServedPage> {
  const page = await browser.newPage();
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url() === SERVED_URL) {
      void request.respond({
        status: 200,
        headers: { ...headers },
        contentType: 'text/html; charset=utf-8',
        body: html,
      });
    } else {
      void request.abort('blockedbyclient');
    }
  });
  await page.goto(SERVED_URL, { waitUntil: 'load' });
  return { page, console: messages };
}
