/**
 * What the partnership publishes: documents (the strategic assessment, the plan, the rolling action plan,
 * minutes) with their links and sizes, and the three-year partnership plan with its priorities per year.
 * Anyone reads them; partnership admins record them (audited; a plan is revised with If-Match).
 */
import * as z from 'zod/mini';
import type { Clock } from '../../domain/ports.ts';
import { DOCUMENT_KINDS, type RecordsRepository } from '../../domain/records.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { recordDocument, savePlan } from '../../domain/use-cases/records.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { DocumentFieldsSchema, PlanFieldsSchema } from '../directory-schemas.ts';
import { documented, IfMatchHeader, jsonResponse, problemResponses, publicCache } from '../openapi-parts.ts';

const DocumentSchema = lazily(() =>
  z
    .object({
      id: z.string(),
      title: z.string(),
      kind: z.enum(DOCUMENT_KINDS),
      url: z.string(),
      sizeBytes: z.optional(z.int()),
      mediaType: z.optional(z.string()),
      publishedOn: z.string(),
    })
    .register(z.globalRegistry, { title: 'PublishedDocument' }),
);

const PlanSchema = lazily(() =>
  z
    .object({
      period: z.string(),
      title: z.string(),
      years: z.array(z.object({ planYear: z.string(), priorities: z.array(z.string()) })),
      documentId: z.optional(z.string()),
      adoptedOn: z.string(),
      version: documented(z.int(), { description: 'Send it back as If-Match ("3") to revise the plan' }),
    })
    .register(z.globalRegistry, { title: 'PartnershipPlan' }),
);

/** The document and plan routes. */
export function documentRoutes(deps: {
  readonly records: RecordsRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listDocuments,
      () => ({
        summary: 'Documents the partnership publishes, newest first, with links and sizes',
        query: z.object({ kind: z.optional(z.enum(DOCUMENT_KINDS)) }),
        responses: {
          200: jsonResponse(
            'Documents',
            z
              .object({ documents: z.array(DocumentSchema()) })
              .register(z.globalRegistry, { title: 'DocumentList' }),
          ),
          ...problemResponses(422),
        },
      }),
      async (c, { query }) => {
        const documents = (await deps.records.listDocuments()).filter(
          (d) => !query.kind || d.kind === query.kind,
        );
        publicCache(c);
        return c.json({ documents }, 200);
      },
    ),
    defineRoute(
      ROUTES.recordDocument,
      () => ({
        summary: 'Record a published document: its title, kind, link, size and publication date',
        body: z.strictObject(DocumentFieldsSchema()),
        responses: { 201: jsonResponse('Recorded', DocumentSchema()), ...problemResponses(401, 403, 422) },
      }),
      async (c, { body }) => c.json(await recordDocument(deps, { principal: c.var.principal, ...body }), 201),
    ),
    defineRoute(
      ROUTES.listPlans,
      () => ({
        summary: 'The partnership plans (three-year), newest first, with the priorities each sets per year',
        responses: {
          200: jsonResponse(
            'Plans',
            z.object({ plans: z.array(PlanSchema()) }).register(z.globalRegistry, { title: 'PlanList' }),
          ),
          ...problemResponses(500),
        },
      }),
      async (c) => {
        publicCache(c);
        return c.json({ plans: await deps.records.listPlans() }, 200);
      },
    ),
    defineRoute(
      ROUTES.savePlan,
      () => ({
        summary: 'Adopt a partnership plan, or revise one (If-Match with its version)',
        description:
          'Its `years` are the plan years of its `period`, in order: 2021-24 gives 2021-22, 2022-23 and 2023-24.',
        headers: IfMatchHeader(),
        body: z.strictObject(PlanFieldsSchema()),
        responses: {
          201: jsonResponse('Adopted or revised', PlanSchema(), ['ETag']),
          ...problemResponses(401, 403, 412, 422),
        },
      }),
      async (c, { headers, body }) => {
        const plan = await savePlan(deps, {
          principal: c.var.principal,
          plan: body,
          ifMatch: headers['if-match'],
        });
        c.header('ETag', etagOf(plan.version));
        return c.json(plan, 201);
      },
    ),
  ];
}
