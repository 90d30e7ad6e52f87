/** The partnership plan's yearly priorities: read by anyone, set and revised by partnership admins. */
import { z } from '@hono/zod-openapi';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import { etagOf, revisePriorities } from '../../domain/use-cases/governance-writes.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute, staffRoute } from '../define-route.ts';
import {
  IfMatchHeader,
  PlanYearSchema,
  problemResponses,
  publicCache,
  singleLineText,
} from '../openapi-parts.ts';

const PriorityListSchema = z
  .object({
    priorities: z.array(z.object({ planYear: z.string(), position: z.number().int(), title: z.string() })),
  })
  .openapi('PriorityList');

const PlanYearPrioritiesSchema = z
  .object({ planYear: z.string(), titles: z.array(z.string()), revisedOn: z.string() })
  .openapi('PlanYearPriorities');

const listPrioritiesRoute = publicRoute(ROUTES.listPriorities, {
  summary: 'The partnership plan’s yearly priorities',
  request: { query: z.object({ planYear: PlanYearSchema.optional() }) },
  responses: {
    200: {
      description: 'Priorities in order (with ETag when one planYear is asked for)',
      content: { 'application/json': { schema: PriorityListSchema } },
    },
    ...problemResponses(422, 500),
  },
});

const revisePrioritiesRoute = staffRoute(ROUTES.revisePriorities, {
  summary: 'Set or revise a plan year’s priorities (audited; If-Match when revising)',
  request: {
    params: z.object({ planYear: PlanYearSchema.openapi({ param: { name: 'planYear', in: 'path' } }) }),
    headers: IfMatchHeader,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ titles: z.array(singleLineText(300)).min(1).max(20) }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The plan year as saved',
      content: { 'application/json': { schema: PlanYearPrioritiesSchema } },
    },
    ...problemResponses(401, 403, 412, 422, 428),
  },
});

/** The priorities routes. */
export function priorityRoutes(deps: { readonly governance: GovernanceRepository; readonly clock: Clock }) {
  return createRouter()
    .openapi(listPrioritiesRoute, async (c) => {
      const { planYear } = c.req.valid('query');
      if (planYear) {
        // The ETag to send back when revising this year's priorities.
        const year = await deps.governance.getPlanYear(planYear);
        if (year) c.header('ETag', etagOf(year.version));
      }
      publicCache(c);
      return c.json({ priorities: await deps.governance.listPriorities(planYear) }, 200);
    })
    .openapi(revisePrioritiesRoute, async (c) => {
      const year = await revisePriorities(deps, {
        principal: c.var.principal,
        planYear: c.req.valid('param').planYear,
        titles: c.req.valid('json').titles,
        ifMatch: c.req.valid('header')['if-match'],
      });
      c.header('ETag', etagOf(year.version));
      return c.json({ planYear: year.planYear, titles: [...year.titles], revisedOn: year.revisedOn }, 200);
    });
}
