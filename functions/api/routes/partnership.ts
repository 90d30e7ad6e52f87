/** `GET /partnership`: the partnership's public profile. */
import * as z from 'zod/mini';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { partnershipProfile } from '../../domain/use-cases/governance-reads.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { jsonResponse, problemResponses, publicCache } from '../openapi-parts.ts';

const PartnershipSchema = lazily(() =>
  z
    .object({
      name: z.string(),
      area: z.string(),
      description: z.string(),
      csuName: z.string(),
      urgentPhone: z.string(),
      urgentPhoneHours: z.string(),
      privacyNoticeUrl: z.optional(z.string()),
      quorum: z.int(),
      chairRotation: z.object({
        organisations: z.array(z.object({ id: z.string(), name: z.string() })),
        termStarts: z
          .string()
          .register(z.globalRegistry, { description: 'Month and day each term starts (MM-DD)' }),
        cycle: z.literal('yearly'),
      }),
    })
    .register(z.globalRegistry, { title: 'Partnership' }),
);

/** The partnership profile route. */
export function partnershipRoutes(deps: { readonly governance: GovernanceRepository }): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.partnership,
      () => ({
        summary: 'The partnership: name, area, urgent number and how the chair rotates',
        responses: { 200: jsonResponse('Profile', PartnershipSchema()), ...problemResponses(500) },
      }),
      async (c) => {
        const [profile, organisations] = await Promise.all([
          partnershipProfile(deps.governance),
          deps.governance.listOrganisations(),
        ]);
        const names = new Map(organisations.map((o) => [o.id, o.name]));
        const { chairRotation } = profile;
        const pad = (n: number) => String(n).padStart(2, '0');
        publicCache(c);
        return c.json(
          {
            name: profile.name,
            area: profile.area,
            description: profile.description,
            csuName: profile.csuName,
            urgentPhone: profile.urgentPhone,
            urgentPhoneHours: profile.urgentPhoneHours,
            privacyNoticeUrl: profile.privacyNoticeUrl,
            quorum: profile.quorum,
            chairRotation: {
              organisations: chairRotation.organisationIds.map((id) => ({ id, name: names.get(id) ?? id })),
              termStarts: `${pad(chairRotation.termStartMonth)}-${pad(chairRotation.termStartDay)}`,
              cycle: 'yearly',
            },
          },
          200,
        );
      },
    ),
  ];
}
