/** Statistics counters in DynamoDB Local: each fact counted once, in one transaction with its marker. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStatisticsStore } from '../../functions/adapters/dynamodb-statistics-store.ts';
import { statisticsFactOf } from '../../functions/domain/statistics.ts';
import { aFreshTable } from '../support/dynamodb.ts';

let store: DynamoDbStatisticsStore;

beforeAll(async () => {
  const { documentClient, tableName } = await aFreshTable();
  store = new DynamoDbStatisticsStore(documentClient, tableName);
});

const outline = (n: number, category = 'parking') => ({
  reference: `CSU-2026-${String(n).padStart(6, '0')}`,
  category,
  sensitive: false,
  receivedAt: '2026-10-05T10:00:00.000Z',
  postcode: 'TN24 8AB',
});

describe('DynamoDbStatisticsStore', () => {
  it('adds each fact once, however often and however concurrently it is recorded', async () => {
    const fact = statisticsFactOf(outline(1), { kind: 'received' });

    const results = await Promise.all([store.record(fact), store.record(fact), store.record(fact)]);
    await store.record(statisticsFactOf(outline(2), { kind: 'received' }));
    const [month] = await store.read(['2026-10']);

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(month?.counts['all']?.['all']).toEqual({ received: 2 });
    expect(month?.counts['category']?.['parking']).toEqual({ received: 2 });
    expect(month?.counts['postcodeSector']?.['TN24 8']).toEqual({ received: 2 });
  });

  it('keeps day histograms and measures apart, and reads an empty month as empty', async () => {
    await store.record(
      statisticsFactOf(outline(3), { kind: 'closed', at: '2026-10-08T11:00:00.000Z', reason: 'duplicate' }),
    );
    await store.record(
      statisticsFactOf(outline(4), { kind: 'closed', at: '2026-10-08T09:00:00.000Z', reason: 'duplicate' }),
    );
    await store.record(statisticsFactOf(outline(4), { kind: 'accepted', at: '2026-10-06T10:00:00.000Z' }));

    const [october, never] = await store.read(['2026-10', '1999-01']);

    expect(october?.counts['outcome']?.['duplicate']).toEqual({ closed: 2 });
    expect(october?.histograms.daysToClosure).toEqual({ 2: 1, 3: 1 });
    expect(october?.histograms.daysToAcceptance).toEqual({ 1: 1 });
    expect(never).toEqual({
      month: '1999-01',
      counts: {},
      histograms: { daysToAcceptance: {}, daysToClosure: {} },
    });
  });
});
