/**
 * Subject access and the audit trail end to end: a CSU officer exports everything held about one address
 * (found by its keyed hash, not by reading every enquiry); a partnership admin reads who saw and changed what;
 * an erased enquiry's Idempotency-Key record keeps no fingerprint of what was sent.
 */
import { describe, expect, it } from 'vitest';
import { callApi, staffToken, submitEnquiry, tableContents, waitForQuiet } from '../support/local-cloud.ts';

interface SubjectExport {
  searchedBy: string[];
  enquiries: {
    reference: string;
    matchedBy: string[];
    category: { code: string; title: string };
    submitted: { description: string; contact: { email?: string } };
    statusHistory: { change: string }[];
    referredTo: { agencyId: string }[];
    emailsToThem: { kind: string; status: string }[];
    internalNotes?: { text: string }[];
  }[];
}

interface AuditPage {
  items: {
    kind: string;
    at: string;
    actor: { subject: string };
    enquiry?: string;
    view?: string;
    change?: string;
  }[];
  nextCursor?: string;
}

const bearer = async (
  role: string,
  options: { agencyId?: string; subject?: string } = {},
  organisation?: string,
) => ({
  Authorization: `Bearer ${await staffToken(role, organisation, options)}`,
});

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
    const csu = await bearer('csu-officer', { subject: officer });

    const response = await callApi<SubjectExport>('/subject-access', {
      method: 'POST',
      json: { email: address.toUpperCase() },
      headers: csu,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body.enquiries.map((enquiry) => enquiry.reference)).toEqual([
      first.body.reference,
      second.body.reference,
    ]);
    expect(response.body.enquiries.map((e) => e.reference)).not.toContain(other.body.reference);
    const [older, newer] = response.body.enquiries;
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
    const admin = await bearer('partnership-admin');
    const byOfficer = await callApi<AuditPage>(`/audit?actor=${officer}`, { headers: admin });
    expect(byOfficer.status).toBe(200);
    expect(byOfficer.body.items.map((item) => [item.kind, item.enquiry, item.view])).toEqual([
      ['case-read', expect.any(String), 'subject-access'],
      ['case-read', expect.any(String), 'subject-access'],
    ]);
    expect(byOfficer.body.items.map((item) => item.enquiry).sort()).toEqual(
      [first.body.reference, second.body.reference].sort(),
    );
    // The index holds keyed hashes only: the address is nowhere in an index key.
    expect(await tableContents()).not.toMatch(
      new RegExp(`"subject(Email|Phone)Hash":\\{"S":"[^"]*${marker}`),
    );
  });

  it('is for CSU officers only, and asks for something to look for', async () => {
    const body = { email: 'anyone@resident.example' };
    for (const headers of [
      await bearer('agency-officer', { agencyId: 'kent-police' }),
      await bearer('partnership-admin'),
      await bearer('partner-representative', {}, 'kent-police'),
    ]) {
      expect((await callApi('/subject-access', { method: 'POST', json: body, headers })).status).toBe(403);
    }
    expect((await callApi('/subject-access', { method: 'POST', json: body })).status).toBe(401);
    const csu = await bearer('csu-officer');
    const empty = await callApi<{ errors: { field: string }[] }>('/subject-access', {
      method: 'POST',
      json: {},
      headers: csu,
    });
    expect(empty.status).toBe(422);
    const badEmail = await callApi('/subject-access', {
      method: 'POST',
      json: { email: 'not an address' },
      headers: csu,
    });
    expect(badEmail.status).toBe(422);
  });
});

describe('the audit trail', () => {
  it('shows a partnership admin every read and change of one enquiry, newest first, page by page', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const { body } = await submitEnquiry(anEnquiryFrom(`audit.${marker}@resident.example`, marker));
    await waitForQuiet();
    const officer = `csu-audit-${marker}`;
    const csu = await bearer('csu-officer', { subject: officer });
    const read = await callApi(`/enquiries/${body.reference}`, { headers: csu });
    await callApi(`/enquiries/${body.reference}/notes`, {
      method: 'POST',
      json: { text: `Private${marker} note` },
      headers: { ...csu, 'If-Match': read.headers.get('etag')! },
    });
    const admin = await bearer('partnership-admin');

    const first = await callApi<AuditPage>(`/audit?enquiry=${body.reference}&limit=2`, { headers: admin });
    const second = await callApi<AuditPage>(
      `/audit?enquiry=${body.reference}&limit=2&cursor=${first.body.nextCursor}`,
      { headers: admin },
    );

    expect(first.status).toBe(200);
    const items = [...first.body.items, ...second.body.items];
    expect(items.map((item) => [item.kind, item.change ?? item.view, item.actor.subject])).toEqual([
      ['case-change', 'note-added', officer],
      ['case-read', 'case', officer],
      ['case-change', 'routed', 'system:router'],
    ]);
    expect(second.body.nextCursor).toBeUndefined();
    expect(JSON.stringify(items)).not.toContain(`Private${marker}`);
    const today = new Date().toISOString().slice(0, 10);
    const windowed = await callApi<AuditPage>(`/audit?enquiry=${body.reference}&from=${today}&to=${today}`, {
      headers: admin,
    });
    expect(windowed.body.items).toHaveLength(3);
    const whole = await callApi<AuditPage>('/audit?limit=5', { headers: admin });
    expect(whole.status).toBe(200);
    expect(whole.body.items.length).toBeGreaterThan(0);
  });

  it('is for partnership admins only, and refuses bad filters with a 422', async () => {
    for (const headers of [
      await bearer('csu-officer'),
      await bearer('agency-officer', { agencyId: 'kent-police' }),
    ]) {
      expect((await callApi('/audit', { headers })).status).toBe(403);
    }
    const admin = await bearer('partnership-admin');
    for (const query of [
      'cursor=bm9wZQ',
      'from=2026-11-27&to=2026-11-26',
      'from=yesterday',
      'enquiry=x'.repeat(20),
    ]) {
      const response = await callApi(`/audit?${query}`, { headers: admin });
      expect(response.status, query).toBe(422);
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
    const csu = await bearer('csu-officer');
    const read = await callApi(`/enquiries/${body.reference}`, { headers: csu });
    const before = await tableContents();

    const erased = await callApi(`/enquiries/${body.reference}/erasure`, {
      method: 'POST',
      json: { reason: 'Asked by the enquirer' },
      headers: { ...csu, 'If-Match': read.headers.get('etag')! },
    });
    const retry = await submitEnquiry(enquiry, { 'Idempotency-Key': key });

    expect(erased.status).toBe(200);
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
