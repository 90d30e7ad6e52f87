/**
 * `GET /statistics/enquiries`: the partnership's open data. Counts of enquiries by month, category, postcode
 * sector, agency or outcome, published so nobody can be singled out (small counts as `<5`, rows combined where
 * a total would give one away; sensitive categories only as a whole-area monthly count), as JSON or, with
 * `Accept: text/csv`, as a CSV with one header row.
 */
import * as z from 'zod/mini';
import type { ReferenceDataRepository } from '../../domain/ports.ts';
import { monthOf, type StatisticsStore } from '../../domain/statistics.ts';
import {
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

const Count = () => z.union([z.number(), z.literal('<5')]);
const StatisticsSchema = () =>
  titled(
    'EnquiryStatistics',
    z.object({
      from: z.string(),
      to: z.string(),
      by: z.enum(Object.keys(STATISTICS_TABLES) as [keyof typeof STATISTICS_TABLES]),
      measure: z.enum(MEASURES),
      rows: documented(z.array(z.object({ key: z.string(), count: Count() })), {
        description: 'A key like "noise + scams" combines rows so that neither can be worked out.',
      }),
      total: Count(),
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
          '`by`: month (received, closed or sensitiveReceived) over a calendar year (from=YYYY-01&to=YYYY-12, this year by default; only months that are over), or category, postcodeSector (received), agency (referred), outcome (closed) for one month that is over (from=to=YYYY-MM, last month by default). Fixed windows keep two tables from being subtracted. `Accept: text/csv` for a CSV.',
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
                description: 'The same table as CSV, one header row (`Accept: text/csv`)',
                example: 'category,received\nanti-social-behaviour,23\nnoise + scams,<5\n',
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
          const csv = stringify([
            [table.by, table.measure],
            ...table.rows.map((row) => [row.key, row.count]),
          ]);
          c.header(
            'Content-Disposition',
            `attachment; filename="enquiries-by-${table.by}-${from}-${to}.csv"`,
          );
          return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
        }
        return c.json(table, 200);
      },
    ),
  ];
}

/** Without from and to: this calendar year for `by=month`, last month for the other tables. */
function defaultWindow(
  query: { readonly from?: string; readonly to?: string; readonly by: string },
  now: Date,
): { from: string; to: string } {
  if (query.from || query.to) {
    const from = query.from ?? query.to ?? '';
    return { from, to: query.to ?? from };
  }
  const current = monthOf(now.toISOString());
  if (query.by === 'month') return { from: `${current.slice(0, 4)}-01`, to: `${current.slice(0, 4)}-12` };
  const [year, month] = current.split('-').map(Number) as [number, number];
  const last = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  return { from: last, to: last };
}
