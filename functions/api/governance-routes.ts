/** Public reads of the partnership's governance records: profile, partners, chair, priorities. */

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ukDate } from '../domain/dates.ts';
import { PARTNER_KINDS } from '../domain/governance.ts';
import type { GovernanceRepository } from '../domain/governance-ports.ts';
import type { Clock } from '../domain/ports.ts';
import {
  chairHistory,
  currentChair,
  listPartners,
  partnershipProfile,
} from '../domain/use-cases/governance-reads.ts';
import { etagOf } from '../domain/use-cases/governance-writes.ts';
import { IsoDateSchema, PlanYearSchema, pageQuery, problemResponses } from './openapi-parts.ts';

const ChairTermSchema = z
  .object({
    startsOn: z.string().openapi({ example: '2026-04-01' }),
    endsOn: z.string().openapi({ example: '2027-04-01' }),
    organisationId: z.string(),
    organisationName: z.string(),
    source: z.enum(['rotation', 'appointment']),
  })
  .openapi('ChairTerm');

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

const partnershipRoute = createRoute({
  method: 'get',
  path: '/partnership',
  summary: 'The partnership: name, area, urgent number and how the chair rotates',
  responses: {
    200: {
      description: 'Profile',
      content: {
        'application/json': {
          schema: z
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
            .openapi('Partnership'),
        },
      },
    },
    ...problemResponses(500),
  },
});

const partnersRoute = createRoute({
  method: 'get',
  path: '/partners',
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

const chairRoute = createRoute({
  method: 'get',
  path: '/chair',
  summary: 'The current chair term',
  responses: {
    200: { description: 'Current term', content: { 'application/json': { schema: ChairTermSchema } } },
    ...problemResponses(404, 500),
  },
});

const chairHistoryRoute = createRoute({
  method: 'get',
  path: '/chair/history',
  summary: 'Every chair term, newest first',
  responses: {
    200: {
      description: 'Terms',
      content: { 'application/json': { schema: z.object({ terms: z.array(ChairTermSchema) }) } },
    },
    ...problemResponses(500),
  },
});

const prioritiesRoute = createRoute({
  method: 'get',
  path: '/priorities',
  summary: 'The partnership plan’s yearly priorities',
  request: {
    query: z.object({
      planYear: PlanYearSchema.optional(),
    }),
  },
  responses: {
    200: {
      description: 'Priorities in order',
      content: {
        'application/json': {
          schema: z.object({
            priorities: z.array(
              z.object({ planYear: z.string(), position: z.number().int(), title: z.string() }),
            ),
          }),
        },
      },
    },
    ...problemResponses(422, 500),
  },
});

/** Adds the governance reads to `app`. */
export function registerGovernanceRoutes(
  // biome-ignore lint/suspicious/noExplicitAny: the app's Env type belongs to app.ts
  app: OpenAPIHono<any>,
  deps: { governance: GovernanceRepository; clock: Clock },
): void {
  const today = () => ukDate(deps.clock());
  const publicCache = (c: { header: (name: string, value: string) => void }) =>
    c.header('Cache-Control', 'public, max-age=300');

  app.openapi(partnershipRoute, async (c) => {
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

  app.openapi(partnersRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await listPartners(deps.governance, { ...query, on: query.on ?? today() });
    publicCache(c);
    return c.json(page, 200);
  });

  app.openapi(chairRoute, async (c) => {
    const { version, ...term } = await currentChair(deps.governance, today());
    // Staff send this back in If-Match to appoint a chair: a change since then is refused with 412.
    c.header('ETag', etagOf(version, term.startsOn));
    c.header('Cache-Control', 'no-cache');
    return c.json(term, 200);
  });

  app.openapi(chairHistoryRoute, async (c) => {
    publicCache(c);
    const terms = (await chairHistory(deps.governance)).map(({ version: _version, ...term }) => term);
    return c.json({ terms }, 200);
  });

  app.openapi(prioritiesRoute, async (c) => {
    const { planYear } = c.req.valid('query');
    if (planYear) {
      // The ETag to send back when revising this year's priorities.
      const year = await deps.governance.getPlanYear(planYear);
      if (year) c.header('ETag', etagOf(year.version));
    }
    publicCache(c);
    return c.json({ priorities: await deps.governance.listPriorities(planYear) }, 200);
  });
}
