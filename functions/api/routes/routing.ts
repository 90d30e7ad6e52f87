/** The routing table: which CSU agencies receive each category's enquiries (CSU officers, audited). */
import * as z from 'zod/mini';
import { targetsFor } from '../../domain/casework.ts';
import { AUDITED } from '../../domain/directory.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock, ReferenceDataRepository, VersionedRoutingRule } from '../../domain/ports.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { getRouting, updateRouting } from '../../domain/use-cases/update-routing.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { documented, IfMatchHeader, intBetween, jsonResponse, problemResponses } from '../openapi-parts.ts';
import { historyRoute } from './history.ts';

const CategoryParam = lazily(() =>
  z.object({
    category: z.string().check(z.maxLength(64), z.regex(/^[a-z0-9-]+$/)),
  }),
);

const TargetsSchema = lazily(() =>
  z.object({
    acceptWithinWorkingDays: intBetween(1, 30),
    closeWithinWorkingDays: intBetween(1, 250),
  }),
);

const RoutingSchema = lazily(() =>
  z
    .object({
      category: z.string(),
      agencyIds: z.array(z.string()),
      targets: documented(TargetsSchema(), {
        description:
          'Response-time targets in working days (England and Wales): the category’s own, or the default for its sensitivity',
      }),
      targetsAreDefault: z.boolean(),
    })
    .register(z.globalRegistry, { title: 'RoutingRule' }),
);

/** The routing table routes. They read the table itself, never a cache: staff see what is stored. */
export function routingRoutes(deps: {
  readonly referenceData: ReferenceDataRepository;
  /** Categories' sensitivity decides their default targets. */
  readonly cachedReferenceData: Pick<ReferenceDataRepository, 'getCategory'>;
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  const routingView = async (rule: VersionedRoutingRule) => {
    const category = await deps.cachedReferenceData.getCategory(rule.category);
    return {
      category: rule.category,
      agencyIds: [...rule.agencyIds],
      targets: targetsFor(category?.sensitive ?? true, rule.targets),
      targetsAreDefault: rule.targets === undefined,
    };
  };
  return [
    defineRoute(
      ROUTES.getRouting,
      () => ({
        summary: 'Which CSU agencies receive enquiries of a category (ETag for updates)',
        params: CategoryParam(),
        responses: {
          200: jsonResponse('Rule', RoutingSchema(), ['ETag']),
          ...problemResponses(401, 403, 404),
        },
      }),
      async (c, { params }) => {
        const rule = await getRouting(deps.referenceData, params.category);
        c.header('ETag', etagOf(rule.version));
        c.header('Cache-Control', 'no-store');
        return c.json(await routingView(rule), 200);
      },
    ),
    defineRoute(
      ROUTES.updateRouting,
      () => ({
        summary:
          'Change which agencies receive a category, and its response-time targets (audited; If-Match required)',
        params: CategoryParam(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          agencyIds: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(50)),
          targets: z.optional(TargetsSchema()),
        }),
        responses: {
          200: jsonResponse('Changed', RoutingSchema()),
          // 409: an agency the rule names was deactivated at the same moment (RecordConflict).
          ...problemResponses(401, 403, 404, 409, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) => {
        const rule = await updateRouting(deps, {
          principal: c.var.principal,
          category: params.category,
          agencyIds: body.agencyIds,
          targets: body.targets,
          ifMatch: headers['if-match'],
        });
        c.header('ETag', etagOf(rule.version));
        return c.json(await routingView(rule), 200);
      },
    ),
    historyRoute(
      ROUTES.routingHistory,
      'a category’s routing',
      { params: CategoryParam, entityOf: ({ category }) => AUDITED.routing(category) },
      deps.governance,
    ),
  ];
}
