/** `GET /partners`: the partnership's members, with voting rights derived from their membership. */
import { z } from '@hono/zod-openapi';
import { ukDate } from '../../domain/dates.ts';
import { PARTNER_KINDS } from '../../domain/governance.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import { listPartners } from '../../domain/use-cases/governance-reads.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute } from '../define-route.ts';
import { IsoDateSchema, pageQuery, problemResponses, publicCache } from '../openapi-parts.ts';

const PartnerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(PARTNER_KINDS),
    votingRights: z.boolean().openapi({ description: 'Derived: statutory partners vote.' }),
    csuAgency: z.boolean(),
    memberSince: z.string(),
    representatives: z.array(z.object({ name: z.string(), role: z.string() })),
  })
  .openapi('Partner');

const listPartnersRoute = publicRoute(ROUTES.listPartners, {
  summary: 'Current partners, optionally of one kind, with derived voting rights',
  request: {
    query: z.object({
      kind: z.enum(PARTNER_KINDS).optional(),
      on: IsoDateSchema.optional().openapi({ description: 'Membership on this day (default today)' }),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      description: 'A page of partners',
      content: {
        'application/json': {
          schema: z.object({ partners: z.array(PartnerSchema), cursor: z.string().optional() }),
        },
      },
    },
    ...problemResponses(422, 500),
  },
});

/** The partner list route. */
export function partnerRoutes(deps: { readonly governance: GovernanceRepository; readonly clock: Clock }) {
  return createRouter().openapi(listPartnersRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await listPartners(deps.governance, { ...query, on: query.on ?? ukDate(deps.clock()) });
    publicCache(c);
    return c.json(page, 200);
  });
}
