/** Pieces every route module shares: problem responses, If-Match, plan years, dates, paging, text. */
import * as z from 'zod';
import { lazily, type ResponseDoc } from './define-route.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { ProblemSchema } from './schemas.ts';

/** Documented responses for problem statuses (RFC 9457). */
export const problemResponses = (...statuses: number[]): Record<number, ResponseDoc> =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details (RFC 9457)',
        schema: ProblemSchema(),
        contentType: PROBLEM_CONTENT_TYPE,
      },
    ]),
  );

/** A JSON response of `schema`. */
export const jsonResponse = (description: string, schema?: z.ZodType): ResponseDoc => ({
  description,
  schema,
});

/** The If-Match header of conditional updates. */
export const IfMatchHeader = lazily(() =>
  z.object({
    'if-match': z.string().optional().meta({ description: 'The ETag you read' }),
  }),
);

/** A plan year such as `2021-22`. */
export const PlanYearSchema = lazily(() =>
  z.string().regex(/^\d{4}-\d{2}$/, 'must be a plan year such as 2021-22'),
);

/** A calendar date (YYYY-MM-DD). */
export const IsoDateSchema = lazily(() => z.iso.date().meta({ examples: ['2026-11-26'] }));

/** A record id (a UUID) in the path. */
export const IdParam = lazily(() => z.object({ id: z.uuid() }));

/** `limit` and `cursor` of every paginated list. */
export const pageQuery = () => ({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** Free text of 1 to `max` characters that is valid Unicode (line breaks allowed). */
export const boundedText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.isWellFormed(), 'must be valid Unicode text');

/** One line of 1 to `max` characters: valid Unicode without control characters. */
export const singleLineText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    .refine((s) => s.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(s), 'must be a single line of text');

/** Published records change rarely: browsers and CDNs may keep them five minutes. */
export const publicCache = (c: { header: (name: string, value: string) => void }) =>
  c.header('Cache-Control', 'public, max-age=300');
