/** `GET /partnership`: the partnership's public profile. */
import { z } from '@hono/zod-openapi';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { partnershipProfile } from '../../domain/use-cases/governance-reads.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute } from '../define-route.ts';
import { problemResponses, publicCache } from '../openapi-parts.ts';

const PartnershipSchema = z
  .object({
    name: z.string(),
    area: z.string(),
    description: z.string(),
    csuName: z.string(),
    urgentPhone: z.string(),
    urgentPhoneHours: z.string(),
    quorum: z.number().int(),
    chairRotation: z.object({
      organisations: z.array(z.object({ id: z.string(), name: z.string() })),
      termStarts: z.string().openapi({ description: 'Month and day each term starts (MM-DD)' }),
      cycle: z.literal('yearly'),
    }),
  })
  .openapi('Partnership');

const partnershipRoute = publicRoute(ROUTES.partnership, {
  summary: 'The partnership: name, area, urgent number and how the chair rotates',
  responses: {
    200: { description: 'Profile', content: { 'application/json': { schema: PartnershipSchema } } },
    ...problemResponses(500),
  },
});

/** The partnership profile route. */
export function partnershipRoutes(deps: { readonly governance: GovernanceRepository }) {
  return createRouter().openapi(partnershipRoute, async (c) => {
    const [profile, organisations] = await Promise.all([
      partnershipProfile(deps.governance),
      deps.governance.listOrganisations(),
    ]);
    const names = new Map(organisations.map((o) => [o.id, o.name]));
    const { chairRotation } = profile;
    publicCache(c);
    return c.json(
      {
        name: profile.name,
        area: profile.area,
        description: profile.description,
        csuName: profile.csuName,
        urgentPhone: profile.urgentPhone,
        urgentPhoneHours: profile.urgentPhoneHours,
        quorum: profile.quorum,
        chairRotation: {
          organisations: chairRotation.organisationIds.map((id) => ({ id, name: names.get(id) ?? id })),
          termStarts: `${String(chairRotation.termStartMonth).padStart(2, '0')}-${String(chairRotation.termStartDay).padStart(2, '0')}`,
          cycle: 'yearly' as const,
        },
      },
      200,
    );
  });
}
