/**
 * Data protection use cases against in-memory ports: phone and email normalised so one person is one key,
 * subject access finding exactly that person's enquiries, erasure leaving nothing to match a retry on, and the
 * audit trail open to partnership admins only.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../functions/domain/casework.ts';
import type { CaseRecord } from '../../functions/domain/casework-ports.ts';
import { type NewEnquiry, normaliseEmail, normalisePhone } from '../../functions/domain/enquiry.ts';
import {
  EnquiryNotFound,
  IdempotencyKeyReused,
  NotPermitted,
  StaleVersion,
  ValidationFailed,
} from '../../functions/domain/errors.ts';
import type { StaffPrincipal } from '../../functions/domain/staff.ts';
import { subjectAccessExport } from '../../functions/domain/subject-access.ts';
import { addCaseNote } from '../../functions/domain/use-cases/casework.ts';
import { ERASED, eraseEnquiry } from '../../functions/domain/use-cases/erase-enquiry.ts';
import { readAuditTrail } from '../../functions/domain/use-cases/read-audit-trail.ts';
import { routeEnquiry } from '../../functions/domain/use-cases/route-enquiry.ts';
import { exportSubjectData } from '../../functions/domain/use-cases/subject-access.ts';
import { submitEnquiry } from '../../functions/domain/use-cases/submit-enquiry.ts';
import { aStoredEnquiry, csuOfficer, parkingOfficer } from '../support/enquiries.ts';
import {
  aClock,
  InMemoryAuditTrail,
  InMemoryCases,
  InMemoryEnquiries,
  RecordingPublisher,
  smallPartnershipReferenceData,
  testHasher,
} from '../support/in-memory-ports.ts';

const admin: StaffPrincipal = { subject: 'admin-ada', roles: ['partnership-admin'] };

function aSystem() {
  const referenceData = smallPartnershipReferenceData();
  const enquiries = new InMemoryEnquiries();
  const cases = new InMemoryCases(enquiries);
  const clock = aClock('2026-11-26T10:00:00.000Z');
  let sequence = 0;
  const deps = {
    enquiries,
    cases,
    referenceData,
    events: new RecordingPublisher(),
    clock,
    newId: () => `id-${++sequence}`,
    expiresAtOf: () => 2_000_000_000,
    personalData: testHasher,
  };
  /** Submits and routes an enquiry from `contact`; a minute later than the last. */
  async function anEnquiryFrom(contact: NewEnquiry['contact'], idempotencyKey?: string) {
    clock.advance(60);
    const { enquiry } = await submitEnquiry(deps, {
      enquiry: {
        category: 'parking',
        description: `A van on the pavement, from ${contact.name ?? 'someone'}`,
        contact,
        happeningNow: false,
        safeContact: { mayEmail: true, mayPhone: true },
      },
      idempotencyKey,
    });
    await routeEnquiry(deps, { reference: enquiry.reference, category: 'parking', correlationId: 'c' });
    return enquiry.reference;
  }
  const exportFor = (request: Parameters<typeof exportSubjectData>[2], by: StaffPrincipal = csuOfficer) =>
    exportSubjectData(deps, by, request);
  return { deps, enquiries, cases, clock, anEnquiryFrom, exportFor };
}

describe('normalising contact details, so one person is one key', () => {
  it.each([
    ['07700 900123', '07700900123'],
    ['07700-900123', '07700900123'],
    ['(07700) 900 123', '07700900123'],
    ['+44 7700 900123', '07700900123'],
    ['+44 (0)7700 900123', '07700900123'],
    ['0044 7700 900123', '07700900123'],
    ['00447700900123', '07700900123'],
    [' 01233 330000 ', '01233330000'],
    ['+33 1 23 45 67 89', '+33123456789'],
    ['0033 1 23 45 67 89', '+33123456789'],
  ])('reads %j as %j', (written, normalised) => {
    expect(normalisePhone(written)).toBe(normalised);
  });

  it('reads an email address whatever its case or surrounding space', () => {
    expect(normaliseEmail('  Sam.Resident@Example.ORG ')).toBe('sam.resident@example.org');
  });
});

describe('submitting an enquiry keeps keyed hashes of who sent it', () => {
  it('stores the hash of the email and the phone, never the values, alike however they were written', async () => {
    const { anEnquiryFrom, enquiries } = aSystem();

    const first = await anEnquiryFrom({ email: 'sam@resident.example', phone: '07700 900123' });
    const second = await anEnquiryFrom({ email: ' SAM@Resident.example', phone: '+44 7700 900123' });
    const someoneElse = await anEnquiryFrom({ email: 'kim@resident.example', phone: '07700 900999' });

    const keysOf = (reference: string) => enquiries.enquiries.get(reference)?.subjectKeys;
    expect(keysOf(first)).toEqual({
      email: await testHasher.hash('email', 'sam@resident.example'),
      phone: await testHasher.hash('phone', '07700900123'),
    });
    expect(keysOf(second)).toEqual(keysOf(first));
    expect(keysOf(someoneElse)?.email).not.toBe(keysOf(first)?.email);
    expect(keysOf(someoneElse)?.phone).not.toBe(keysOf(first)?.phone);
  });

  it('keeps only the channels given, and none for an anonymous enquiry', async () => {
    const { anEnquiryFrom, enquiries } = aSystem();

    const phoneOnly = await anEnquiryFrom({ phone: '07700 900123' });
    const anonymous = await anEnquiryFrom({});

    expect(enquiries.enquiries.get(phoneOnly)?.subjectKeys).toEqual({
      phone: await testHasher.hash('phone', '07700900123'),
    });
    expect(enquiries.enquiries.get(anonymous)?.subjectKeys).toBeUndefined();
  });

  it('remembers the hash of its Idempotency-Key, so erasure can find the record', async () => {
    const { anEnquiryFrom, enquiries } = aSystem();

    const reference = await anEnquiryFrom({ email: 'sam@resident.example' }, 'key-1');

    const keyHash = enquiries.enquiries.get(reference)?.idempotencyKeyHash;
    expect(keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(enquiries.idempotency.get(keyHash ?? '')?.reference).toBe(reference);
  });
});

describe('exportSubjectData', () => {
  it('exports exactly the enquiries of the email asked for, oldest first, whatever its case', async () => {
    const { anEnquiryFrom, exportFor } = aSystem();
    const first = await anEnquiryFrom({ name: 'Sam', email: 'sam@resident.example' });
    await anEnquiryFrom({ name: 'Kim', email: 'kim@resident.example' });
    const second = await anEnquiryFrom({ name: 'Sam', email: 'Sam@Resident.example' });

    const result = await exportFor({ email: 'SAM@resident.example ', includeInternalNotes: false });

    expect(result.searchedBy).toEqual(['email']);
    expect(result.enquiries.map((enquiry) => enquiry.reference)).toEqual([first, second]);
    expect(result.enquiries[0]).toMatchObject({
      matchedBy: ['email'],
      category: { code: 'parking', title: 'Parking' },
      status: 'routed',
      submitted: {
        description: 'A van on the pavement, from Sam',
        contact: { name: 'Sam', email: 'sam@resident.example' },
        happeningNow: false,
        safeContact: { mayEmail: true, mayPhone: true },
      },
      referredTo: [expect.objectContaining({ agencyId: 'parking-team', status: 'sent' })],
    });
    expect(result.enquiries[0]?.statusHistory.map((entry) => entry.change)).toEqual(['received', 'routed']);
    expect(JSON.stringify(result)).not.toContain('kim@resident.example');
  });

  it('finds by a phone written another way, and says which identifiers matched each enquiry', async () => {
    const { anEnquiryFrom, exportFor } = aSystem();
    const both = await anEnquiryFrom({ email: 'sam@resident.example', phone: '07700 900123' });
    const phoneOnly = await anEnquiryFrom({ phone: '+44 (0)7700 900123' });
    const byReference = await anEnquiryFrom({ name: 'Sam, by post' });

    const result = await exportFor({
      email: 'sam@resident.example',
      phone: '07700900123',
      reference: byReference,
      includeInternalNotes: false,
    });

    expect(result.searchedBy).toEqual(['email', 'phone', 'reference']);
    expect(result.enquiries.map((enquiry) => [enquiry.reference, enquiry.matchedBy])).toEqual([
      [both, ['email', 'phone']],
      [phoneOnly, ['phone']],
      [byReference, ['reference']],
    ]);
  });

  it('answers an empty export for someone we hold nothing about, or a reference we do not hold', async () => {
    const { anEnquiryFrom, exportFor } = aSystem();
    await anEnquiryFrom({ email: 'sam@resident.example' });

    const result = await exportFor({
      email: 'nobody@resident.example',
      reference: 'CSU-2026-999999',
      includeInternalNotes: false,
    });

    expect(result.enquiries).toEqual([]);
  });

  it('includes internal notes only when the officer asks for them, and never names the staff', async () => {
    const { anEnquiryFrom, exportFor, deps, enquiries } = aSystem();
    const reference = await anEnquiryFrom({ email: 'sam@resident.example' });
    await addCaseNote(deps, csuOfficer, {
      reference,
      text: 'Neighbour confirms the van',
      ifMatch: `"${enquiries.enquiries.get(reference)?.version}"`,
    });

    const without = await exportFor({ email: 'sam@resident.example', includeInternalNotes: false });
    const withNotes = await exportFor({ email: 'sam@resident.example', includeInternalNotes: true });

    expect(without.includesInternalNotes).toBe(false);
    expect(without.enquiries[0]).not.toHaveProperty('internalNotes');
    expect(JSON.stringify(without)).not.toContain('Neighbour confirms');
    expect(withNotes.includesInternalNotes).toBe(true);
    expect(withNotes.enquiries[0]?.internalNotes).toEqual([
      { at: expect.any(String), text: 'Neighbour confirms the van' },
    ]);
    expect(JSON.stringify(withNotes)).not.toContain(csuOfficer.subject);
  });

  it('records each enquiry exported as a read of its personal data, saying whether notes went too', async () => {
    const { anEnquiryFrom, exportFor, cases } = aSystem();
    const first = await anEnquiryFrom({ email: 'sam@resident.example' });
    const second = await anEnquiryFrom({ email: 'sam@resident.example' });

    await exportFor({ email: 'sam@resident.example', includeInternalNotes: true });

    expect(cases.accesses.map((access) => [access.reference, access.subject, access.view]).sort()).toEqual([
      [first, csuOfficer.subject, 'subject-access-with-notes'],
      [second, csuOfficer.subject, 'subject-access-with-notes'],
    ]);
  });

  it('is for CSU officers only, and needs something to look for', async () => {
    const { exportFor, cases } = aSystem();

    await expect(
      exportFor({ email: 'sam@resident.example', includeInternalNotes: false }, parkingOfficer),
    ).rejects.toBeInstanceOf(NotPermitted);
    await expect(
      exportFor({ email: 'sam@resident.example', includeInternalNotes: false }, admin),
    ).rejects.toBeInstanceOf(NotPermitted);
    await expect(exportFor({ includeInternalNotes: false })).rejects.toBeInstanceOf(ValidationFailed);
    expect(cases.accesses).toEqual([]);
  });

  it('no longer finds an erased enquiry by the person’s email', async () => {
    const { anEnquiryFrom, exportFor, deps, enquiries } = aSystem();
    const erased = await anEnquiryFrom({ email: 'sam@resident.example' });
    const kept = await anEnquiryFrom({ email: 'sam@resident.example' });

    await eraseEnquiry(deps, csuOfficer, {
      reference: erased,
      ifMatch: `"${enquiries.enquiries.get(erased)?.version}"`,
    });

    const result = await exportFor({ email: 'sam@resident.example', includeInternalNotes: false });
    expect(result.enquiries.map((enquiry) => enquiry.reference)).toEqual([kept]);
  });
});

describe('subjectAccessExport', () => {
  const record = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
    enquiry: aStoredEnquiry({ reference: 'CSU-2026-000001', category: 'mystery' }),
    timeline: [],
    notes: [],
    emails: [],
    ...overrides,
  });
  const options = {
    generatedAt: '2026-11-26T10:00:00.000Z',
    searchedBy: ['email'] as const,
    includeInternalNotes: false,
    categoryTitles: new Map([['parking', 'Parking']]),
  };

  it('lists the emails sent to the person, not those to agencies or the CSU', () => {
    const result = subjectAccessExport(
      [
        {
          matchedBy: ['email'],
          record: record({
            emails: [
              {
                kind: 'acknowledgement',
                recipientId: 'enquirer',
                status: 'sent',
                sentAt: '2026-11-26T10:01:00Z',
              },
              { kind: 'public-update', recipientId: 'enquirer#u1', status: 'sending' },
              {
                kind: 'referral',
                recipientId: 'parking-team',
                status: 'sent',
                sentAt: '2026-11-26T10:02:00Z',
              },
              { kind: 'referral', recipientId: 'csu', status: 'sent' },
            ],
          }),
        },
      ],
      options,
    );

    expect(result.enquiries[0]?.emailsToThem).toEqual([
      { kind: 'acknowledgement', status: 'sent', sentAt: '2026-11-26T10:01:00Z' },
      { kind: 'public-update', status: 'sending', sentAt: undefined },
    ]);
  });

  it('shows a category it has no title for by its code, and leaves officers and internal ids out of the history', () => {
    const assigned: TimelineEntry = {
      id: 't1',
      at: '2026-11-26T11:00:00.000Z',
      actor: { subject: 'csu-ann', role: 'csu-officer' },
      kind: 'assigned',
      details: { officer: 'csu-ann' },
    };
    const noted: TimelineEntry = { ...assigned, id: 't2', kind: 'note-added', details: { noteId: 'n1' } };
    const declined: TimelineEntry = {
      ...assigned,
      id: 't3',
      kind: 'referral-declined',
      details: { agencyId: 'parking-team', reason: 'not-ours' },
    };

    const result = subjectAccessExport(
      [{ matchedBy: ['email'], record: record({ timeline: [assigned, noted, declined] }) }],
      options,
    );

    const enquiry = result.enquiries[0];
    expect(enquiry?.category).toEqual({ code: 'mystery', title: 'mystery' });
    expect(enquiry?.statusHistory.slice(1)).toEqual([
      { at: assigned.at, change: 'assigned', details: {} },
      { at: assigned.at, change: 'note-added', details: {} },
      {
        at: assigned.at,
        change: 'referral-declined',
        details: { agencyId: 'parking-team', reason: 'not-ours' },
      },
    ]);
  });
});

describe('eraseEnquiry', () => {
  it('anonymises at once, closes the case as withdrawn, and answers the same receipt the second time', async () => {
    const { anEnquiryFrom, deps, enquiries, cases, clock } = aSystem();
    const reference = await anEnquiryFrom({
      name: 'Sam',
      email: 'sam@resident.example',
      phone: '07700 900123',
    });
    const version = enquiries.enquiries.get(reference)?.version;

    const receipt = await eraseEnquiry(deps, csuOfficer, { reference, ifMatch: `"${version}"` });
    clock.advance(60);
    const again = await eraseEnquiry(deps, csuOfficer, { reference, ifMatch: '"1"' });

    expect(receipt).toMatchObject({ reference, alreadyErased: false, erasedAt: '2026-11-26T10:01:00.000Z' });
    expect(receipt.removed).toEqual(ERASED);
    expect(again).toEqual({ ...receipt, alreadyErased: true });
    const stored = enquiries.enquiries.get(reference);
    expect(stored).toMatchObject({
      status: 'closed',
      closure: { reason: 'withdrawn' },
      contact: {},
      description: '[removed]',
      anonymisedAt: receipt.erasedAt,
    });
    expect(stored?.subjectKeys).toBeUndefined();
    expect(cases.timeline.get(reference)?.map((entry) => entry.kind)).toEqual(['routed', 'erased']);
  });

  it('leaves nothing a retry could match: the same request with the same key is refused, not stored again', async () => {
    const { anEnquiryFrom, deps, enquiries } = aSystem();
    const reference = await anEnquiryFrom({ email: 'sam@resident.example' }, 'key-1');
    const keyHash = enquiries.enquiries.get(reference)?.idempotencyKeyHash ?? '';
    const fingerprint = enquiries.idempotency.get(keyHash)?.requestHash;

    await eraseEnquiry(deps, csuOfficer, {
      reference,
      ifMatch: `"${enquiries.enquiries.get(reference)?.version}"`,
    });

    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(enquiries.idempotency.get(keyHash)).toMatchObject({ reference, requestHash: '' });
    const count = enquiries.enquiries.size;
    await expect(
      submitEnquiry(deps, {
        enquiry: {
          category: 'parking',
          description: 'A van on the pavement, from someone',
          contact: { email: 'sam@resident.example' },
          happeningNow: false,
          safeContact: { mayEmail: true, mayPhone: true },
        },
        idempotencyKey: 'key-1',
      }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
    expect(enquiries.enquiries.size).toBe(count);
  });

  it('refuses agency officers, stale copies and references it does not hold, changing nothing', async () => {
    const { anEnquiryFrom, deps, enquiries } = aSystem();
    const reference = await anEnquiryFrom({ email: 'sam@resident.example' });
    const before = enquiries.enquiries.get(reference);

    await expect(
      eraseEnquiry(deps, parkingOfficer, { reference, ifMatch: `"${before?.version}"` }),
    ).rejects.toBeInstanceOf(NotPermitted);
    await expect(eraseEnquiry(deps, csuOfficer, { reference, ifMatch: '"1"' })).rejects.toBeInstanceOf(
      StaleVersion,
    );
    await expect(
      eraseEnquiry(deps, csuOfficer, { reference: 'CSU-2026-999999', ifMatch: '"1"' }),
    ).rejects.toBeInstanceOf(EnquiryNotFound);
    await expect(eraseEnquiry(deps, csuOfficer, { reference: 'not-a-reference' })).rejects.toBeInstanceOf(
      EnquiryNotFound,
    );
    expect(enquiries.enquiries.get(reference)).toEqual(before);
  });
});

describe('readAuditTrail', () => {
  it('gives a partnership admin the trail, filtered as asked', async () => {
    const { anEnquiryFrom, exportFor, cases } = aSystem();
    const reference = await anEnquiryFrom({ email: 'sam@resident.example' });
    await exportFor({ email: 'sam@resident.example', includeInternalNotes: false });

    const page = await readAuditTrail({ audit: new InMemoryAuditTrail(cases) }, admin, {
      enquiry: reference,
      actor: csuOfficer.subject,
      limit: 10,
    });

    expect(page.items).toEqual([
      expect.objectContaining({ kind: 'case-read', enquiry: reference, view: 'subject-access' }),
    ]);
  });

  it('is for partnership admins only, and refuses a range that ends before it starts', async () => {
    const { cases } = aSystem();
    const deps = { audit: new InMemoryAuditTrail(cases) };

    await expect(readAuditTrail(deps, csuOfficer, { limit: 10 })).rejects.toBeInstanceOf(NotPermitted);
    await expect(
      readAuditTrail(deps, admin, {
        from: '2026-11-26T00:00:00.000Z',
        before: '2026-11-26T00:00:00.000Z',
        limit: 10,
      }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    await expect(
      readAuditTrail(deps, admin, {
        from: '2026-11-26T00:00:00.000Z',
        before: '2026-11-27T00:00:00.000Z',
        limit: 10,
      }),
    ).resolves.toEqual({ items: [] });
  });
});
