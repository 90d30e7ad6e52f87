/**
 * Statistics counters in the table: one item per month and dimension value (`STATS#2026-11` /
 * `category#parking`, with one number per measure) and per day histogram (`days#daysToClosure`, one number per
 * whole day). A fact is recorded in one transaction with its marker (`STATS_FACT#<reference>` / fact id), whose
 * condition makes a second delivery of the same event add nothing.
 */
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type {
  MonthCounters,
  StatisticsFact,
  StatisticsMeasure,
  StatisticsStore,
} from '../domain/statistics.ts';
import { cancellationReason, queryPartition } from './dynamodb-helpers.ts';
import { expiryAfterDays, keys, statisticsMonthPartition, TABLE_SCHEMA } from './table-keys.ts';

/**
 * How long a fact's marker is kept: past the bus archive's 30 days and every retry horizon, so a replayed or
 * redelivered event still finds it.
 */
export const STATISTICS_FACT_MARKER_DAYS = 400;

const HISTOGRAM_PREFIX = 'days#';

export class DynamoDbStatisticsStore implements StatisticsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(fact: StatisticsFact): Promise<boolean> {
    if (fact.increments.length === 0) return false;
    // One update per counter item: a transaction may not touch an item twice.
    const additions = new Map<string, Map<string, number>>();
    for (const increment of fact.increments) {
      const [counter, attribute] =
        'histogram' in increment
          ? [`${HISTOGRAM_PREFIX}${increment.histogram}`, `d${increment.days}`]
          : [`${increment.dimension}#${increment.value}`, increment.measure];
      const item = additions.get(counter) ?? new Map<string, number>();
      item.set(attribute, (item.get(attribute) ?? 0) + 1);
      additions.set(counter, item);
    }
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.statisticsFact(fact.reference, fact.id),
                  type: 'StatisticsFact',
                  month: fact.month,
                  [TABLE_SCHEMA.ttlAttribute]: expiryAfterDays(this.clock(), STATISTICS_FACT_MARKER_DAYS),
                },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            ...[...additions].map(([counter, attributes]) => {
              const names = [...attributes.keys()];
              return {
                Update: {
                  TableName: this.tableName,
                  Key: keys.statisticsCounter(fact.month, counter),
                  UpdateExpression: `SET #type = :type ADD ${names.map((_, i) => `#a${i} :v${i}`).join(', ')}`,
                  ExpressionAttributeNames: {
                    '#type': 'type',
                    ...Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
                  },
                  ExpressionAttributeValues: {
                    ':type': 'StatisticsCounter',
                    ...Object.fromEntries(names.map((name, i) => [`:v${i}`, attributes.get(name)])),
                  },
                },
              };
            }),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationReason(error, 0) === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async read(months: readonly string[]): Promise<MonthCounters[]> {
    return Promise.all(
      months.map(async (month) => {
        const items = await queryPartition(this.client, this.tableName, statisticsMonthPartition(month));
        const counts: Record<string, Record<string, Partial<Record<StatisticsMeasure, number>>>> = {};
        const histograms = { daysToAcceptance: {}, daysToClosure: {} } as Record<
          'daysToAcceptance' | 'daysToClosure',
          Record<number, number>
        >;
        for (const item of items) {
          const counter = String(item.SK);
          const numbers = Object.entries(item).filter(
            (entry): entry is [string, number] => typeof entry[1] === 'number' && entry[0] !== 'expiresAt',
          );
          if (counter.startsWith(HISTOGRAM_PREFIX)) {
            const name = counter.slice(HISTOGRAM_PREFIX.length) as keyof typeof histograms;
            if (!(name in histograms)) continue;
            for (const [attribute, count] of numbers) {
              if (/^d\d+$/.test(attribute)) histograms[name][Number(attribute.slice(1))] = count;
            }
            continue;
          }
          const at = counter.indexOf('#');
          const dimension = counter.slice(0, at);
          const value = counter.slice(at + 1);
          counts[dimension] ??= {};
          counts[dimension][value] = Object.fromEntries(numbers) as Partial<
            Record<StatisticsMeasure, number>
          >;
        }
        return { month, counts, histograms };
      }),
    );
  }
}
