/** The routing table: which CSU agencies receive each category's enquiries (CSU officers, audited). */
import { z } from '@hono/zod-openapi';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock, ReferenceDataRepository } from '../../domain/ports.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { getRouting, routingHistory, updateRouting } from '../../domain/use-cases/update-routing.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, staffRoute } from '../define-route.ts';
import { IfMatchHeader, problemResponses } from '../openapi-parts.ts';

const CategoryParam = z.object({
  category: z
    .string()
    .max(64)
    .regex(/^[a-z0-9-]+$/)
    .openapi({ param: { name: 'category', in: 'path' } }),
});

const RoutingSchema = z
  .object({ category: z.string(), agencyIds: z.array(z.string()) })
  .openapi('RoutingRule');

const AuditEntrySchema = z
  .object({
    entity: z.string(),
    action: z.string(),
    actor: z.string(),
    at: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry');

const getRoutingRoute = staffRoute(ROUTES.getRouting, {
  summary: 'Which CSU agencies receive enquiries of a category (ETag for updates)',
  request: { params: CategoryParam },
  responses: {
    200: { description: 'Rule', content: { 'application/json': { schema: RoutingSchema } } },
    ...problemResponses(401, 403, 404),
  },
});

const updateRoutingRoute = staffRoute(ROUTES.updateRouting, {
  summary: 'Change which agencies receive a category (audited; If-Match required)',
  request: {
    params: CategoryParam,
    headers: IfMatchHeader,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ agencyIds: z.array(z.string().max(100)).max(50) }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: RoutingSchema } } },
    ...problemResponses(401, 403, 404, 412, 422, 428),
  },
});

const routingHistoryRoute = staffRoute(ROUTES.routingHistory, {
  summary: 'Every change to a category’s routing: who, when, before and after',
  request: { params: CategoryParam },
  responses: {
    200: {
      description: 'Audit entries, newest first',
      content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema) }) } },
    },
    ...problemResponses(401, 403),
  },
});

/** The routing table routes. Reads go to the table itself, never a cache: staff see what is stored. */
export function routingRoutes(deps: {
  readonly referenceData: ReferenceDataRepository;
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}) {
  return createRouter()
    .openapi(getRoutingRoute, async (c) => {
      const { version, category, agencyIds } = await getRouting(
        deps.referenceData,
        c.req.valid('param').category,
      );
      c.header('ETag', etagOf(version));
      c.header('Cache-Control', 'no-store');
      return c.json({ category, agencyIds: [...agencyIds] }, 200);
    })
    .openapi(updateRoutingRoute, async (c) => {
      const { version, category, agencyIds } = await updateRouting(deps, {
        principal: c.var.principal,
        category: c.req.valid('param').category,
        agencyIds: c.req.valid('json').agencyIds,
        ifMatch: c.req.valid('header')['if-match'],
      });
      c.header('ETag', etagOf(version));
      return c.json({ category, agencyIds: [...agencyIds] }, 200);
    })
    .openapi(routingHistoryRoute, async (c) =>
      c.json({ entries: await routingHistory(deps.governance, c.req.valid('param').category) }, 200),
    );
}
