/**
 * Counting enquiries for the open data as events arrive, and publishing the counts as tables a reader cannot
 * single anyone out from (open-statistics.ts). Tables are read from monthly counters, never from enquiries.
 */
import { CLOSURE_REASONS } from '../casework-vocabulary.ts';
import { medianDays, type PublishedCount, published, publishTable } from '../open-statistics.ts';
import type { EnquiryRepository, ReferenceDataRepository } from '../ports.ts';
import {
  type MonthCounters,
  monthOf,
  type StatisticsEvent,
  type StatisticsMeasure,
  type StatisticsStore,
  statisticsFactOf,
} from '../statistics.ts';

/** Counts `event` about enquiry `reference` once, however often it is delivered. */
export async function countForStatistics(
  deps: {
    readonly enquiries: Pick<EnquiryRepository, 'getOutline'>;
    readonly statistics: Pick<StatisticsStore, 'record'>;
  },
  reference: string,
  event: StatisticsEvent,
): Promise<'counted' | 'already-counted' | 'not-found'> {
  const outline = await deps.enquiries.getOutline(reference);
  if (!outline) return 'not-found';
  return (await deps.statistics.record(statisticsFactOf(outline, event))) ? 'counted' : 'already-counted';
}

/** The tables published: what each row is, and what it counts. */
export const STATISTICS_TABLES = {
  month: { dimension: 'all', measures: ['received', 'closed', 'sensitiveReceived'] },
  category: { dimension: 'category', measures: ['received'] },
  postcodeSector: { dimension: 'postcodeSector', measures: ['received'] },
  agency: { dimension: 'agency', measures: ['referred'] },
  outcome: { dimension: 'outcome', measures: ['closed'] },
} as const satisfies Record<string, { dimension: string; measures: readonly StatisticsMeasure[] }>;
export type StatisticsTable = keyof typeof STATISTICS_TABLES;

/** A bound on monthsBetween's loop; no window checkStatisticsWindow allows is longer than a year. */
const MONTHS_BETWEEN_LIMIT = 24;

export interface StatisticsQuery {
  /** `YYYY-MM`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly by: StatisticsTable;
  /** For `by=month`: which count (received by default; sensitive categories only here, as a whole). */
  readonly measure?: StatisticsMeasure;
}

/** A published table. */
export interface PublishedStatistics {
  readonly from: string;
  readonly to: string;
  readonly by: StatisticsTable;
  readonly measure: StatisticsMeasure;
  /** In order; a row of several keys combines them so none can be singled out. */
  readonly rows: readonly { readonly key: string; readonly count: PublishedCount }[];
  readonly total: PublishedCount;
  /** Whole days, over the months asked for (all categories); null from fewer than 5 enquiries. */
  readonly medianDaysToAcceptance: number | null;
  readonly medianDaysToClosure: number | null;
}

/** Thrown for a query the tables cannot answer. */
export class StatisticsQueryInvalid extends Error {}

/** The months from `from` to `to` inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const [endYear, endMonth] = to.split('-').map(Number) as [number, number];
  while (year < endYear || (year === endYear && month <= endMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
    if (months.length > MONTHS_BETWEEN_LIMIT) break;
  }
  return months;
}

/**
 * The windows tables may cover, so that no two published tables overlap (the difference of two overlapping
 * tables would be an unprotected table) and none changes once published: `by=month` covers a calendar year,
 * its rows the months already over; every other table covers one month that is over.
 */
export function checkStatisticsWindow(query: Pick<StatisticsQuery, 'from' | 'to' | 'by'>, now: Date): void {
  const current = monthOf(now.toISOString());
  if (query.by === 'month') {
    const year = query.from.slice(0, 4);
    if (query.from !== `${year}-01` || query.to !== `${year}-12`) {
      throw new StatisticsQueryInvalid('by=month covers a calendar year: from=YYYY-01&to=YYYY-12');
    }
    return;
  }
  if (query.from !== query.to) {
    throw new StatisticsQueryInvalid(`by=${query.by} covers one month: from and to the same YYYY-MM`);
  }
  if (query.from >= current) {
    throw new StatisticsQueryInvalid(`${query.from} is not over yet: its figures are published once it is`);
  }
}

/** The table the query asks for, published (see checkStatisticsWindow for the windows allowed). */
export async function publishEnquiryStatistics(
  deps: {
    readonly statistics: Pick<StatisticsStore, 'read'>;
    readonly referenceData: Pick<ReferenceDataRepository, 'listCategories' | 'listAgencies'>;
  },
  query: StatisticsQuery,
  now: Date,
): Promise<PublishedStatistics> {
  const table = STATISTICS_TABLES[query.by];
  const measure = query.measure ?? table.measures[0];
  if (!(table.measures as readonly StatisticsMeasure[]).includes(measure)) {
    throw new StatisticsQueryInvalid(`by=${query.by} counts ${table.measures.join(' or ')}`);
  }
  checkStatisticsWindow(query, now);
  const current = monthOf(now.toISOString());
  const months = monthsBetween(query.from, query.to).filter((month) => month < current);
  const counters = await deps.statistics.read(months);
  const known = await knownKeys(deps.referenceData, query.by, months);
  const counts = new Map<string, number>(known);
  for (const month of counters) {
    if (query.by === 'month') {
      counts.set(month.month, month.counts['all']?.['all']?.[measure] ?? 0);
      continue;
    }
    for (const [value, measures] of Object.entries(month.counts[table.dimension] ?? {})) {
      counts.set(value, (counts.get(value) ?? 0) + (measures[measure] ?? 0));
    }
  }
  const alwaysListed = new Set(known.map(([key]) => key));
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return {
    from: query.from,
    to: query.to,
    by: query.by,
    measure,
    rows: publishTable([...counts].map(([key, count]) => [key, count, alwaysListed.has(key)] as const)).map(
      (row) => ({ key: row.keys.join(' + '), count: row.count }),
    ),
    total: published(total),
    medianDaysToAcceptance: medianDays(sumHistograms(counters, 'daysToAcceptance')),
    medianDaysToClosure: medianDays(sumHistograms(counters, 'daysToClosure')),
  };
}

/** Every key the table has, with zero: zero rows beside small ones keep those from being worked out. */
async function knownKeys(
  referenceData: Pick<ReferenceDataRepository, 'listCategories' | 'listAgencies'>,
  by: StatisticsTable,
  months: readonly string[],
): Promise<[string, number][]> {
  switch (by) {
    case 'month':
      return months.map((month) => [month, 0]);
    case 'category':
      return (await referenceData.listCategories())
        .filter((category) => !category.sensitive)
        .map((category) => [category.code, 0]);
    case 'agency':
      return (await referenceData.listAgencies()).map((agency) => [agency.id, 0]);
    case 'outcome':
      return CLOSURE_REASONS.map((reason) => [reason, 0]);
    case 'postcodeSector':
      return [];
  }
}

function sumHistograms(
  counters: readonly MonthCounters[],
  name: 'daysToAcceptance' | 'daysToClosure',
): Record<number, number> {
  const sum: Record<number, number> = {};
  for (const month of counters) {
    for (const [days, count] of Object.entries(month.histograms[name])) {
      sum[Number(days)] = (sum[Number(days)] ?? 0) + count;
    }
  }
  return sum;
}
