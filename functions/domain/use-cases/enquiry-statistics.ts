/**
 * Counting enquiries for the open data as events arrive, and publishing the counts as tables a reader cannot
 * single anyone out from (open-statistics.ts). Tables are read from monthly counters, never from enquiries.
 */
import { CLOSURE_REASONS } from '../casework-vocabulary.ts';
import {
  medianDays,
  type PublishedCount,
  published,
  publishTable,
  smallCountsArePinned,
} from '../open-statistics.ts';
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

/**
 * Days a month waits, once over, before it is published: the events of its last hours may still be on their way
 * (queues retry for hours), and a month must never change once published.
 */
export const PUBLICATION_DELAY_DAYS = 2;

/**
 * The first month not yet published at `now`: months before it are published, and never change again. A month
 * is published {@link PUBLICATION_DELAY_DAYS} days after it ends.
 */
export function firstUnpublishedMonth(now: Date): string {
  return monthOf(new Date(now.getTime() - PUBLICATION_DELAY_DAYS * 24 * 60 * 60 * 1000).toISOString());
}

/** The longest window a table may cover, in months: a year, as the annual report needs. */
export const MAX_STATISTICS_MONTHS = 12;

/** A bound on monthsBetween's loop, above any window checkStatisticsWindow allows. */
const MONTHS_BETWEEN_LIMIT = 24;

export interface StatisticsQuery {
  /** `YYYY-MM`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly by: StatisticsTable;
  /** For `by=month`: which count (received by default; sensitive categories only here, as a whole). */
  readonly measure?: StatisticsMeasure;
}

/** One published cell: a key's count in one month. */
export interface PublishedStatisticsRow {
  /** `YYYY-MM`: the month counted (for `by=month`, the key itself). */
  readonly month: string;
  /** The month for `by=month`; else the key, or keys combined (`noise + scams`) so none can be singled out. */
  readonly key: string;
  readonly count: PublishedCount;
}

/** A published table. */
export interface PublishedStatistics {
  readonly from: string;
  /** The last month counted: `to` as asked, or the last month that is over when that is earlier. */
  readonly to: string;
  readonly by: StatisticsTable;
  readonly measure: StatisticsMeasure;
  /** Month by month, each month's rows exactly as that month alone publishes them. */
  readonly rows: readonly PublishedStatisticsRow[];
  /**
   * The window's total, only where it cannot be subtracted from another table to give a small count away: one
   * month of a table other than `by=month`, or for `by=month` a whole calendar year that is over and whose total
   * pins none of its small months. Otherwise null.
   */
  readonly total: PublishedCount | null;
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
 * The windows tables may cover: from one month to {@link MAX_STATISTICS_MONTHS}, `from` not after `to`, at least
 * one of them over. Only months that are over are counted, so a table never changes once its months are over.
 */
export function checkStatisticsWindow(query: Pick<StatisticsQuery, 'from' | 'to'>, now: Date): void {
  if (query.from > query.to) throw new StatisticsQueryInvalid('from must not be after to');
  if (monthsBetween(query.from, query.to).length > MAX_STATISTICS_MONTHS) {
    throw new StatisticsQueryInvalid(`A table covers at most ${MAX_STATISTICS_MONTHS} months`);
  }
  if (query.from >= firstUnpublishedMonth(now)) {
    throw new StatisticsQueryInvalid(
      `${query.from} is not over yet: its figures are published ${PUBLICATION_DELAY_DAYS} days after it is`,
    );
  }
}

/**
 * The table the query asks for, published month by month: each month of the window that is over is published
 * as that month alone would be, never summed with another. A sum over a window would let two overlapping windows
 * be subtracted (January to March less January to February is March, exactly, however small); cells that are
 * the same in every window they appear in give nothing away that the month alone did not.
 */
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
  const unpublished = firstUnpublishedMonth(now);
  const months = monthsBetween(query.from, query.to).filter((month) => month < unpublished);
  const counters = new Map((await deps.statistics.read(months)).map((month) => [month.month, month]));
  const rows: PublishedStatisticsRow[] = [];
  let total: PublishedCount | null;
  if (query.by === 'month') {
    const counts = months.map((month) => counters.get(month)?.counts['all']?.['all']?.[measure] ?? 0);
    rows.push(...months.map((month, i) => ({ month, key: month, count: published(counts[i] ?? 0) })));
    total =
      isWholeYear(months) && !smallCountsArePinned(counts.map((count) => ({ count })))
        ? published(counts.reduce((sum, n) => sum + n, 0))
        : null;
  } else {
    const keyOf = await publishedKeyOf(deps.referenceData, query.by);
    const alwaysListed = new Set<string>(query.by === 'outcome' ? CLOSURE_REASONS : []);
    total = null;
    for (const month of months) {
      const counts = new Map<string, number>([...alwaysListed].map((key) => [key, 0]));
      for (const [value, measures] of Object.entries(counters.get(month)?.counts[table.dimension] ?? {})) {
        const key = keyOf(value);
        counts.set(key, (counts.get(key) ?? 0) + (measures[measure] ?? 0));
      }
      const monthRows = publishTable(
        [...counts].map(([key, count]) => [key, count, alwaysListed.has(key)] as const),
      );
      rows.push(...monthRows.map((row) => ({ month, key: row.keys.join(' + '), count: row.count })));
      // One month's total is the by=month row of that month, published anyway; a window's would subtract.
      if (months.length === 1) total = published([...counts.values()].reduce((sum, n) => sum + n, 0));
    }
  }
  const counted = [...counters.values()];
  return {
    from: query.from,
    // The last month counted: a window reaching past last month is cut there.
    to: months.at(-1) ?? query.from,
    by: query.by,
    measure,
    rows,
    total,
    // Only over windows that never overlap (a month, a calendar year): two overlapping windows' medians
    // would tell on which side of them a month's few cases fell.
    ...(months.length === 1 || isWholeYear(months)
      ? {
          medianDaysToAcceptance: medianDays(sumHistograms(counted, 'daysToAcceptance')),
          medianDaysToClosure: medianDays(sumHistograms(counted, 'daysToClosure')),
        }
      : { medianDaysToAcceptance: null, medianDaysToClosure: null }),
  };
}

/** True for the twelve months of one calendar year, January to December. */
function isWholeYear(months: readonly string[]): boolean {
  return (
    months.length === 12 &&
    months[0]?.endsWith('-01') === true &&
    months[0].slice(0, 4) === months[11]?.slice(0, 4)
  );
}

/** What a category whose counts are folded together is published as: it is sensitive now. */
export const WITHHELD_KEY = 'withheld';

/**
 * The key a counter's value is published under. Only keys a month's counters hold are listed (no zero rows
 * from today's directory, which would change a month already published when a category or agency is added);
 * a category made sensitive since is folded into {@link WITHHELD_KEY}, so its name goes but the month still
 * adds up to its by=month row.
 */
async function publishedKeyOf(
  referenceData: Pick<ReferenceDataRepository, 'listCategories'>,
  by: Exclude<StatisticsTable, 'month'>,
): Promise<(value: string) => string> {
  if (by !== 'category') return (value) => value;
  const sensitive = new Set(
    (await referenceData.listCategories()).filter((category) => category.sensitive).map((c) => c.code),
  );
  return (value) => (sensitive.has(value) ? WITHHELD_KEY : value);
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
