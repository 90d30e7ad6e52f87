/**
 * What the WAF web ACL in front of the stage answers one client, driven request by request through a model of
 * WAF's evaluation (waf.ts): per-IP limits on enquiries and on everything else, and what a blocked person sees.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PAGES, ROUTES } from '../../functions/topology.ts';
import { API_THROTTLING } from '../../lib/stateless-stack.ts';
import { removeOutdirs, synthApp, synthStageWith } from './synth.ts';
import { WafClient, type WafRequest, type WebAclJson, webAclOf } from './waf.ts';

afterAll(removeOutdirs);

const { stage, statelessTemplate } = synthApp('dev', { bundle: false });
const acl = webAclOf(statelessTemplate);
/** On the execute-api URL, WAF sees the stage name first. */
const onStage = (method: string, path: string): WafRequest => ({ method, path: `/${stage.name}${path}` });

const submitEnquiry = onStage(ROUTES.submitEnquiry.method, ROUTES.submitEnquiry.path);
const submitContactForm = onStage(PAGES.submitContactForm.method, PAGES.submitContactForm.path);
const contactForm = onStage(PAGES.contactForm.method, PAGES.contactForm.path);
const inbox = onStage(PAGES.inbox.method, PAGES.inbox.path);
const assetPath = (file: string) => PAGES.asset.path.replace('{file}', file);
/** What a browser fetches with a page when its cache is cold. */
const ASSET_FILES = ['app.css', 'favicon.svg', 'logo.svg'];

/** Submits enquiries through the API and the contact form in turn until WAF blocks one; how many got through. */
function enquiriesAllowed(client: WafClient): number {
  for (let sent = 0; sent < 1000; sent++) {
    if (!client.send(sent % 2 === 0 ? submitEnquiry : submitContactForm).allowed) return sent;
  }
  return Number.POSITIVE_INFINITY;
}

/** How one client reaches the console: a page, and the assets it links to. */
interface Console {
  readonly page: WafRequest;
  readonly asset: (file: string) => WafRequest;
}

/** Console pages one client may view, each with `assetsPerPage` asset fetches, before WAF blocks something. */
function pagesAllowed(webAcl: WebAclJson, console: Console, assetsPerPage: number): number {
  const client = new WafClient(webAcl);
  for (let pages = 0; pages < 10_000; pages++) {
    if (!client.send(console.page).allowed) return pages;
    for (let i = 0; i < assetsPerPage; i++) {
      if (!client.send(console.asset(ASSET_FILES[i % ASSET_FILES.length] ?? 'app.css')).allowed) return pages;
    }
  }
  return Number.POSITIVE_INFINITY;
}

const onExecuteApi: Console = { page: inbox, asset: (file) => onStage(PAGES.asset.method, assetPath(file)) };

describe('enquiries per IP', () => {
  it('counts the API and the contact form against one limit of a few, at most 10, in five minutes', () => {
    const client = new WafClient(acl);

    const allowed = enquiriesAllowed(client);

    // Two rate-based rules, one per front door, would each allow the limit: 10 through each, 20 in all.
    expect(allowed).toBeGreaterThanOrEqual(3);
    expect(allowed).toBeLessThanOrEqual(10);
    expect(client.send(submitEnquiry).allowed).toBe(false);
    expect(client.send(submitContactForm).allowed).toBe(false);
    // Reading the form is never limited by this rule.
    expect(client.send(contactForm).allowed).toBe(true);
  });

  it('answers the API over the limit with a 429 problem document', () => {
    const client = new WafClient(acl);
    enquiriesAllowed(client);

    const outcome = client.send(submitEnquiry);

    expect(outcome).toMatchObject({ allowed: false, status: 429, contentType: 'APPLICATION_JSON' });
    expect(JSON.parse(outcome.allowed ? '{}' : String(outcome.body))).toMatchObject({
      type: 'urn:csp:problem:too-many-requests',
      status: 429,
    });
  });

  it('answers the contact form over the limit with a self-contained 429 page: what happened, try again, 999', () => {
    const client = new WafClient(acl);
    enquiriesAllowed(client);

    const outcome = client.send(submitContactForm);

    expect(outcome).toMatchObject({ allowed: false, status: 429, contentType: 'TEXT_HTML' });
    const page = outcome.allowed ? '' : String(outcome.body);
    expect(page).toMatch(/^<!DOCTYPE html>\s*<html lang="en">/);
    expect(page).toMatch(/<title>[^<]*\S[^<]*<\/title>/);
    expect(page.match(/<h1\b[^>]*>.*?<\/h1>/gs)).toEqual(['<h1>Too many enquiries from your network</h1>']);
    expect(page).toMatch(/try again in a few minutes/i);
    expect(page).toMatch(/call 999/);
    // Nothing to fetch from the API that has just refused this client, and no script.
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import/i);
    // WAF takes custom response bodies of up to 4 KB.
    expect(new TextEncoder().encode(page).length).toBeLessThanOrEqual(4096);
  });
});

describe('requests per IP', () => {
  it('limits how many pages one client may view', () => {
    expect(pagesAllowed(acl, onExecuteApi, 0)).toBeLessThan(Number.POSITIVE_INFINITY);
  });

  it('does not count static assets, so an office behind one address can browse the console', () => {
    expect(pagesAllowed(acl, onExecuteApi, ASSET_FILES.length)).toBe(pagesAllowed(acl, onExecuteApi, 0));
  });

  it('counts what only looks like an asset: other methods, and paths that climb out of the assets', () => {
    const looksLikeAnAsset = [
      onStage('POST', assetPath('app.css')),
      onStage('GET', `${assetPath('..')}${PAGES.inbox.path}`),
      onStage('GET', `${assetPath('.')}//..${PAGES.inbox.path}`),
    ];
    for (const request of looksLikeAnAsset) {
      const client = new WafClient(acl);

      client.sendMany(request, pagesAllowed(acl, onExecuteApi, 0));

      expect(client.send(inbox).allowed, request.path).toBe(false);
    }
  });

  it('still limits one client’s assets, to a small share of what the stage serves in five minutes', () => {
    const client = new WafClient(acl);
    const asset = onExecuteApi.asset('app.css');
    let allowed = 0;
    while (allowed < 100_000 && client.send(asset).allowed) allowed++;

    expect(allowed).toBeLessThanOrEqual((API_THROTTLING.rateLimit * 300) / 4);
  });

  it('does the same on the stage’s own domain, where paths start at the root', () => {
    const onOwnDomain = synthStageWith('prod', { apiDomain: { name: 'api.csp.ashford.gov.uk' } });
    const domainAcl = webAclOf(onOwnDomain.statelessTemplate);
    const atRoot: Console = {
      page: { method: PAGES.inbox.method, path: PAGES.inbox.path },
      asset: (file) => ({ method: PAGES.asset.method, path: assetPath(file) }),
    };

    expect(pagesAllowed(domainAcl, atRoot, 0)).toBeLessThan(Number.POSITIVE_INFINITY);
    expect(pagesAllowed(domainAcl, atRoot, ASSET_FILES.length)).toBe(pagesAllowed(domainAcl, atRoot, 0));
  });
});
