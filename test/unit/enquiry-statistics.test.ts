/**
 * Counting enquiries for the open data (each fact once, sensitive ones only as a whole) and publishing the
 * tables, against in-memory counters.
 */
import { describe, expect, it } from 'vitest';
import { type EnquiryOutline, statisticsFactOf } from '../../functions/domain/statistics.ts';
import {
  countForStatistics,
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

  it('counts referrals per agency in the month of receipt, never a sensitive one', () => {
    expect(statisticsFactOf(parking, { kind: 'referred', agencyId: 'kent-police' })).toMatchObject({
      id: 'referred#kent-police',
      month: '2026-11',
      increments: [{ dimension: 'agency', value: 'kent-police', measure: 'referred' }],
    });
    expect(statisticsFactOf(abuse, { kind: 'referred', agencyId: 'kent-police' }).increments).toEqual([]);
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

    expect(table.rows).toEqual([{ key: 'parking + noise', count: 13 }]);
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
    expect(sensitive.total).toBe('<5');
  });

  it.each([
    [{ from: '2026-01', to: '2026-06', by: 'month' }, 'calendar year'],
    [{ from: '2026-02', to: '2026-03', by: 'category' }, 'one month'],
    [{ from: '2026-11', to: '2026-11', by: 'category' }, 'not over yet'],
    [{ from: '2026-03', to: '2026-03', by: 'category', measure: 'closed' }, 'counts received'],
  ] as const)('refuses %o: windows never overlap and never change once published', async (query, message) => {
    const { deps } = await aYear();

    await expect(publishEnquiryStatistics(deps, query, now)).rejects.toThrow(message);
  });

  it('lists the months of a window across a year end', () => {
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
  });
});
