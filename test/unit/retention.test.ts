/** Retention rules: when an enquiry is anonymised, and what is left of it. */
import { describe, expect, it } from 'vitest';
import {
  anonymised,
  monthsBefore,
  parseAnonymiseAfterMonths,
  postcodeSector,
} from '../../functions/domain/retention.ts';
import { anonymiseDueEnquiries } from '../../functions/domain/use-cases/anonymise-due-enquiries.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';
import { InMemoryCases, InMemoryEnquiries } from '../support/in-memory-ports.ts';

const POLICY = { closed: 12, sensitiveClosed: 24, neverClosed: 36 };

describe('anonymised', () => {
  const enquiry = aStoredEnquiry({
    description: 'A van parks on the pavement outside number 12',
    contact: { name: 'Sam', email: 'sam@resident.example', phone: '07700 900123' },
    location: { postcode: 'TN23 1PL', address: '12 High Street', latitude: 51.1, longitude: 0.87 },
    safeContact: { mayEmail: true, mayPhone: true, safeTimes: 'mornings', preferredLanguage: 'Polish' },
    publicUpdates: [
      { id: 'u1', at: '2026-12-01T10:00:00.000Z', message: 'We spoke to the driver at number 14' },
    ],
    status: 'closed',
    closure: { reason: 'resolved', at: '2026-12-02T10:00:00.000Z' },
    referrals: [],
    version: 7,
  });

  it('keeps the reference, category, dates, outcome, agencies and postcode sector, and nothing personal', () => {
    const result = anonymised(enquiry, '2027-12-03T02:30:00.000Z');

    expect(result).toMatchObject({
      reference: enquiry.reference,
      category: enquiry.category,
      receivedAt: enquiry.receivedAt,
      status: 'closed',
      closure: { reason: 'resolved', at: '2026-12-02T10:00:00.000Z' },
      location: { postcode: 'TN23 1' },
      contact: {},
      safeContact: { mayEmail: false, mayPhone: false },
      statusToken: '',
      anonymisedAt: '2027-12-03T02:30:00.000Z',
      version: 8,
    });
    const text = JSON.stringify(result);
    for (const secret of [
      'van parks',
      'Sam',
      'sam@',
      '07700',
      '12 High Street',
      '1PL',
      '51.1',
      'mornings',
      'Polish',
      'driver',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(result.publicUpdates).toEqual([
      { id: 'u1', at: '2026-12-01T10:00:00.000Z', message: '[removed]' },
    ]);
  });

  it('closes an enquiry never closed, as no-response', () => {
    const result = anonymised(aStoredEnquiry({ status: 'in-progress' }), '2029-12-03T02:30:00.000Z');

    expect(result).toMatchObject({
      status: 'closed',
      closure: { reason: 'no-response', at: '2029-12-03T02:30:00.000Z' },
    });
  });
});

describe('postcodeSector', () => {
  it.each([
    ['TN23 1PL', 'TN23 1'],
    ['tn231pl', 'TN23 1'],
    ['SW1A 1AA', 'SW1A 1'],
    ['M1 1AE', 'M1 1'],
    ['not a postcode', undefined],
    [undefined, undefined],
  ])('%s → %s', (postcode, sector) => {
    expect(postcodeSector(postcode)).toBe(sector);
  });
});

describe('monthsBefore', () => {
  it.each([
    ['2027-12-03T02:30:00.000Z', 12, '2026-12-03T02:30:00.000Z'],
    ['2027-03-31T00:00:00.000Z', 1, '2027-02-28T00:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', 12, '2027-02-28T12:00:00.000Z'],
  ])('%s minus %i months is %s', (at, months, expected) => {
    expect(monthsBefore(new Date(at), months).toISOString()).toBe(expected);
  });
});

describe('parseAnonymiseAfterMonths', () => {
  it('reads the stage policy, and refuses one that is not whole months', () => {
    expect(parseAnonymiseAfterMonths(JSON.stringify(POLICY))).toEqual(POLICY);
    expect(() => parseAnonymiseAfterMonths('{"closed":12,"sensitiveClosed":0,"neverClosed":36}')).toThrow(
      /sensitiveClosed/,
    );
  });
});

describe('anonymiseDueEnquiries', () => {
  function aStore() {
    const enquiries = new InMemoryEnquiries();
    const cases = new InMemoryCases(enquiries);
    const put = (reference: string, overrides: Parameters<typeof aStoredEnquiry>[0]) =>
      enquiries.enquiries.set(reference, aStoredEnquiry({ reference, ...overrides }));
    return { enquiries, cases, put };
  }

  it('anonymises exactly the enquiries whose period has ended, by their kind, once', async () => {
    const { enquiries, cases, put } = aStore();
    const closed = (at: string, sensitive = false) => ({
      status: 'closed' as const,
      sensitive,
      closure: { reason: 'resolved' as const, at },
    });
    put('CSU-2026-000001', closed('2026-01-10T00:00:00.000Z')); // standard, closed 13 months before
    put('CSU-2026-000002', closed('2026-03-10T00:00:00.000Z')); // standard, 11 months
    put('CSU-2026-000003', closed('2026-01-10T00:00:00.000Z', true)); // sensitive, 13 months
    put('CSU-2026-000004', closed('2025-01-10T00:00:00.000Z', true)); // sensitive, 25 months
    put('CSU-2026-000005', { status: 'routed', receivedAt: '2023-12-01T00:00:00.000Z' }); // open 38 months
    put('CSU-2026-000006', { status: 'routed', receivedAt: '2025-12-01T00:00:00.000Z' }); // open 14 months
    const at = new Date('2027-02-10T02:30:00.000Z');

    const first = await anonymiseDueEnquiries({ cases }, { at, policy: POLICY, batchSize: 50 });
    const again = await anonymiseDueEnquiries({ cases }, { at, policy: POLICY, batchSize: 50 });

    expect(first.anonymised.sort()).toEqual(['CSU-2026-000001', 'CSU-2026-000004', 'CSU-2026-000005']);
    expect(again.anonymised).toEqual([]);
    const isAnonymised = (reference: string) => Boolean(enquiries.enquiries.get(reference)?.anonymisedAt);
    expect(['000002', '000003', '000006'].map((n) => isAnonymised(`CSU-2026-${n}`))).toEqual([
      false,
      false,
      false,
    ]);
    expect(enquiries.enquiries.get('CSU-2026-000005')).toMatchObject({
      status: 'closed',
      closure: { reason: 'no-response' },
    });
  });
});
