/**
 * The counts behind the partnership's open data, kept as they happen: each event about an enquiry becomes at
 * most one fact (received, referred to an agency, first accepted, first closed), and each fact adds to monthly
 * counters by dimension. Facts are recorded once however often an event is delivered. What is counted carries
 * no personal data: categories, postcode sectors, agencies, outcomes and whole days.
 */
import type { ClosureReason } from './casework-vocabulary.ts';
import { ukDate } from './dates.ts';
import { postcodeSector } from './retention.ts';

/** What the counting needs of an enquiry (read without its personal data). */
export interface EnquiryOutline {
  readonly reference: string;
  readonly category: string;
  readonly sensitive: boolean;
  readonly receivedAt: string;
  readonly postcode?: string;
}

/** Something that happened to an enquiry, as the statistics count it. */
export type StatisticsEvent =
  | { readonly kind: 'received' }
  | { readonly kind: 'referred'; readonly agencyId: string; readonly at: string }
  | { readonly kind: 'accepted'; readonly at: string }
  | { readonly kind: 'closed'; readonly at: string; readonly reason?: ClosureReason | string };

/** The dimensions published; `all` is the whole area. */
export const STATISTICS_DIMENSIONS = ['all', 'category', 'postcodeSector', 'agency', 'outcome'] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

/** What a counter counts. */
export type StatisticsMeasure = 'received' | 'sensitiveReceived' | 'referred' | 'closed';

/** One addition to a monthly counter: to a dimension's value, or to a histogram of whole days. */
export type StatisticsIncrement =
  | {
      readonly dimension: StatisticsDimension;
      readonly value: string;
      readonly measure: StatisticsMeasure;
    }
  | { readonly histogram: 'daysToAcceptance' | 'daysToClosure'; readonly days: number };

/** A fact about one enquiry, counted once: `id` is unique per enquiry. */
export interface StatisticsFact {
  readonly reference: string;
  readonly id: string;
  /** `YYYY-MM` (UK time) of the counters it adds to. */
  readonly month: string;
  readonly increments: readonly StatisticsIncrement[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UK month of an instant: `2026-05-31T23:30:00Z` (00:30 on 1 June in London) → `2026-06`. */
export function monthOf(iso: string): string {
  return ukDate(new Date(iso)).slice(0, 7);
}

/**
 * The fact `event` adds for `enquiry`, in the month it happened (so a month's tables are final once it is over;
 * only a receipt is its enquiry's month). Sensitive categories are counted only at whole-area level: a month's
 * `sensitiveReceived`, and in the days histograms; never by category, sector, agency or outcome.
 */
export function statisticsFactOf(enquiry: EnquiryOutline, event: StatisticsEvent): StatisticsFact {
  const reference = enquiry.reference;
  const detailed = !enquiry.sensitive;
  const wholeDays = (at: string) =>
    Math.max(0, Math.floor((Date.parse(at) - Date.parse(enquiry.receivedAt)) / DAY_MS));
  switch (event.kind) {
    case 'received':
      return {
        reference,
        id: 'received',
        month: monthOf(enquiry.receivedAt),
        increments: detailed
          ? [
              { dimension: 'all', value: 'all', measure: 'received' },
              { dimension: 'category', value: enquiry.category, measure: 'received' },
              {
                dimension: 'postcodeSector',
                value: postcodeSector(enquiry.postcode) ?? 'unknown',
                measure: 'received',
              },
            ]
          : [{ dimension: 'all', value: 'all', measure: 'sensitiveReceived' }],
      };
    case 'referred':
      return {
        reference,
        id: `referred#${event.agencyId}`,
        // The month it was referred, not received: a later referral must not change a table already published.
        month: monthOf(event.at),
        increments: detailed ? [{ dimension: 'agency', value: event.agencyId, measure: 'referred' }] : [],
      };
    case 'accepted':
      return {
        reference,
        id: 'accepted',
        month: monthOf(event.at),
        increments: [{ histogram: 'daysToAcceptance', days: wholeDays(event.at) }],
      };
    case 'closed':
      return {
        reference,
        id: 'closed',
        month: monthOf(event.at),
        increments: [
          ...(detailed
            ? [
                { dimension: 'all', value: 'all', measure: 'closed' } as const,
                { dimension: 'outcome', value: event.reason ?? 'unknown', measure: 'closed' } as const,
              ]
            : []),
          { histogram: 'daysToClosure', days: wholeDays(event.at) },
        ],
      };
  }
}

/** A month's counters as stored: `counts[dimension][value][measure]` and the two day histograms. */
export interface MonthCounters {
  readonly month: string;
  readonly counts: Readonly<
    Record<string, Readonly<Record<string, Readonly<Partial<Record<StatisticsMeasure, number>>>>>>
  >;
  readonly histograms: Readonly<
    Record<'daysToAcceptance' | 'daysToClosure', Readonly<Record<number, number>>>
  >;
}

/** Where facts are recorded and counters read. */
export interface StatisticsStore {
  /** Adds the fact's increments unless that fact was recorded before; true when it was added now. */
  record(fact: StatisticsFact): Promise<boolean>;
  /** The counters of each month asked for (empty months included). */
  read(months: readonly string[]): Promise<MonthCounters[]>;
}
