/**
 * `GET /enquiries/{reference}/status`: the enquirer's own view, behind the token from their status link. A
 * browser gets a plain, accessible page; an API client gets JSON.
 */
import * as z from 'zod/mini';
import { CLOSURE_REASONS } from '../../domain/casework-vocabulary.ts';
import { ENQUIRY_STATUSES } from '../../domain/enquiry.ts';
import { ReferenceDataMissing } from '../../domain/errors.ts';
import type { EnquiryRepository, ReferenceDataRepository } from '../../domain/ports.ts';
import { getEnquiryStatus } from '../../domain/use-cases/get-enquiry-status.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { jsonResponse, problemResponses, titled } from '../openapi-parts.ts';
import { ReferenceParamSchema, StatusTokenQuerySchema } from '../schemas.ts';

const EnquiryStatusSchema = lazily(() =>
  titled(
    'EnquiryStatus',
    z.object({
      reference: z.string(),
      status: z.enum(ENQUIRY_STATUSES),
      statusDescription: z.string(),
      receivedAt: z.string(),
      updatedAt: z.string(),
      publicUpdates: z.array(z.object({ at: z.string(), message: z.string() })),
      closure: z.optional(z.object({ reason: z.enum(CLOSURE_REASONS), at: z.string(), outcome: z.string() })),
    }),
  ),
);

/** True when the client prefers HTML to JSON (a browser following the link in an email). */
function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const weight = (type: string) => {
    for (const part of accept.split(',')) {
      const [media = '', ...params] = part.trim().split(';');
      if (media.trim().toLowerCase() !== type) continue;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return q ? Number(q.slice(2)) || 0 : 1;
    }
    return 0;
  };
  const html = weight('text/html');
  return html > 0 && html >= weight('application/json');
}

/** The enquiry status route. */
export function enquiryStatusRoutes(deps: {
  readonly enquiries: Pick<EnquiryRepository, 'get'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'getPartnership'>;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.enquiryStatus,
      () => ({
        summary: "The enquirer's view of their enquiry: status, updates and outcome",
        description:
          'Answers text/html (an accessible page, no scripts) when the client prefers it, as a browser does, and JSON otherwise.',
        params: ReferenceParamSchema(),
        query: StatusTokenQuerySchema(),
        responses: {
          200: {
            ...jsonResponse('Status', EnquiryStatusSchema()),
            alsoAs: {
              'text/html': {
                description: 'The status page, for a browser (`Accept: text/html`)',
                example: '<!doctype html><html lang="en"><head><title>Your enquiry CSU-2026-000123</title>…',
              },
            },
          },
          ...problemResponses(404, 422, 500),
        },
      }),
      async (c, { params, query }) => {
        const view = await getEnquiryStatus(deps.enquiries, params.reference, query.token);
        c.header('Vary', 'Accept');
        if (!prefersHtml(c.req.header('accept'))) {
          c.header('Cache-Control', 'no-store');
          c.header('Referrer-Policy', 'no-referrer');
          return c.json(view, 200);
        }
        const [{ renderStatusPage, STATUS_PAGE_HEADERS }, partnership] = await Promise.all([
          // Loaded on the first page view: most requests to this function never render one.
          import('../status-page.ts'),
          deps.referenceData.getPartnership(),
        ]);
        if (!partnership) throw new ReferenceDataMissing('partnership record');
        for (const [name, value] of Object.entries(STATUS_PAGE_HEADERS)) c.header(name, value);
        return c.html(renderStatusPage({ ...view, partnership }), 200);
      },
    ),
  ];
}
