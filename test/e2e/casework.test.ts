/**
 * Casework end to end on the local cloud: an enquiry goes from the CSU's inbox through an agency's acceptance
 * to closure, the enquirer follows it on their status page (in a real browser) and by email, agencies see only
 * their own referrals, every read of a case is audited, and the overdue digest goes once a day.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import {
  allEmails,
  anEnquiry,
  callApi,
  cloud,
  emailsFor,
  fireSchedule,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const ifMatch = (etag: string | null, token: string) => ({ ...bearer(token), 'If-Match': etag ?? '' });

interface CaseSummary {
  reference: string;
  status: string;
  overdue: boolean;
  dueBy?: string;
  agencies: { agencyId: string; status: string }[];
}

let csu: string;
let police: string;
let ageUk: string;

beforeAll(async () => {
  csu = await staffToken('csu-officer', undefined, { subject: 'alex.csu' });
  police = await staffToken('agency-officer', undefined, { agencyId: 'kent-police', subject: 'pc.jones' });
  ageUk = await staffToken('agency-officer', undefined, { agencyId: 'age-uk' });
});

/** Submits an enquiry and waits until it is routed and its referral emails are sent. */
async function aRoutedCase(overrides: Record<string, unknown> = {}) {
  const enquiry = anEnquiry(overrides);
  const { body } = await submitEnquiry(enquiry);
  await waitForQuiet();
  return { enquiry, reference: body.reference, statusUrl: body.statusUrl };
}

async function etagOf(reference: string, token = csu) {
  const response = await callApi(`/enquiries/${reference}`, { headers: bearer(token) });
  expect(response.status).toBe(200);
  return response.headers.get('etag');
}

async function inbox(token: string, query = '') {
  const items: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await callApi<{ items: CaseSummary[]; nextCursor?: string }>(
      `/enquiries?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: bearer(token) },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
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
    const { enquiry, reference, statusUrl } = await aRoutedCase({ category: 'anti-social-behaviour' });

    // Who may see it: the CSU and Kent Police (referred), not Age UK (404), not a representative, not anyone.
    expect((await inbox(csu)).map((c) => c.reference)).toContain(reference);
    expect((await inbox(police)).map((c) => c.reference)).toContain(reference);
    expect((await inbox(ageUk)).map((c) => c.reference)).not.toContain(reference);
    const representative = await staffToken('partner-representative', 'kent-police');
    expect((await callApi(`/enquiries/${reference}`, { headers: bearer(ageUk) })).status).toBe(404);
    expect((await callApi(`/enquiries/${reference}`, { headers: bearer(representative) })).status).toBe(403);
    expect((await callApi(`/enquiries/${reference}`)).status).toBe(401);

    // Kent Police reads the whole case and accepts its referral.
    const read = await callApi<{
      enquiry: { description: string };
      referrals: { agencyId: string; status: string; email: { status: string } }[];
    }>(`/enquiries/${reference}`, { headers: bearer(police) });
    expect(read.body.enquiry.description).toBe(enquiry.description);
    expect(read.body.referrals.find((r) => r.agencyId === 'kent-police')?.email.status).toBe('sent');
    const accepted = await callApi<CaseSummary>(`/enquiries/${reference}/referrals/kent-police/accept`, {
      method: 'POST',
      headers: ifMatch(read.headers.get('etag'), police),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.agencies).toContainEqual({ agencyId: 'kent-police', status: 'accepted' });

    // Kent Police cannot answer another agency's referral; a stale ETag is refused.
    const otherAgency = await callApi(`/enquiries/${reference}/referrals/abc-community-safety/accept`, {
      method: 'POST',
      headers: ifMatch(accepted.headers.get('etag'), police),
    });
    expect(otherAgency.status).toBe(404);
    const stale = await callApi(`/enquiries/${reference}/transitions`, {
      method: 'POST',
      json: { to: 'in-progress' },
      headers: ifMatch(read.headers.get('etag'), police),
    });
    expect(stale.status).toBe(412);

    const working = await callApi(`/enquiries/${reference}/transitions`, {
      method: 'POST',
      json: { to: 'in-progress' },
      headers: ifMatch(accepted.headers.get('etag'), police),
    });
    expect(working.status).toBe(200);
    const note = await callApi(`/enquiries/${reference}/notes`, {
      method: 'POST',
      json: { text: 'Known group; PCSO patrol arranged for Friday.' },
      headers: ifMatch(working.headers.get('etag'), police),
    });
    expect(note.status).toBe(201);
    const update = await callApi(`/enquiries/${reference}/updates`, {
      method: 'POST',
      json: { message: 'An officer has visited the shops and spoke to the group.' },
      headers: ifMatch(note.headers.get('etag'), police),
    });
    expect(update.status).toBe(201);
    const illegal = await callApi<{ allowed: string[] }>(`/enquiries/${reference}/transitions`, {
      method: 'POST',
      json: { to: 'routed' },
      headers: ifMatch(update.headers.get('etag'), police),
    });
    expect(illegal.status).toBe(409);
    expect(illegal.body.allowed).toEqual(['closed']);
    const closed = await callApi(`/enquiries/${reference}/transitions`, {
      method: 'POST',
      json: { to: 'closed', reason: 'resolved', publicMessage: 'Patrols have stopped the nuisance.' },
      headers: ifMatch(update.headers.get('etag'), csu),
    });
    expect(closed.status).toBe(200);
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
    const status = await fetch(statusUrl).then((r) => r.json() as Promise<Record<string, unknown>>);
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
    expect(text).toContain('999');
    expect(text).not.toContain(enquiry.description);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();

    // Every read of the case was audited: who, role, agency, which view.
    const accesses = await caseAccesses(reference);
    expect(accesses).toContainEqual(
      expect.objectContaining({
        subject: 'pc.jones',
        role: 'agency-officer',
        agencyId: 'kent-police',
        view: 'case',
      }),
    );
    expect(accesses.every((a) => a.subject !== 'unknown')).toBe(true);
  });

  it('goes back to the CSU when an agency declines, and on to the agency the CSU refers it to, once', async () => {
    const { reference } = await aRoutedCase({ category: 'older-or-vulnerable-people' });
    const ageUkEtag = await etagOf(reference, ageUk);

    const declined = await callApi<{ needsTriage: boolean }>(
      `/enquiries/${reference}/referrals/age-uk/decline`,
      {
        method: 'POST',
        json: { reason: 'not-ours', note: 'Not an older person; try mediation.' },
        headers: ifMatch(ageUkEtag, ageUk),
      },
    );
    expect(declined.status).toBe(200);
    expect(declined.body.needsTriage).toBe(true);
    // Declined: the case leaves Age UK's view entirely.
    expect((await callApi(`/enquiries/${reference}`, { headers: bearer(ageUk) })).status).toBe(404);
    expect((await inbox(csu, '&needsTriage=true')).map((c) => c.reference)).toContain(reference);

    const referred = await callApi(`/enquiries/${reference}/referrals`, {
      method: 'POST',
      json: { agencyId: 'ashford-mediation' },
      headers: ifMatch(declined.headers.get('etag'), csu),
    });
    expect(referred.status).toBe(200);
    const again = await callApi(`/enquiries/${reference}/referrals`, {
      method: 'POST',
      json: { agencyId: 'ashford-mediation' },
      headers: ifMatch(referred.headers.get('etag'), csu),
    });
    expect(again.status).toBe(409);
    await waitForQuiet();

    const emails = await emailsFor(reference);
    const declineNotices = emails.filter((e) => e.subject === `Referral declined: ${reference} by Age UK`);
    expect(declineNotices).toHaveLength(1);
    expect(declineNotices[0]?.body.text).not.toContain('try mediation');
    expect(
      emails.filter((e) => e.destination.to.includes('referrals@ashford-mediation.example')),
    ).toHaveLength(1);
  });
});

describe('the overdue digest', () => {
  it('sends nothing on a day nothing is overdue', async () => {
    const before = (await allEmails()).length;

    const result = await fireSchedule('overdue-digest', '2026-01-06T08:00:00.000Z');

    expect(result).toMatchObject({ ok: true, value: { outcome: 'ran' } });
    expect((result.value as { digests: object }).digests).toEqual({});
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

/** The audit trail of reads of one case, straight from the table (no API exposes it yet). */
async function caseAccesses(reference: string) {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud().dynamodb,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: 'csp-local',
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `ACCESS#ENQUIRY#${reference}` },
    }),
  );
  client.destroy();
  return Items as { subject: string; role: string; agencyId?: string; view: string }[];
}
