/** The partnership plan's yearly priorities: read by anyone, set and revised by partnership admins. */
import * as z from 'zod/mini';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import { etagOf, revisePriorities } from '../../domain/use-cases/governance-writes.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  IfMatchHeader,
  jsonResponse,
  PlanYearSchema,
  problemResponses,
  publicCache,
  singleLineText,
} from '../openapi-parts.ts';

const PriorityListSchema = lazily(() =>
  z
    .object({
      priorities: z.array(z.object({ planYear: z.string(), position: z.int(), title: z.string() })),
    })
    .register(z.globalRegistry, { title: 'PriorityList' }),
);

const PlanYearPrioritiesSchema = lazily(() =>
  z
    .object({ planYear: z.string(), titles: z.array(z.string()), revisedOn: z.string() })
    .register(z.globalRegistry, { title: 'PlanYearPriorities' }),
);

/** The priorities routes. */
export function priorityRoutes(deps: {
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listPriorities,
      () => ({
        summary: 'The partnership plan’s yearly priorities (ETag when one planYear is asked for)',
        query: z.object({ planYear: z.optional(PlanYearSchema()) }),
        responses: {
          200: jsonResponse('Priorities in order', PriorityListSchema(), ['ETag']),
          ...problemResponses(422, 500),
        },
      }),
      async (c, { query }) => {
        if (query.planYear) {
          // The ETag to send back when revising this year's priorities.
          const year = await deps.governance.getPlanYear(query.planYear);
          if (year) c.header('ETag', etagOf(year.version));
        }
        publicCache(c);
        return c.json({ priorities: await deps.governance.listPriorities(query.planYear) }, 200);
      },
    ),
    defineRoute(
      ROUTES.revisePriorities,
      () => ({
        summary: 'Set or revise a plan year’s priorities (audited; If-Match when revising)',
        params: z.object({ planYear: PlanYearSchema() }),
        headers: IfMatchHeader(),
        body: z.strictObject({ titles: z.array(singleLineText(300)).check(z.minLength(1), z.maxLength(20)) }),
        responses: {
          200: jsonResponse('The plan year as saved', PlanYearPrioritiesSchema()),
          ...problemResponses(401, 403, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) => {
        const year = await revisePriorities(deps, {
          principal: c.var.principal,
          planYear: params.planYear,
          titles: body.titles,
          ifMatch: headers['if-match'],
        });
        c.header('ETag', etagOf(year.version));
        return c.json({ planYear: year.planYear, titles: [...year.titles], revisedOn: year.revisedOn }, 200);
      },
    ),
  ];
}
