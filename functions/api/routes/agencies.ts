/**
 * The Community Safety Unit's agencies: anyone reads who they are (never their referral mailboxes); partnership
 * admins and CSU officers add them and change their name, mailbox, safeguarding clearance and whether they take
 * referrals (If-Match, audited). A new mailbox is used for referrals routed after the change.
 */
import * as z from 'zod/mini';
import { AUDITED, type Versioned } from '../../domain/directory.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Agency } from '../../domain/partnership.ts';
import type { ReferenceDataRepository } from '../../domain/ports.ts';
import {
  createAgency,
  type DirectoryDeps,
  getAgency,
  updateAgency,
} from '../../domain/use-cases/directory.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { AgencyFieldsSchema, DirectoryIdParam, DirectoryIdSchema } from '../directory-schemas.ts';
import {
  documented,
  IfMatchHeader,
  jsonResponse,
  problemResponses,
  publicCache,
  withEtag,
} from '../openapi-parts.ts';
import { historyRoute } from './history.ts';

const AgencySchema = lazily(() =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      email: documented(z.string(), { description: 'The referral mailbox' }),
      safeguarding: z.boolean(),
      active: z.boolean(),
    })
    .register(z.globalRegistry, { title: 'Agency' }),
);

const PublicAgencyListSchema = lazily(() =>
  z
    .object({
      agencies: z.array(z.object({ id: z.string(), name: z.string(), safeguarding: z.boolean() })),
    })
    .register(z.globalRegistry, { title: 'PublicAgencyList' }),
);

const agencyView = ({
  version: _version,
  routingChanges: _routingChanges,
  ...agency
}: Versioned<Agency> & { routingChanges?: number }) => ({
  ...agency,
  safeguarding: agency.safeguarding ?? false,
  active: agency.active !== false,
});

/** The record and its ETag. */
const answer = (c: Parameters<typeof withEtag>[0], record: Versioned<Agency>, status?: 200 | 201) =>
  withEtag(c, record, agencyView, status);

/** The agency routes. */
export function agencyRoutes(
  deps: DirectoryDeps & {
    readonly referenceData: Pick<ReferenceDataRepository, 'listAgencies'>;
    readonly governance: Pick<GovernanceRepository, 'listAudit'>;
  },
): RouteDefinition[] {
  const fields = () => AgencyFieldsSchema();
  return [
    defineRoute(
      ROUTES.listAgencies,
      () => ({
        summary:
          'The agencies of the Community Safety Unit that take referrals (mailboxes are not published)',
        responses: { 200: jsonResponse('Agencies', PublicAgencyListSchema()), ...problemResponses(500) },
      }),
      async (c) => {
        const agencies = (await deps.referenceData.listAgencies())
          .filter((agency) => agency.active !== false)
          .map(({ id, name, safeguarding }) => ({ id, name, safeguarding: safeguarding ?? false }));
        publicCache(c);
        return c.json({ agencies }, 200);
      },
    ),
    defineRoute(
      ROUTES.createAgency,
      () => ({
        summary: 'Add an agency; it receives referrals once a routing rule names it',
        body: z.strictObject({
          id: z.optional(documented(DirectoryIdSchema(), { description: 'Made from the name when absent' })),
          name: fields().name,
          email: fields().email,
          safeguarding: z.optional(fields().safeguarding),
        }),
        responses: {
          201: jsonResponse('Added (ETag for changes)', AgencySchema(), ['ETag', 'Location']),
          ...problemResponses(401, 403, 409, 422),
        },
      }),
      async (c, { body }) => {
        const agency = await createAgency(deps, { principal: c.var.principal, ...body });
        c.header('Location', `/agencies/${agency.id}`);
        return answer(c, agency, 201);
      },
    ),
    defineRoute(
      ROUTES.getAgency,
      () => ({
        summary: 'One agency with its referral mailbox (ETag for changes)',
        params: DirectoryIdParam(),
        responses: {
          200: jsonResponse('Agency', AgencySchema(), ['ETag']),
          ...problemResponses(401, 403, 404, 422),
        },
      }),
      async (c, { params }) => answer(c, await getAgency(deps.directory, params.id)),
    ),
    defineRoute(
      ROUTES.updateAgency,
      () => ({
        summary:
          'Change an agency’s name, referral mailbox, safeguarding clearance or whether it is active (If-Match)',
        description:
          'A new mailbox receives the referrals routed after the change; referrals already routed keep the address they were routed to (the email ledger and the audit record what was sent where). An agency a routing rule still names cannot be deactivated: 409 names the categories.',
        params: DirectoryIdParam(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          name: z.optional(fields().name),
          email: z.optional(fields().email),
          safeguarding: z.optional(fields().safeguarding),
          active: z.optional(documented(z.boolean(), { description: 'False: takes no more referrals' })),
        }),
        responses: {
          200: jsonResponse('Changed', AgencySchema()),
          ...problemResponses(401, 403, 404, 409, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await updateAgency(deps, {
            principal: c.var.principal,
            id: params.id,
            ifMatch: headers['if-match'],
            ...body,
          }),
        ),
    ),
    historyRoute(
      ROUTES.agencyHistory,
      'an agency',
      { params: DirectoryIdParam, entityOf: ({ id }) => AUDITED.agency(id) },
      deps.governance,
    ),
  ];
}
