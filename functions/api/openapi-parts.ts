/** Pieces every route module shares: problem responses, If-Match, plan years, dates, paging, text, metadata. */
import * as z from 'zod/mini';
import { etagOf } from '../domain/use-cases/governance-writes.ts';
import { lazily, type ResponseDoc } from './define-route.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { multiLineText, singleLineText } from './text-rules.ts';

/** What the OpenAPI document says about a schema besides its type. */
export interface SchemaDocs {
  readonly description?: string;
  readonly examples?: readonly unknown[];
}

/** `schema`, documented: its description and examples appear in the OpenAPI document. */
export function documented<T extends z.ZodMiniType>(schema: T, docs: SchemaDocs): T {
  z.globalRegistry.add(schema, { ...docs, examples: docs.examples && [...docs.examples] });
  return schema;
}

/** `schema`, named: a body or response of this schema is a named component of the OpenAPI document. */
export function titled<T extends z.ZodMiniType>(title: string, schema: T): T {
  z.globalRegistry.add(schema, { title });
  return schema;
}

/**
 * Documented responses for problem statuses (RFC 9457): each the shared `Problem` component, described and
 * exemplified by the document (./openapi-document.ts) from its status.
 */
export const problemResponses = (...statuses: number[]): Record<number, ResponseDoc> =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Problem details (RFC 9457)', contentType: PROBLEM_CONTENT_TYPE },
    ]),
  );

/** A JSON response of `schema`, with the headers a client acts on that it carries. */
export const jsonResponse = (
  description: string,
  schema?: z.ZodMiniType,
  headers?: ResponseDoc['headers'],
): ResponseDoc => ({ description, schema, ...(headers ? { headers } : {}) });

/** The If-Match header of conditional updates. */
export const IfMatchHeader = lazily(() =>
  z.object({ 'if-match': z.optional(documented(z.string(), { description: 'The ETag you read' })) }),
);

/** A plan year such as `2021-22`. */
export const PlanYearSchema = lazily(() =>
  documented(
    z.string().check(
      z.regex(/^\d{4}-\d{2}$/, 'must be a plan year such as 2021-22'),
      // 2021-22, never 2021-23: a plan year is two consecutive years.
      z.refine(
        (s: string) => (Number(s.slice(0, 4)) + 1) % 100 === Number(s.slice(5)),
        'must be two consecutive years, e.g. 2021-22',
      ),
    ),
    { examples: ['2026-27'] },
  ),
);

/** A calendar date (YYYY-MM-DD). */
export const IsoDateSchema = lazily(() => documented(z.iso.date(), { examples: ['2026-11-26'] }));

/** A record id (a UUID) in the path. */
export const IdParam = lazily(() => z.object({ id: z.uuid() }));

/** An integer from `min` to `max`, given as a number (JSON bodies) or a numeric string (query strings). */
export const intBetween = (min: number, max: number, from: 'json' | 'query' = 'json') =>
  from === 'query'
    ? // One schema, not a pipe, so the document shows the bounds: a whole number is a multiple of 1.
      z.coerce.number().check(z.multipleOf(1, 'must be a whole number'), z.gte(min), z.lte(max))
    : z.int().check(z.gte(min), z.lte(max));

/** `limit` and `cursor` of every paginated list. */
export const pageQuery = () => ({
  limit: z._default(intBetween(1, 100, 'query'), 50),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

/** Free text of 1 to `max` characters (line breaks allowed), by the API's one set of text rules. */
export const boundedText = multiLineText;

/** One line of 1 to `max` characters, by the API's one set of text rules. */
export { singleLineText };

/** Published records change rarely: browsers and CDNs may keep them five minutes. */
export const publicCache = (c: { header: (name: string, value: string) => void }) =>
  c.header('Cache-Control', 'public, max-age=300');

/** A record's audit trail: every change, who made it and when, before and after, newest first. */
export const AuditTrailSchema = lazily(() =>
  z
    .object({
      entries: z.array(
        z.object({
          entity: z.string(),
          action: z.string(),
          actor: z.string(),
          at: z.string(),
          before: z.unknown(),
          after: z.unknown(),
        }),
      ),
    })
    .register(z.globalRegistry, { title: 'AuditTrail' }),
);

/** Answers with a versioned record's view and its ETag (a create's 201, a read's or change's 200). */
export function withEtag<T extends { version: number }>(
  c: { header: (name: string, value: string) => void; json: (body: unknown, status: 200 | 201) => Response },
  record: T,
  view: (record: T) => unknown,
  status: 200 | 201 = 200,
): Response {
  c.header('ETag', etagOf(record.version));
  return c.json(view(record), status);
}
