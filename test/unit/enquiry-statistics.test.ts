/**
 * Counting enquiries for the open data (each fact once, sensitive ones only as a whole) and publishing the
 * tables, against in-memory counters.
 */
import { describe, expect, it } from 'vitest';
import { type EnquiryOutline, statisticsFactOf } from '../../functions/domain/statistics.ts';
import {
  countForStatistics,
  firstUnpublishedMonth,
  monthsBetween,
  publishEnquiryStatistics,
} from '../../functions/domain/use-cases/enquiry-statistics.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';
import {
  InMemoryEnquiries,
  InMemoryStatisticsStore,
  smallPartnershipReferenceData,
} from '../support/in-memory-ports.ts';

const parking: EnquiryOutline = {
  reference: 'CSU-2026-000001',
  category: 'parking',
  sensitive: false,
  receivedAt: '2026-11-26T10:00:00.000Z',
  postcode: 'TN23 1PL',
};
const abuse: EnquiryOutline = {
  ...parking,
  reference: 'CSU-2026-000002',
  category: 'domestic-abuse',
  sensitive: true,
};

describe('statisticsFactOf', () => {
  it('counts a receipt by month, category and postcode sector, and a sensitive one only as a whole', () => {
    expect(statisticsFactOf(parking, { kind: 'received' })).toEqual({
      reference: 'CSU-2026-000001',
      id: 'received',
      month: '2026-11',
      increments: [
        { dimension: 'all', value: 'all', measure: 'received' },
        { dimension: 'category', value: 'parking', measure: 'received' },
        { dimension: 'postcodeSector', value: 'TN23 1', measure: 'received' },
      ],
    });
    expect(statisticsFactOf(abuse, { kind: 'received' }).increments).toEqual([
      { dimension: 'all', value: 'all', measure: 'sensitiveReceived' },
    ]);
    expect(statisticsFactOf({ ...parking, postcode: undefined }, { kind: 'received' }).increments[2]).toEqual(
      {
        dimension: 'postcodeSector',
        value: 'unknown',
        measure: 'received',
      },
    );
  });

  it('counts referrals per agency in the month they are made, never a sensitive one', () => {
    const referral = { kind: 'referred', agencyId: 'kent-police', at: '2027-01-04T09:00:00.000Z' } as const;

    expect(statisticsFactOf(parking, referral)).toMatchObject({
      id: 'referred#kent-police',
      month: '2027-01',
      increments: [{ dimension: 'agency', value: 'kent-police', measure: 'referred' }],
    });
    expect(statisticsFactOf(abuse, referral).increments).toEqual([]);
  });

  it('counts whole days to first acceptance and to closure in the month they happen, and closures by outcome', () => {
    expect(statisticsFactOf(parking, { kind: 'accepted', at: '2026-12-01T09:59:00.000Z' })).toEqual({
      reference: 'CSU-2026-000001',
      id: 'accepted',
      month: '2026-12',
      increments: [{ histogram: 'daysToAcceptance', days: 4 }],
    });
    expect(
      statisticsFactOf(parking, { kind: 'closed', at: '2026-12-06T10:00:00.000Z', reason: 'resolved' }),
    ).toEqual({
      reference: 'CSU-2026-000001',
      id: 'closed',
      month: '2026-12',
      increments: [
        { dimension: 'all', value: 'all', measure: 'closed' },
        { dimension: 'outcome', value: 'resolved', measure: 'closed' },
        { histogram: 'daysToClosure', days: 10 },
      ],
    });
    expect(statisticsFactOf(abuse, { kind: 'closed', at: '2026-11-27T10:00:00.000Z' }).increments).toEqual([
      { histogram: 'daysToClosure', days: 1 },
    ]);
  });
});

describe('countForStatistics', () => {
  it('counts each fact once however often the event comes, and nothing for an unknown enquiry', async () => {
    const enquiries = new InMemoryEnquiries();
    enquiries.enquiries.set('CSU-2026-000001', aStoredEnquiry({ reference: 'CSU-2026-000001' }));
    const statistics = new InMemoryStatisticsStore();
    const deps = { enquiries, statistics };

    const results = [
      await countForStatistics(deps, 'CSU-2026-000001', { kind: 'received' }),
      await countForStatistics(deps, 'CSU-2026-000001', { kind: 'received' }),
      await countForStatistics(deps, 'CSU-2026-009999', { kind: 'received' }),
    ];
    const [month] = await statistics.read(['2026-11']);

    expect(results).toEqual(['counted', 'already-counted', 'not-found']);
    expect(month?.counts['category']?.['parking']?.received).toBe(1);
  });
});

/** The keys whose exact counts in two published tables differ by 1 to 4: each would single out that many. */
function cellsThatDifferByLessThan5(
  a: Awaited<ReturnType<typeof publishEnquiryStatistics>>,
  b: Awaited<ReturnType<typeof publishEnquiryStatistics>>,
): string[] {
  const exact = (table: typeof a) =>
    new Map(
      [...table.rows, { key: '(total)', count: table.total }].flatMap((row) =>
        typeof row.count === 'number' ? [[row.key, row.count] as const] : [],
      ),
    );
  const [before, after] = [exact(a), exact(b)];
  return [...before].flatMap(([key, count]) => {
    const other = after.get(key);
    return other !== undefined && other !== count && Math.abs(other - count) < 5 ? [key] : [];
  });
}

describe('publishEnquiryStatistics', () => {
  async function aYear() {
    const statistics = new InMemoryStatisticsStore();
    const referenceData = smallPartnershipReferenceData();
    referenceData.categories.push(
      { code: 'noise', title: 'Noise', description: 'Noise', sensitive: false },
      { code: 'domestic-abuse', title: 'Domestic abuse', description: 'Help', sensitive: true },
    );
    let n = 0;
    const receive = async (category: string, sensitive = false, month = '2026-03') => {
      n += 1;
      const outline = {
        ...parking,
        reference: `CSU-2026-${String(n).padStart(6, '0')}`,
        category,
        sensitive,
        receivedAt: `${month}-10T10:00:00.000Z`,
      };
      await statistics.record(statisticsFactOf(outline, { kind: 'received' }));
      await statistics.record(
        statisticsFactOf(outline, { kind: 'closed', at: `${month}-15T10:00:00.000Z`, reason: 'resolved' }),
      );
    };
    for (let i = 0; i < 12; i++) await receive('parking');
    await receive('noise');
    for (let i = 0; i < 3; i++) await receive('domestic-abuse', true);
    for (let i = 0; i < 6; i++) await receive('parking', false, '2026-04');
    return { deps: { statistics, referenceData }, statistics };
  }

  const now = new Date('2026-11-26T10:00:00.000Z');

  it('publishes one month’s categories without sensitive ones, combining a count the total would give away', async () => {
    const { deps } = await aYear();

    const table = await publishEnquiryStatistics(
      deps,
      { from: '2026-03', to: '2026-03', by: 'category' },
      now,
    );

    expect(table.rows).toEqual([{ month: '2026-03', key: 'parking + noise', count: 13 }]);
    expect(JSON.stringify(table)).not.toContain('domestic-abuse');
    expect(table.total).toBe(13);
    expect(table.medianDaysToClosure).toBe(5);
  });

  it('publishes a year by month, only months that are over, small ones as <5, sensitive ones only as a whole', async () => {
    const { deps } = await aYear();

    const received = await publishEnquiryStatistics(
      deps,
      { from: '2026-01', to: '2026-12', by: 'month' },
      now,
    );
    const sensitive = await publishEnquiryStatistics(
      deps,
      { from: '2026-01', to: '2026-12', by: 'month', measure: 'sensitiveReceived' },
      now,
    );

    expect(received.rows.map((row) => row.key)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    expect(received.rows.find((row) => row.key === '2026-03')?.count).toBe(13);
    expect(received.rows.find((row) => row.key === '2026-04')?.count).toBe(6);
    expect(received.rows.find((row) => row.key === '2026-05')?.count).toBe('<5');
    expect(sensitive.rows.every((row) => row.count === '<5')).toBe(true);
    // 2026 is not over: its total would grow month by month, and each step would give a month away.
    expect(received.total).toBeNull();
    expect(sensitive.total).toBeNull();
  });

  it('publishes a year’s total once the year is over, unless it would pin a small month', async () => {
    const statistics = new InMemoryStatisticsStore();
    const deps = { statistics, referenceData: smallPartnershipReferenceData() };
    let n = 0;
    const receive = async (month: string, count: number) => {
      for (let i = 0; i < count; i++) {
        n += 1;
        const outline = {
          ...parking,
          reference: `CSU-2025-${String(n).padStart(6, '0')}`,
          receivedAt: `${month}-10T10:00:00.000Z`,
        };
        await statistics.record(statisticsFactOf(outline, { kind: 'received' }));
      }
    };
    const year2025 = () =>
      publishEnquiryStatistics(deps, { from: '2025-01', to: '2025-12', by: 'month' }, now);
    await receive('2025-03', 6);
    await receive('2025-04', 2);

    const unpinned = await year2025();
    // April's 2 hides among eleven months that could each hold 0 to 4.
    expect(unpinned.total).toBe(8);
    expect(unpinned.rows.find((row) => row.key === '2025-04')?.count).toBe('<5');

    for (const month of ['01', '02', '05', '06', '07', '08', '09', '10', '11', '12'])
      await receive(`2025-${month}`, 5);
    const pinned = await year2025();
    // Now April is the only small month: the total less the exact ones would be its count.
    expect(pinned.rows.filter((row) => row.count === '<5').map((row) => row.key)).toEqual(['2025-04']);
    expect(pinned.total).toBeNull();
  });

  it('publishes a range month by month, each month as it is alone, so overlapping windows subtract to nothing', async () => {
    const { deps } = await aYear();
    const windows = [
      ['2026-01', '2026-12'],
      ['2026-03', '2026-04'],
      ['2026-02', '2026-03'],
      ['2026-03', '2026-03'],
      ['2026-04', '2026-04'],
    ] as const;

    const tables = await Promise.all(
      windows.map(([from, to]) => publishEnquiryStatistics(deps, { from, to, by: 'category' }, now)),
    );
    const [year] = tables;

    expect(year).toMatchObject({ from: '2026-01', to: '2026-10', total: null });
    expect(year?.rows.filter((row) => row.month === '2026-03')).toEqual([
      { month: '2026-03', key: 'parking + noise', count: 13 },
    ]);
    // Only what April's counters hold: a zero row from today's directory would change the month when a
    // category is added.
    expect(year?.rows.filter((row) => row.month === '2026-04')).toEqual([
      { month: '2026-04', key: 'parking', count: 6 },
    ]);
    expect(JSON.stringify(year)).not.toContain('domestic-abuse');
    // Every cell is the same in every window it appears in: a difference of two windows is always zero.
    const cells = new Map<string, unknown>();
    for (const table of tables) {
      for (const row of table.rows) {
        const key = `${row.month} ${row.key}`;
        if (cells.has(key)) expect(row.count, key).toEqual(cells.get(key));
        cells.set(key, row.count);
      }
    }
    // Totals only for one month, which that month's by=month row publishes anyway.
    expect(tables.map((table) => table.total)).toEqual([null, null, null, 13, 6]);
    // Medians only over windows that never overlap: a month (every closure 5 days after receipt, the sensitive
    // ones included, as a whole), or a whole calendar year once it is published; not the year so far.
    expect(tables[3]?.medianDaysToClosure).toBe(5);
    expect(tables[3]?.medianDaysToAcceptance).toBeNull();
    expect([year?.medianDaysToClosure, tables[1]?.medianDaysToClosure]).toEqual([null, null]);
  });

  it('never changes a published month when the directory changes: no zero rows, a category made sensitive withheld', async () => {
    const { deps } = await aYear();
    const march = () =>
      publishEnquiryStatistics(deps, { from: '2026-03', to: '2026-03', by: 'category' }, now);
    const before = await march();

    deps.referenceData.categories.push({
      code: 'e-scooters',
      title: 'E-scooters',
      description: 'x',
      sensitive: false,
    });
    const afterAdding = await march();
    const categories = deps.referenceData.categories;
    const at = categories.findIndex((category) => category.code === 'parking');
    categories[at] = { ...categories[at]!, sensitive: true };
    const afterFlagging = await march();

    expect(afterAdding).toEqual(before);
    // Its name goes, its count stays in the month (which must still add up to its by=month row).
    expect(afterFlagging.rows).toEqual([{ month: '2026-03', key: 'withheld + noise', count: 13 }]);
    expect(afterFlagging.total).toBe(before.total);
    expect(JSON.stringify(afterFlagging)).not.toContain('parking');
  });

  it('publishes a month two days after it ends, once its last events are in', async () => {
    const { deps } = await aYear();
    const november = (at: string) =>
      publishEnquiryStatistics(deps, { from: '2026-11', to: '2026-11', by: 'category' }, new Date(at));

    expect(firstUnpublishedMonth(new Date('2026-12-02T10:00:00.000Z'))).toBe('2026-11');
    expect(firstUnpublishedMonth(new Date('2026-12-03T10:00:00.000Z'))).toBe('2026-12');
    await expect(november('2026-12-02T10:00:00.000Z')).rejects.toThrow('not over yet');
    await expect(november('2026-12-03T10:00:00.000Z')).resolves.toMatchObject({
      from: '2026-11',
      to: '2026-11',
    });
  });

  it.each([
    [{ from: '2025-10', to: '2026-10', by: 'month' }, 'at most 12 months'],
    [{ from: '2026-04', to: '2026-03', by: 'category' }, 'not be after'],
    [{ from: '2026-11', to: '2026-12', by: 'category' }, 'not over yet'],
    [{ from: '2026-03', to: '2026-03', by: 'category', measure: 'closed' }, 'counts received'],
  ] as const)('refuses %o: at most a year, and only months that are over', async (query, message) => {
    const { deps } = await aYear();

    await expect(publishEnquiryStatistics(deps, query, now)).rejects.toThrow(message);
  });

  it('never changes a published month when an enquiry of that month is referred later', async () => {
    const statistics = new InMemoryStatisticsStore();
    const referenceData = smallPartnershipReferenceData();
    const deps = { statistics, referenceData };
    const march = Array.from({ length: 6 }, (_, i) => ({
      ...parking,
      reference: `CSU-2026-${String(i + 1).padStart(6, '0')}`,
      receivedAt: '2026-03-10T10:00:00.000Z',
    }));
    const refer = (outline: EnquiryOutline, agencyId: string, at: string) =>
      statistics.record(statisticsFactOf(outline, { kind: 'referred', agencyId, at }));
    for (const outline of march) await refer(outline, 'kent-police', '2026-03-10T10:05:00.000Z');
    const marchTable = () =>
      publishEnquiryStatistics(deps, { from: '2026-03', to: '2026-03', by: 'agency' }, now);
    const yearTable = () =>
      publishEnquiryStatistics(deps, { from: '2026-01', to: '2026-12', by: 'agency' }, now);
    const before = { march: await marchTable(), year: await yearTable() };

    // Months later a caseworker refers one March enquiry to a second agency.
    await refer(march[0]!, 'ashford-council', '2026-09-02T11:00:00.000Z');
    const after = { march: await marchTable(), year: await yearTable() };
    const september = await publishEnquiryStatistics(
      deps,
      { from: '2026-09', to: '2026-09', by: 'agency' },
      now,
    );

    // The March table downloaded before and after is the same, so comparing them singles out nobody.
    expect(after.march).toEqual(before.march);
    expect(cellsThatDifferByLessThan5(before.march, after.march)).toEqual([]);
    expect(before.march.rows.find((row) => row.key === 'kent-police')?.count).toBe(6);
    // The referral counts in September, where it happened (suppressed there, as the small count it is).
    expect(september.rows).toEqual([{ month: '2026-09', key: 'ashford-council', count: '<5' }]);
    expect(september.total).toBe('<5');
    // In the year's table too, March is as it was; only September, which was not yet over, has the referral.
    const marchOf = (table: typeof before.year) => table.rows.filter((row) => row.month === '2026-03');
    expect(marchOf(after.year)).toEqual(marchOf(before.year));
    expect(after.year.total).toBeNull();
  });

  it('lists the months of a window across a year end', () => {
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
  });
});
