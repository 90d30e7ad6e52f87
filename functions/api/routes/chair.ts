/** The chair: who chairs this term (public), every term (public), and appointments (partnership-admin). */
import { z } from '@hono/zod-openapi';
import { ukDate } from '../../domain/dates.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import { chairHistory, currentChair } from '../../domain/use-cases/governance-reads.ts';
import { appointChair, etagOf } from '../../domain/use-cases/governance-writes.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute, staffRoute } from '../define-route.ts';
import { IfMatchHeader, problemResponses, publicCache, singleLineText } from '../openapi-parts.ts';

const ChairTermSchema = z
  .object({
    startsOn: z.string().openapi({ example: '2026-04-01' }),
    endsOn: z.string().openapi({ example: '2027-04-01' }),
    organisationId: z.string(),
    organisationName: z.string(),
    source: z.enum(['rotation', 'appointment']),
  })
  .openapi('ChairTerm');

const currentChairRoute = publicRoute(ROUTES.currentChair, {
  summary: 'The current chair term',
  responses: {
    200: { description: 'Current term', content: { 'application/json': { schema: ChairTermSchema } } },
    ...problemResponses(404, 500),
  },
});

const chairHistoryRoute = publicRoute(ROUTES.chairHistory, {
  summary: 'Every chair term, newest first',
  responses: {
    200: {
      description: 'Terms',
      content: { 'application/json': { schema: z.object({ terms: z.array(ChairTermSchema) }) } },
    },
    ...problemResponses(500),
  },
});

const appointChairRoute = staffRoute(ROUTES.appointChair, {
  summary: 'Appoint or correct the chair of the current term (audited)',
  request: {
    headers: IfMatchHeader,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ organisationId: z.string().max(100), reason: singleLineText(500) }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The current term, changed',
      content: { 'application/json': { schema: ChairTermSchema } },
    },
    ...problemResponses(401, 403, 412, 422, 428),
  },
});

/** The chair routes. */
export function chairRoutes(deps: { readonly governance: GovernanceRepository; readonly clock: Clock }) {
  return createRouter()
    .openapi(currentChairRoute, async (c) => {
      const { version, ...term } = await currentChair(deps.governance, ukDate(deps.clock()));
      // Staff send this back in If-Match to appoint a chair: a change since then is refused with 412.
      c.header('ETag', etagOf(version, term.startsOn));
      c.header('Cache-Control', 'no-cache');
      return c.json(term, 200);
    })
    .openapi(chairHistoryRoute, async (c) => {
      publicCache(c);
      const terms = (await chairHistory(deps.governance)).map(({ version: _version, ...term }) => term);
      return c.json({ terms }, 200);
    })
    .openapi(appointChairRoute, async (c) => {
      const { version, ...term } = await appointChair(deps, {
        principal: c.var.principal,
        ...c.req.valid('json'),
        ifMatch: c.req.valid('header')['if-match'],
      });
      c.header('ETag', etagOf(version, term.startsOn));
      return c.json(term, 200);
    });
}
