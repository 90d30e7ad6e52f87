/** `GET /partners`: the partnership's members, with voting rights derived from their membership. */
import * as z from 'zod/mini';
import { ukDate } from '../../domain/dates.ts';
import { PARTNER_KINDS } from '../../domain/governance.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import { listPartners } from '../../domain/use-cases/governance-reads.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { IsoDateSchema, jsonResponse, pageQuery, problemResponses, publicCache } from '../openapi-parts.ts';

const PartnerSchema = lazily(() =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(PARTNER_KINDS),
      votingRights: z
        .boolean()
        .register(z.globalRegistry, { description: 'Derived: statutory partners vote.' }),
      csuAgency: z.boolean(),
      memberSince: z.string(),
      representatives: z.array(z.object({ name: z.string(), role: z.string() })),
    })
    .register(z.globalRegistry, { title: 'Partner' }),
);

const PartnerPageSchema = lazily(() =>
  z
    .object({ partners: z.array(PartnerSchema()), cursor: z.optional(z.string()) })
    .register(z.globalRegistry, { title: 'PartnerPage' }),
);

/** The partner list route. */
export function partnerRoutes(deps: {
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listPartners,
      () => ({
        summary: 'Current partners, optionally of one kind, with derived voting rights',
        query: z.object({
          kind: z.optional(z.enum(PARTNER_KINDS)),
          on: z
            .optional(IsoDateSchema())
            .register(z.globalRegistry, { description: 'Membership on this day (default today)' }),
          ...pageQuery(),
        }),
        responses: {
          200: jsonResponse('A page of partners', PartnerPageSchema()),
          ...problemResponses(422, 500),
        },
      }),
      async (c, { query }) => {
        const page = await listPartners(deps.governance, { ...query, on: query.on ?? ukDate(deps.clock()) });
        publicCache(c);
        return c.json(page, 200);
      },
    ),
  ];
}
