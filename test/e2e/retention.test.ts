/**
 * Retention end to end: the daily job, fired as if 13 months after a case closed, leaves no personal value of
 * it anywhere in the table (every item read back and searched), keeps what statistics need, and is idempotent.
 */
import { describe, expect, it } from 'vitest';
import { type ApiClient, apiClient, caseVersions } from '../support/api-client.ts';
import {
  anEnquiry,
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
    const csu = apiClient(await staffToken('csu-officer'));
    const reference = body.reference;
    const { ifMatch, changed } = await caseVersions(csu, reference);
    changed(
      await csu.POST('/enquiries/{reference}/notes', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { text: `Spoke to Mr Quill${marker} at number 4` },
      }),
    );
    changed(
      await csu.POST('/enquiries/{reference}/updates', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { message: `We visited Orchard${marker} Close on Monday` },
      }),
    );
    changed(
      await csu.POST('/enquiries/{reference}/transitions', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { to: 'closed', reason: 'resolved' },
      }),
    );
    await waitForQuiet();
    const closedAt = new Date().toISOString();
    const token = new URL(body.statusUrl).searchParams.get('token')!;
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
      token,
    ];
    const before = await tableContents();
    for (const secret of secrets) expect(before).toContain(secret);

    const first = await fireSchedule('retention', addMonths(closedAt, 13));
    const second = await fireSchedule('retention', addMonths(closedAt, 13));

    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: true, value: { anonymised: 0 } });
    const after = await tableContents();
    for (const secret of secrets) expect(after).not.toContain(secret);
    const staffView = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    expect(staffView.data).toMatchObject({
      status: 'closed',
      closure: { reason: 'resolved' },
      category: 'noise-and-environment',
      enquiry: { location: { postcode: 'ME17 9' }, description: '[removed]' },
    });
    expect(staffView.data?.referrals.length).toBeGreaterThan(0);
    // The status link (its reference and token) no longer opens anything.
    const status = await apiClient().GET('/enquiries/{reference}/status', {
      params: { path: { reference }, query: { token } },
    });
    expect(status.response.status).toBe(404);
  });

  it('leaves a case closed for less than its period alone', async () => {
    const enquiry = anEnquiry({ category: 'parking' });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const csu = apiClient(await staffToken('csu-officer'));
    const reference = body.reference;
    const read = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    const closed = await csu.POST('/enquiries/{reference}/transitions', {
      params: { path: { reference }, header: { 'If-Match': read.response.headers.get('etag')! } },
      body: { to: 'closed', reason: 'no-further-action' },
    });
    expect(closed.response.status).toBe(200);

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
      safeContact: { mayEmail: true, mayPhone: true, safeTimes: `Lunchtimes ${marker}` },
    });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const csu = apiClient(await staffToken('csu-officer'));
    const police = apiClient(await staffToken('agency-officer', undefined, { agencyId: 'kent-police' }));
    const reference = body.reference;
    const token = new URL(body.statusUrl).searchParams.get('token')!;
    const { ifMatch, changed } = await caseVersions(csu, reference);
    changed(
      await csu.POST('/enquiries/{reference}/notes', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { text: `Neighbour Mx Fenwick${marker} saw it too` },
      }),
    );
    changed(
      await csu.POST('/enquiries/{reference}/updates', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { message: `Officers walked Wexley${marker} parade on Friday` },
      }),
    );
    await waitForQuiet();
    const secrets = [
      `Erasable${marker}`,
      `Wexley${marker}`,
      enquiry.name,
      enquiry.email,
      '07700 900321',
      'CT4 7QX',
      `${marker} Parade Row`,
      `Lunchtimes ${marker}`,
      `Fenwick${marker}`,
      token,
    ];
    const before = await tableContents();
    for (const secret of secrets) expect(before).toContain(secret);
    const erase = (api: ApiClient, etag = ifMatch()) =>
      api.POST('/enquiries/{reference}/erasure', {
        params: { path: { reference }, header: { 'If-Match': etag } },
        body: { reason: 'Subject asked under article 17' },
      });

    const byAgency = await erase(police);
    const stale = await erase(csu, '"1"');
    const first = await erase(csu);
    const second = await erase(csu, '"1"');

    expect(byAgency.response.status).toBe(403);
    expect(stale.response.status).toBe(412);
    expect(first.response.status).toBe(200);
    expect(first.data).toMatchObject({ alreadyErased: false });
    expect(first.data?.removed).toContain('description');
    expect(second.response.status).toBe(200);
    expect(second.data).toMatchObject({ alreadyErased: true, erasedAt: first.data?.erasedAt });
    const after = await tableContents();
    for (const secret of secrets) expect(after).not.toContain(secret);
    const staffView = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    expect(staffView.data).toMatchObject({ status: 'closed', closure: { reason: 'withdrawn' } });
    expect(staffView.data?.timeline.map((entry) => entry.kind)).toContain('erased');
    const status = await apiClient().GET('/enquiries/{reference}/status', {
      params: { path: { reference }, query: { token } },
    });
    expect(status.response.status).toBe(404);
  });
});
