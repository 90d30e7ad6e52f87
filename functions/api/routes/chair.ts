/** The chair: who chairs this term and every term (public), and appointments (partnership-admin). */
import * as z from 'zod/mini';
import { ukDate } from '../../domain/dates.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import { chairHistory, currentChair } from '../../domain/use-cases/governance-reads.ts';
import { appointChair, etagOf } from '../../domain/use-cases/governance-writes.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  IfMatchHeader,
  jsonResponse,
  problemResponses,
  publicCache,
  singleLineText,
} from '../openapi-parts.ts';

const ChairTermSchema = lazily(() =>
  z
    .object({
      startsOn: z.string().register(z.globalRegistry, { examples: ['2026-04-01'] }),
      endsOn: z.string().register(z.globalRegistry, { examples: ['2027-04-01'] }),
      organisationId: z.string(),
      organisationName: z.string(),
      source: z.enum(['rotation', 'appointment']),
    })
    .register(z.globalRegistry, { title: 'ChairTerm' }),
);

const ChairHistorySchema = lazily(() =>
  z.object({ terms: z.array(ChairTermSchema()) }).register(z.globalRegistry, { title: 'ChairHistory' }),
);

/** The chair routes. */
export function chairRoutes(deps: {
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.currentChair,
      () => ({
        summary: 'The current chair term (ETag for appointments)',
        responses: {
          200: jsonResponse('Current term', ChairTermSchema(), ['ETag']),
          ...problemResponses(404, 500),
        },
      }),
      async (c) => {
        const { version, ...term } = await currentChair(deps.governance, ukDate(deps.clock()));
        // Staff send this back in If-Match to appoint a chair: a change since then is refused with 412.
        c.header('ETag', etagOf(version, term.startsOn));
        c.header('Cache-Control', 'no-cache');
        return c.json(term, 200);
      },
    ),
    defineRoute(
      ROUTES.chairHistory,
      () => ({
        summary: 'Every chair term, newest first',
        responses: { 200: jsonResponse('Terms', ChairHistorySchema()), ...problemResponses(500) },
      }),
      async (c) => {
        publicCache(c);
        const terms = (await chairHistory(deps.governance)).map(({ version: _version, ...term }) => term);
        return c.json({ terms }, 200);
      },
    ),
    defineRoute(
      ROUTES.appointChair,
      () => ({
        summary: 'Appoint or correct the chair of the current term (audited; If-Match required)',
        headers: IfMatchHeader(),
        body: z.strictObject({
          organisationId: z.string().check(z.maxLength(100)),
          reason: singleLineText(500),
        }),
        responses: {
          200: jsonResponse('The current term, changed', ChairTermSchema()),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { headers, body }) => {
        const { version, ...term } = await appointChair(deps, {
          principal: c.var.principal,
          ...body,
          ifMatch: headers['if-match'],
        });
        c.header('ETag', etagOf(version, term.startsOn));
        return c.json(term, 200);
      },
    ),
  ];
}
