/**
 * Retention end to end: the daily job, fired as if 13 months after a case closed, leaves no personal value of
 * it anywhere in the table (every item read back and searched), keeps what statistics need, and is idempotent.
 */
import { describe, expect, it } from 'vitest';
import {
  anEnquiry,
  callApi,
  fireSchedule,
  staffToken,
  submitEnquiry,
  tableContents,
  waitForQuiet,
} from '../support/local-cloud.ts';

const addMonths = (iso: string, months: number) => {
  const date = new Date(iso);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.toISOString();
};

describe('the retention job', () => {
  it('anonymises a case 13 months after it closed: no personal value left anywhere, statistics kept', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const enquiry = anEnquiry({
      category: 'noise-and-environment',
      description: `Amplified${marker} generator running overnight beside Pemberton${marker} allotments`,
      name: `Morgan Retained${marker}`,
      email: `morgan.${marker}@resident.example`,
      phone: '07700 900789',
      location: { postcode: 'ME17 9ZX', address: `${marker} Orchard Close` },
      safeContact: { mayEmail: true, mayPhone: true, safeTimes: `Evenings ${marker}` },
    });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const csu = { Authorization: `Bearer ${await staffToken('csu-officer')}` };
    let etag = (await callApi(`/enquiries/${body.reference}`, { headers: csu })).headers.get('etag')!;
    const write = async (path: string, json: unknown) => {
      const response = await callApi(`/enquiries/${body.reference}${path}`, {
        method: 'POST',
        json,
        headers: { ...csu, 'If-Match': etag },
      });
      expect(response.status).toBeLessThan(300);
      etag = response.headers.get('etag')!;
    };
    await write('/notes', { text: `Spoke to Mr Quill${marker} at number 4` });
    await write('/updates', { message: `We visited Orchard${marker} Close on Monday` });
    await write('/transitions', { to: 'closed', reason: 'resolved' });
    await waitForQuiet();
    const closedAt = new Date().toISOString();
    const secrets = [
      ...enquiry.description.split(' ').filter((word) => word.includes(marker)),
      enquiry.name,
      enquiry.email,
      '07700 900789',
      `${marker} Orchard Close`,
      'ME17 9ZX',
      `Evenings ${marker}`,
      `Quill${marker}`,
      `Orchard${marker}`,
      new URL(body.statusUrl).searchParams.get('token')!,
    ];
    const before = await tableContents();
    for (const secret of secrets) expect(before).toContain(secret);

    const first = await fireSchedule('retention', addMonths(closedAt, 13));
    const second = await fireSchedule('retention', addMonths(closedAt, 13));

    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: true, value: { anonymised: 0 } });
    const after = await tableContents();
    for (const secret of secrets) expect(after).not.toContain(secret);
    const staffView = await callApi<{
      status: string;
      closure: { reason: string };
      category: string;
      enquiry: { location?: { postcode?: string }; description: string };
      referrals: unknown[];
    }>(`/enquiries/${body.reference}`, { headers: csu });
    expect(staffView.body).toMatchObject({
      status: 'closed',
      closure: { reason: 'resolved' },
      category: 'noise-and-environment',
      enquiry: { location: { postcode: 'ME17 9' }, description: '[removed]' },
    });
    expect(staffView.body.referrals.length).toBeGreaterThan(0);
    // The status link no longer opens anything.
    expect((await fetch(body.statusUrl)).status).toBe(404);
  });

  it('leaves a case closed for less than its period alone', async () => {
    const enquiry = anEnquiry({ category: 'parking' });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const csu = { Authorization: `Bearer ${await staffToken('csu-officer')}` };
    const etag = (await callApi(`/enquiries/${body.reference}`, { headers: csu })).headers.get('etag')!;
    await callApi(`/enquiries/${body.reference}/transitions`, {
      method: 'POST',
      json: { to: 'closed', reason: 'no-further-action' },
      headers: { ...csu, 'If-Match': etag },
    });

    await fireSchedule('retention', addMonths(new Date().toISOString(), 11));

    expect(await tableContents()).toContain(enquiry.description);
  });
});

describe('erasure on request', () => {
  it('removes every personal value at once, closes the case as withdrawn, and is a no-op the second time', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const enquiry = anEnquiry({
      category: 'anti-social-behaviour',
      description: `Erasable${marker} shouting outside Wexley${marker} parade`,
      name: `Ashley Erased${marker}`,
      email: `ashley.${marker}@resident.example`,
      phone: '07700 900321',
      location: { postcode: 'CT4 7QX', address: `${marker} Parade Row` },
      safeContact: { mayEmail: true, mayPhone: true },
    });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const csu = { Authorization: `Bearer ${await staffToken('csu-officer')}` };
    const police = {
      Authorization: `Bearer ${await staffToken('agency-officer', undefined, { agencyId: 'kent-police' })}`,
    };
    const read = await callApi(`/enquiries/${body.reference}`, { headers: csu });
    const erase = (headers: Record<string, string>, etag = read.headers.get('etag')!) =>
      callApi<{ alreadyErased: boolean; erasedAt: string; removed: string[] }>(
        `/enquiries/${body.reference}/erasure`,
        {
          method: 'POST',
          json: { reason: 'Subject asked under article 17' },
          headers: { ...headers, 'If-Match': etag },
        },
      );

    const byAgency = await erase(police);
    const stale = await erase(csu, '"1"');
    const first = await erase(csu);
    const second = await erase(csu, '"1"');

    expect(byAgency.status).toBe(403);
    expect(stale.status).toBe(412);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ alreadyErased: false });
    expect(first.body.removed).toContain('description');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ alreadyErased: true, erasedAt: first.body.erasedAt });
    const contents = await tableContents();
    for (const secret of [
      `Erasable${marker}`,
      `Wexley${marker}`,
      enquiry.name,
      enquiry.email,
      '07700 900321',
      'CT4 7QX',
      `${marker} Parade Row`,
    ]) {
      expect(contents).not.toContain(secret);
    }
    const staffView = await callApi<{
      status: string;
      closure: { reason: string };
      timeline: { kind: string }[];
    }>(`/enquiries/${body.reference}`, { headers: csu });
    expect(staffView.body).toMatchObject({ status: 'closed', closure: { reason: 'withdrawn' } });
    expect(staffView.body.timeline.map((entry) => entry.kind)).toContain('erased');
  });
});
