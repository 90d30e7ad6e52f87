/**
 * Casework end to end on the local cloud: an enquiry goes from the CSU's inbox through an agency's acceptance
 * to closure, the enquirer follows it on their status page (in a real browser) and by email, agencies see only
 * their own referrals, every read of a case is audited, and the overdue digest goes once a day.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDayDeadline } from '../../functions/domain/working-days.ts';
import { type ApiClient, apiClient, type Schemas } from '../support/api-client.ts';
import type { operations } from '../support/api-schema.ts';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import {
  allEmails,
  anEnquiry,
  emailsFor,
  fireSchedule,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

type CaseSummary = Schemas['CaseList']['items'][number];
type AuditItem = Schemas['AuditPage']['items'][number];
type InboxFilters = Omit<NonNullable<operations['listCases']['parameters']['query']>, 'cursor' | 'limit'>;

/** The If-Match header that sends back the ETag a response carried. */
const ifMatch = (response: Response) => ({ 'If-Match': response.headers.get('etag') ?? '' });

let csu: ApiClient;
let police: ApiClient;
let ageUk: ApiClient;

beforeAll(async () => {
  csu = apiClient(await staffToken('csu-officer', undefined, { subject: 'alex.csu' }));
  police = apiClient(
    await staffToken('agency-officer', undefined, { agencyId: 'kent-police', subject: 'pc.jones' }),
  );
  ageUk = apiClient(await staffToken('agency-officer', undefined, { agencyId: 'age-uk' }));
});

/**
 * Submits an enquiry and waits until it is routed and its referral emails are sent; `submitted` is the 201
 * body, written before routing.
 */
async function aRoutedCase(overrides: Record<string, unknown> = {}) {
  const enquiry = anEnquiry(overrides);
  const { status, body } = await submitEnquiry(enquiry);
  expect(status).toBe(201);
  await waitForQuiet();
  return { enquiry, submitted: body, reference: body.reference, statusUrl: body.statusUrl };
}

/** Reads the case as `api`'s officer does; the response carries its ETag. */
async function readCase(reference: string, api = csu) {
  const read = await api.GET('/enquiries/{reference}', { params: { path: { reference } } });
  expect(read.response.status).toBe(200);
  return read;
}

async function inbox(api: ApiClient, filters: InboxFilters = {}) {
  const items: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.GET('/enquiries', { params: { query: { ...filters, limit: 100, cursor } } });
    expect(page.response.status).toBe(200);
    items.push(...page.data!.items);
    cursor = page.data!.nextCursor;
  } while (cursor);
  return items;
}

describe('a case from inbox to closure', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is accepted by Kent Police, worked, updated for the enquirer and closed, with one email each', async () => {
    const { enquiry, submitted, reference, statusUrl } = await aRoutedCase({
      category: 'anti-social-behaviour',
    });
    expect(submitted.status).toBe('received');

    // Who may see it: the CSU and Kent Police (referred), not Age UK (404), not a representative, not anyone.
    expect((await inbox(csu)).map((c) => c.reference)).toContain(reference);
    expect((await inbox(police)).map((c) => c.reference)).toContain(reference);
    expect((await inbox(ageUk)).map((c) => c.reference)).not.toContain(reference);
    const representative = apiClient(await staffToken('partner-representative', 'kent-police'));
    const byPath = { params: { path: { reference } } };
    expect((await ageUk.GET('/enquiries/{reference}', byPath)).response.status).toBe(404);
    expect((await representative.GET('/enquiries/{reference}', byPath)).response.status).toBe(403);
    expect((await apiClient().GET('/enquiries/{reference}', byPath)).response.status).toBe(401);

    // Kent Police reads the whole case and accepts its referral.
    const read = await readCase(reference, police);
    expect(read.data?.status).toBe('routed');
    expect(read.data?.enquiry.description).toBe(enquiry.description);
    expect(read.data?.referrals.find((r) => r.agencyId === 'kent-police')?.email.status).toBe('sent');
    const accepted = await police.POST('/enquiries/{reference}/referrals/{agencyId}/accept', {
      params: { path: { reference, agencyId: 'kent-police' }, header: ifMatch(read.response) },
    });
    expect(accepted.response.status).toBe(200);
    expect(accepted.data?.agencies).toContainEqual({ agencyId: 'kent-police', status: 'accepted' });
    expect(accepted.data?.status).toBe('routed');
    // Routing is the router's alone: from routed, staff may only start work or close it early.
    const backwards = await police.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: ifMatch(accepted.response) },
      body: { to: 'received' },
    });
    expect(backwards.response.status).toBe(409);
    expect([...(backwards.error?.allowed ?? [])].sort()).toEqual(['closed', 'in-progress']);

    // Kent Police cannot answer another agency's referral; a stale ETag is refused.
    const otherAgency = await police.POST('/enquiries/{reference}/referrals/{agencyId}/accept', {
      params: { path: { reference, agencyId: 'abc-community-safety' }, header: ifMatch(accepted.response) },
    });
    expect(otherAgency.response.status).toBe(404);
    const stale = await police.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: ifMatch(read.response) },
      body: { to: 'in-progress' },
    });
    expect(stale.response.status).toBe(412);

    const working = await police.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: ifMatch(accepted.response) },
      body: { to: 'in-progress' },
    });
    expect(working.response.status).toBe(200);
    expect(working.data?.status).toBe('in-progress');
    const note = await police.POST('/enquiries/{reference}/notes', {
      params: { path: { reference }, header: ifMatch(working.response) },
      body: { text: 'Known group; PCSO patrol arranged for Friday.' },
    });
    expect(note.response.status).toBe(201);
    const update = await police.POST('/enquiries/{reference}/updates', {
      params: { path: { reference }, header: ifMatch(note.response) },
      body: { message: 'An officer has visited the shops and spoke to the group.' },
    });
    expect(update.response.status).toBe(201);

    // Before closing, the enquirer's status page shows the update and that an officer is working on it.
    const token = new URL(statusUrl).searchParams.get('token')!;
    const byToken = { params: { path: { reference }, query: { token } } };
    const { data: inProgress } = await apiClient().GET('/enquiries/{reference}/status', byToken);
    expect(inProgress).toMatchObject({
      status: 'in-progress',
      publicUpdates: [{ message: 'An officer has visited the shops and spoke to the group.' }],
    });
    const workingPage = await fetch(statusUrl, { headers: { Accept: 'text/html' } });
    expect(workingPage.headers.get('content-type')).toMatch(/^text\/html/);
    const workingHtml = await workingPage.text();
    expect(workingHtml).toContain('An officer is working on your enquiry.');
    expect(workingHtml).toContain('An officer has visited the shops and spoke to the group.');
    expect(workingHtml).not.toContain('PCSO patrol');

    const illegal = await police.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: ifMatch(update.response) },
      body: { to: 'routed' },
    });
    expect(illegal.response.status).toBe(409);
    expect(illegal.error?.allowed).toEqual(['closed']);
    const closed = await csu.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: ifMatch(update.response) },
      body: { to: 'closed', reason: 'resolved', publicMessage: 'Patrols have stopped the nuisance.' },
    });
    expect(closed.response.status).toBe(200);
    expect(closed.data?.status).toBe('closed');
    // Only the CSU reopens: Kent Police is told it has no move left.
    const reopen = await police.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: ifMatch(closed.response) },
      body: { to: 'in-progress' },
    });
    expect(reopen.response.status).toBe(409);
    expect(reopen.error?.allowed).toEqual([]);
    await waitForQuiet();

    // The enquirer: one update email and one closure email, neither repeating what they wrote.
    const toEnquirer = (await emailsFor(reference)).filter((e) => e.destination.to.includes(enquiry.email));
    const subjects = toEnquirer.map((e) => e.subject);
    expect(subjects.filter((s) => s.includes('an update on your enquiry'))).toHaveLength(1);
    expect(subjects.filter((s) => s.includes('is closed'))).toHaveLength(1);
    for (const email of toEnquirer) {
      expect(`${email.body.text}${email.body.html}`).not.toContain(enquiry.description);
      expect(`${email.body.text}${email.body.html}`).not.toContain('PCSO patrol');
    }
    const closure = toEnquirer.find((e) => e.subject.includes('is closed'));
    expect(closure?.body.text).toContain('Patrols have stopped the nuisance.');

    // The status page: JSON for API clients, an accessible page for a browser.
    // The JSON view by the typed client, with the token from the link; the browser below opens the link itself.
    const { data: status } = await apiClient().GET('/enquiries/{reference}/status', byToken);
    expect(status).toMatchObject({ status: 'closed', closure: { reason: 'resolved' } });
    expect(JSON.stringify(status)).toContain('An officer has visited the shops');
    expect(JSON.stringify(status)).not.toContain('PCSO patrol');

    const page = await browser.newPage();
    // Only so axe can be injected: the page's own CSP allows no scripts at all.
    await page.setBypassCSP(true);
    const response = await page.goto(statusUrl);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(response?.headers()['cache-control']).toBe('no-store');
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    const text = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent,
    );
    expect(text).toContain('Patrols have stopped the nuisance.');
    expect(text).toContain('An officer has visited the shops and spoke to the group.');
    expect(text).toContain('999');
    expect(text).not.toContain(enquiry.description);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();

    // Every read of the case was audited (who, role, agency, which view), as a partnership admin sees the trail;
    // the refused reads (Age UK's 404, the representative's 403) read nothing, so none is recorded.
    const reads = (await auditTrailOf(reference)).filter((item) => item.kind === 'case-read');
    expect(reads.map((r) => [r.actor.subject, r.actor.role, r.actor.agencyId, r.view])).toEqual([
      ['pc.jones', 'agency-officer', 'kent-police', 'case'],
    ]);
  });

  it('goes back to the CSU when an agency declines, and on to the agency the CSU refers it to, once', async () => {
    const { reference } = await aRoutedCase({ category: 'older-or-vulnerable-people' });
    const ageUkRead = await readCase(reference, ageUk);

    const declined = await ageUk.POST('/enquiries/{reference}/referrals/{agencyId}/decline', {
      params: { path: { reference, agencyId: 'age-uk' }, header: ifMatch(ageUkRead.response) },
      body: { reason: 'not-ours', note: 'Not an older person; try mediation.' },
    });
    expect(declined.response.status).toBe(200);
    expect(declined.data?.needsTriage).toBe(true);
    // Declined: the case leaves Age UK's view entirely.
    expect(
      (await ageUk.GET('/enquiries/{reference}', { params: { path: { reference } } })).response.status,
    ).toBe(404);
    expect((await inbox(csu, { needsTriage: 'true' })).map((c) => c.reference)).toContain(reference);

    const referred = await csu.POST('/enquiries/{reference}/referrals', {
      params: { path: { reference }, header: ifMatch(declined.response) },
      body: { agencyId: 'ashford-mediation' },
    });
    expect(referred.response.status).toBe(200);
    const again = await csu.POST('/enquiries/{reference}/referrals', {
      params: { path: { reference }, header: ifMatch(referred.response) },
      body: { agencyId: 'ashford-mediation' },
    });
    expect(again.response.status).toBe(409);
    await waitForQuiet();

    const emails = await emailsFor(reference);
    const declineNotices = emails.filter((e) => e.subject === `Referral declined: ${reference} by Age UK`);
    expect(declineNotices).toHaveLength(1);
    expect(declineNotices[0]?.body.text).not.toContain('try mediation');
    expect(
      emails.filter((e) => e.destination.to.includes('referrals@ashford-mediation.example')),
    ).toHaveLength(1);
  });

  it('is assigned to the officer who takes it on, or to a colleague they name; a stale ETag is refused', async () => {
    const { reference } = await aRoutedCase({ category: 'anti-social-behaviour' });
    const routed = await readCase(reference);
    expect(routed.data?.assignedTo).toBeUndefined();

    // A CSU officer takes it on: with nobody named it is theirs, and it is in their inbox of own cases only.
    const taken = await csu.POST('/enquiries/{reference}/assignment', {
      params: { path: { reference }, header: ifMatch(routed.response) },
      body: {},
    });
    expect(taken.response.status).toBe(200);
    expect(taken.data).toMatchObject({ reference, assignedTo: 'alex.csu' });
    expect((await inbox(csu, { assignedTo: 'me' })).map((c) => c.reference)).toContain(reference);
    expect((await inbox(police, { assignedTo: 'me' })).map((c) => c.reference)).not.toContain(reference);

    // Kent Police, with the ETag from before the CSU took it on, is refused, and nothing changes.
    const stale = await police.POST('/enquiries/{reference}/assignment', {
      params: { path: { reference }, header: ifMatch(routed.response) },
      body: { officer: 'pc.smith' },
    });
    expect(stale.response.status).toBe(412);
    expect((await readCase(reference)).data?.assignedTo).toBe('alex.csu');
    // Age UK, not referred, cannot even find it.
    const notReferred = await ageUk.POST('/enquiries/{reference}/assignment', {
      params: { path: { reference }, header: ifMatch(taken.response) },
      body: {},
    });
    expect(notReferred.response.status).toBe(404);

    // An officer is named by their token subject: one line, not blank, at most 100 characters.
    for (const officer of ['   ', 'pc.smith\nalex.csu', 'x'.repeat(101)]) {
      const refused = await police.POST('/enquiries/{reference}/assignment', {
        params: { path: { reference }, header: ifMatch(taken.response) },
        body: { officer },
      });
      expect(refused.response.status).toBe(422);
    }

    // With the current ETag, Kent Police hands it to a named colleague; the timeline says who did.
    const handed = await police.POST('/enquiries/{reference}/assignment', {
      params: { path: { reference }, header: ifMatch(taken.response) },
      body: { officer: 'pc.smith' },
    });
    expect(handed.response.status).toBe(200);
    expect(handed.data?.assignedTo).toBe('pc.smith');
    const after = await readCase(reference);
    expect(after.data?.assignedTo).toBe('pc.smith');
    expect(after.data?.timeline).toContainEqual(
      expect.objectContaining({
        kind: 'assigned',
        actor: expect.objectContaining({ subject: 'pc.jones', agencyId: 'kent-police' }),
        details: { officer: 'pc.smith' },
      }),
    );
  });
});

describe('the overdue digest', () => {
  it('sends nothing, however often it fires, on a working day when open cases exist but none is due yet', async () => {
    await aRoutedCase({ category: 'neighbour-disputes' });
    const open = (await inbox(csu)).filter((c) => c.status !== 'closed' && c.dueBy !== undefined);
    expect(open.length).toBeGreaterThan(0);
    // The cloud is shared with other test files, so the day is chosen from the open cases, not fixed: 08:00 on
    // the first working day after the earliest was received. Every deadline (accepting or closing) is the end
    // of at least one working day after the case was received or referred, so none has passed by then.
    const earliest = open.map((c) => c.receivedAt).sort()[0]!;
    const at = new Date(workingDayDeadline(new Date(earliest), 1).getTime() - 16 * 60 * 60 * 1000);
    for (const c of open) expect(c.dueBy! > at.toISOString()).toBe(true);
    const before = (await allEmails()).length;

    const first = await fireSchedule('overdue-digest', at.toISOString());
    const second = await fireSchedule('overdue-digest', at.toISOString());

    for (const result of [first, second]) {
      expect(result).toMatchObject({ ok: true, value: { outcome: 'ran', digests: {}, failed: [] } });
    }
    expect((await allEmails()).length).toBe(before);
  });

  it('emails each recipient once a day, listing exactly its overdue references', async () => {
    const { reference } = await aRoutedCase({ category: 'neighbour-disputes' });
    // Far enough ahead that every open case is overdue; a Tuesday that is no bank holiday.
    const at = '2031-03-04T08:00:00.000Z';
    // Open cases with deadlines: routed ones (a case still waiting for the router has none yet).
    const open = (await inbox(csu)).filter((c) => c.status !== 'closed' && c.dueBy !== undefined);
    const mediation = open.filter((c) =>
      c.agencies.some((a) => a.agencyId === 'ashford-mediation' && a.status !== 'declined'),
    );

    const first = await fireSchedule('overdue-digest', at);
    const second = await fireSchedule('overdue-digest', at);

    const digests = (await allEmails()).filter((e) => e.subject.includes('Tuesday 4 March 2031'));
    const to = (address: string) => digests.filter((e) => e.destination.to.includes(address));
    const references = (text = '') => [...new Set(text.match(/CSU-\d{4}-\d{6}/g))].sort();
    expect(first.ok).toBe(true);
    expect(Object.values((second.value as { digests: Record<string, string> }).digests)).not.toContain(
      'sent',
    );
    expect(to('community.safety@ashford.gov.example')).toHaveLength(1);
    expect(to('referrals@ashford-mediation.example')).toHaveLength(1);
    expect(references(to('community.safety@ashford.gov.example')[0]?.body.text)).toEqual(
      open.map((c) => c.reference).sort(),
    );
    expect(references(to('referrals@ashford-mediation.example')[0]?.body.text)).toEqual(
      mediation.map((c) => c.reference).sort(),
    );
    expect(mediation.map((c) => c.reference)).toContain(reference);
    // One digest per recipient: no address got two.
    expect(new Set(digests.map((e) => e.destination.to[0])).size).toBe(digests.length);
  });
});

/** One case's audit trail, every page, as a partnership admin reads it through `GET /audit`. */
async function auditTrailOf(reference: string) {
  const admin = apiClient(await staffToken('partnership-admin'));
  const items: AuditItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.GET('/audit', { params: { query: { enquiry: reference, limit: 100, cursor } } });
    expect(page.response.status).toBe(200);
    items.push(...page.data!.items);
    cursor = page.data!.nextCursor;
  } while (cursor);
  return items;
}
