/**
 * `GET /statistics/enquiries`: the partnership's open data. Counts of enquiries by month, category, postcode
 * sector, agency or outcome, published so nobody can be singled out (small counts as `<5`, rows combined where
 * a total would give one away; sensitive categories only as a whole-area monthly count), over 1 to 12 months,
 * as JSON or, with `Accept: text/csv`, as a CSV with one header row.
 */
import * as z from 'zod/mini';
import type { ReferenceDataRepository } from '../../domain/ports.ts';
import type { StatisticsStore } from '../../domain/statistics.ts';
import {
  firstUnpublishedMonth,
  publishEnquiryStatistics,
  STATISTICS_TABLES,
  StatisticsQueryInvalid,
} from '../../domain/use-cases/enquiry-statistics.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, type RouteDefinition } from '../define-route.ts';
import { documented, jsonResponse, problemResponses, titled } from '../openapi-parts.ts';
import { problem, sendProblem } from '../problem.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const Month = (example: string) =>
  documented(z.string().check(z.regex(MONTH, 'must be a month, YYYY-MM')), { examples: [example] });
const MEASURES = ['received', 'closed', 'sensitiveReceived', 'referred'] as const;

/** The CSV's columns for the table's medians, named as in the JSON (one header row, so no second section). */
const CSV_MEDIAN_COLUMNS = ['medianDaysToAcceptance', 'medianDaysToClosure'] as const;

const Count = () => z.union([z.number(), z.literal('<5')]);
const StatisticsSchema = () =>
  titled(
    'EnquiryStatistics',
    z.object({
      from: z.string(),
      to: z.string(),
      by: z.enum(Object.keys(STATISTICS_TABLES) as [keyof typeof STATISTICS_TABLES]),
      measure: z.enum(MEASURES),
      rows: documented(z.array(z.object({ month: z.string(), key: z.string(), count: Count() })), {
        description:
          'Month by month, each month exactly as that month alone is published. A key like "noise + scams" combines rows so that neither can be worked out.',
      }),
      total: documented(z.nullable(Count()), {
        description:
          "The window's total where no other table could be subtracted from it: one month of a table other than by=month, or for by=month a whole calendar year that is over. Otherwise null.",
      }),
      medianDaysToAcceptance: z.nullable(z.number()),
      medianDaysToClosure: z.nullable(z.number()),
    }),
  );

export function statisticsRoutes(deps: {
  readonly statistics: Pick<StatisticsStore, 'read'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'listCategories' | 'listAgencies'>;
  readonly clock: () => Date;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.enquiryStatistics,
      () => ({
        summary: 'Open data: counts of enquiries, with small numbers suppressed',
        description:
          '`by`: month (received, closed or sensitiveReceived), category, postcodeSector (received), agency (referred) or outcome (closed), over a window of 1 to 12 months (from=YYYY-MM&to=YYYY-MM; by default the last month published, or for `by=month` its calendar year). A month is published 2 days after it ends, once its last events are in; each month of the window that is published appears as that month alone would be (`to` in the answer is the last month counted), never summed with another: two overlapping sums could be subtracted. 0 to 4 is `<5`. `Accept: text/csv` for a CSV: one header row, a month column, the medians (over one month or one calendar year only, else null) in their own columns.',
        query: z.strictObject({
          from: z.optional(Month('2026-01')),
          to: z.optional(Month('2026-10')),
          by: z._default(z.enum(Object.keys(STATISTICS_TABLES) as [keyof typeof STATISTICS_TABLES]), 'month'),
          measure: z.optional(z.enum(MEASURES)),
        }),
        responses: {
          200: {
            ...jsonResponse('The table', StatisticsSchema()),
            alsoAs: {
              'text/csv': {
                description:
                  'The same table as CSV (`Accept: text/csv`): one header row; the month, then the key (except for by=month), the count, and the two medians of the whole window in their own columns, on every row (empty from fewer than 5 enquiries)',
                example: `month,category,received,${CSV_MEDIAN_COLUMNS.join(',')}\n2026-09,anti-social-behaviour,23,2,9\n2026-09,noise + scams,<5,2,9\n`,
              },
            },
          },
          ...problemResponses(422),
        },
      }),
      async (c, { query }) => {
        const now = deps.clock();
        const { from, to } = defaultWindow(query, now);
        let table: Awaited<ReturnType<typeof publishEnquiryStatistics>>;
        try {
          table = await publishEnquiryStatistics(
            deps,
            { from, to, by: query.by, measure: query.measure },
            now,
          );
        } catch (error) {
          if (!(error instanceof StatisticsQueryInvalid)) throw error;
          return sendProblem(
            c,
            problem('validation-failed', {
              detail: error.message,
              instance: c.req.path,
              errors: [{ field: 'from', message: error.message }],
            }),
          );
        }
        c.header('Cache-Control', 'public, max-age=300');
        // One URL, two formats: caches must keep them apart.
        c.header('Vary', 'Accept');
        if ((c.req.header('accept') ?? '').includes('text/csv')) {
          // Loaded on the first CSV asked for: most containers never write one.
          const { stringify } = await import('csv-stringify/sync');
          const medians = [table.medianDaysToAcceptance ?? '', table.medianDaysToClosure ?? ''];
          const keyed = table.by !== 'month';
          const csv = stringify([
            ['month', ...(keyed ? [table.by] : []), table.measure, ...CSV_MEDIAN_COLUMNS],
            ...table.rows.map((row) => [row.month, ...(keyed ? [row.key] : []), row.count, ...medians]),
          ]);
          c.header(
            'Content-Disposition',
            `attachment; filename="enquiries-by-${table.by}-${table.from}-${table.to}.csv"`,
          );
          return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
        }
        return c.json(table, 200);
      },
    ),
  ];
}

/**
 * Without from and to: the last month published, or for `by=month` the calendar year it falls in (so early in
 * January, last year: this year has no month published yet). One of them alone is both.
 */
function defaultWindow(
  query: { readonly from?: string; readonly to?: string; readonly by: string },
  now: Date,
): { from: string; to: string } {
  if (query.from || query.to) {
    const from = query.from ?? query.to ?? '';
    return { from, to: query.to ?? from };
  }
  const [year, month] = firstUnpublishedMonth(now).split('-').map(Number) as [number, number];
  const last = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  if (query.by === 'month') return { from: `${last.slice(0, 4)}-01`, to: `${last.slice(0, 4)}-12` };
  return { from: last, to: last };
}
