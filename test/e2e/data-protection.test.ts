/**
 * Subject access and the audit trail end to end: a CSU officer exports everything held about one address
 * (found by its keyed hash, not by reading every enquiry); a partnership admin reads who saw and changed what;
 * an erased enquiry's Idempotency-Key record keeps no fingerprint of what was sent.
 */
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { staffToken, submitEnquiry, tableContents, waitForQuiet } from '../support/local-cloud.ts';

/** A client with a staff token of `role`. */
const staff = async (
  role: string,
  options: { agencyId?: string; subject?: string } = {},
  organisation?: string,
) => apiClient(await staffToken(role, organisation, options));

function anEnquiryFrom(email: string, marker: string, extra: Record<string, unknown> = {}) {
  return {
    category: 'anti-social-behaviour',
    description: `Motorbikes${marker} racing round the recreation ground`,
    name: `Jo Subject${marker}`,
    email,
    happeningNow: false,
    safeContact: { mayEmail: true, mayPhone: false },
    ...extra,
  };
}

describe('a subject access request', () => {
  it('exports exactly that person’s two enquiries, by their address however it was written', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const address = `jo.${marker}@resident.example`;
    const first = await submitEnquiry(anEnquiryFrom(address, marker));
    const other = await submitEnquiry(anEnquiryFrom(`kim.${marker}@resident.example`, marker));
    const second = await submitEnquiry(
      anEnquiryFrom(`  Jo.${marker}@Resident.Example`, marker, { category: 'parking' }),
    );
    await waitForQuiet();
    const officer = `csu-dpo-${marker}`;
    const csu = await staff('csu-officer', { subject: officer });

    const { data, response } = await csu.POST('/subject-access', { body: { email: address.toUpperCase() } });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(data?.enquiries.map((enquiry) => enquiry.reference)).toEqual([
      first.body.reference,
      second.body.reference,
    ]);
    expect(data?.enquiries.map((e) => e.reference)).not.toContain(other.body.reference);
    const [older, newer] = data!.enquiries;
    expect(older).toMatchObject({
      matchedBy: ['email'],
      category: { code: 'anti-social-behaviour' },
      submitted: {
        description: `Motorbikes${marker} racing round the recreation ground`,
        contact: { email: address },
      },
    });
    expect(newer?.category.code).toBe('parking');
    expect(older?.statusHistory.map((entry) => entry.change)).toEqual(['received', 'routed']);
    expect(older?.referredTo.length).toBeGreaterThan(0);
    expect(older?.emailsToThem).toEqual([
      expect.objectContaining({ kind: 'acknowledgement', status: 'sent' }),
    ]);
    expect(older).not.toHaveProperty('internalNotes');

    // Each export was a read of personal data: the admin sees it in the trail, by officer and by enquiry.
    const admin = await staff('partnership-admin');
    const byOfficer = await admin.GET('/audit', { params: { query: { actor: officer } } });
    expect(byOfficer.response.status).toBe(200);
    expect(byOfficer.data?.items.map((item) => [item.kind, item.enquiry, item.view])).toEqual([
      ['case-read', expect.any(String), 'subject-access'],
      ['case-read', expect.any(String), 'subject-access'],
    ]);
    expect(byOfficer.data?.items.map((item) => item.enquiry).sort()).toEqual(
      [first.body.reference, second.body.reference].sort(),
    );
    // The index holds keyed hashes only: the address is nowhere in an index key.
    expect(await tableContents()).not.toMatch(
      new RegExp(`"subject(Email|Phone)Hash":\\{"S":"[^"]*${marker}`),
    );
  });

  it('is for CSU officers only, and asks for something to look for', async () => {
    const body = { email: 'anyone@resident.example' };
    for (const api of [
      await staff('agency-officer', { agencyId: 'kent-police' }),
      await staff('partnership-admin'),
      await staff('partner-representative', {}, 'kent-police'),
    ]) {
      expect((await api.POST('/subject-access', { body })).response.status).toBe(403);
    }
    expect((await apiClient().POST('/subject-access', { body })).response.status).toBe(401);
    const csu = await staff('csu-officer');
    const empty = await csu.POST('/subject-access', { body: {} });
    expect(empty.response.status).toBe(422);
    const badEmail = await csu.POST('/subject-access', { body: { email: 'not an address' } });
    expect(badEmail.response.status).toBe(422);
  });
});

describe('the audit trail', () => {
  it('shows a partnership admin every read and change of one enquiry, newest first, page by page', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const { body } = await submitEnquiry(anEnquiryFrom(`audit.${marker}@resident.example`, marker));
    await waitForQuiet();
    const officer = `csu-audit-${marker}`;
    const csu = await staff('csu-officer', { subject: officer });
    const reference = body.reference;
    const read = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    await csu.POST('/enquiries/{reference}/notes', {
      params: { path: { reference }, header: { 'If-Match': read.response.headers.get('etag')! } },
      body: { text: `Private${marker} note` },
    });
    const admin = await staff('partnership-admin');

    const first = await admin.GET('/audit', { params: { query: { enquiry: reference, limit: 2 } } });
    const second = await admin.GET('/audit', {
      params: { query: { enquiry: reference, limit: 2, cursor: first.data?.nextCursor } },
    });

    expect(first.response.status).toBe(200);
    const items = [...first.data!.items, ...second.data!.items];
    expect(items.map((item) => [item.kind, item.change ?? item.view, item.actor.subject])).toEqual([
      ['case-change', 'note-added', officer],
      ['case-read', 'case', officer],
      ['case-change', 'routed', 'system:router'],
    ]);
    expect(second.data?.nextCursor).toBeUndefined();
    expect(JSON.stringify(items)).not.toContain(`Private${marker}`);
    const today = new Date().toISOString().slice(0, 10);
    const windowed = await admin.GET('/audit', {
      params: { query: { enquiry: reference, from: today, to: today } },
    });
    expect(windowed.data?.items).toHaveLength(3);
    const whole = await admin.GET('/audit', { params: { query: { limit: 5 } } });
    expect(whole.response.status).toBe(200);
    expect(whole.data?.items.length).toBeGreaterThan(0);
  });

  it('is for partnership admins only, and refuses bad filters with a 422', async () => {
    for (const api of [
      await staff('csu-officer'),
      await staff('agency-officer', { agencyId: 'kent-police' }),
    ]) {
      expect((await api.GET('/audit')).response.status).toBe(403);
    }
    const admin = await staff('partnership-admin');
    for (const query of [
      { cursor: 'bm9wZQ' },
      { from: '2026-11-27', to: '2026-11-26' },
      { from: 'yesterday' },
      // Longer than any reference may be.
      { enquiry: 'x'.repeat(180) },
    ]) {
      const { response } = await admin.GET('/audit', { params: { query } });
      expect(response.status, JSON.stringify(query)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('erasure and the Idempotency-Key record', () => {
  it('keeps no fingerprint of the request; a retry with the key is refused, never stored again', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const enquiry = anEnquiryFrom(`erin.${marker}@resident.example`, marker);
    const key = `erase-${marker}`;
    const { body } = await submitEnquiry(enquiry, { 'Idempotency-Key': key });
    await waitForQuiet();
    const csu = await staff('csu-officer');
    const reference = body.reference;
    const read = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    const before = await tableContents();

    const erased = await csu.POST('/enquiries/{reference}/erasure', {
      params: { path: { reference }, header: { 'If-Match': read.response.headers.get('etag')! } },
      body: { reason: 'Asked by the enquirer' },
    });
    const retry = await submitEnquiry(enquiry, { 'Idempotency-Key': key });

    expect(erased.response.status).toBe(200);
    expect(retry.status).toBe(422);
    const idempotencyItem = (contents: string) =>
      (JSON.parse(contents) as Record<string, { S?: string }>[]).find(
        (item) => item.type?.S === 'IdempotencyRecord' && item.reference?.S === body.reference,
      );
    expect(idempotencyItem(before)).toHaveProperty('requestHash');
    const after = await tableContents();
    expect(idempotencyItem(after)).toBeDefined();
    expect(idempotencyItem(after)).not.toHaveProperty('requestHash');
    expect(after).not.toContain(`Motorbikes${marker}`);
  });
});
