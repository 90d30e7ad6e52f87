/**
 * The partnership's organisations: anyone reads who they are and their membership history (never their
 * representatives' addresses); partnership admins add them, rename them, change their representatives and
 * record memberships starting and ending (If-Match, audited).
 */
import * as z from 'zod/mini';
import { ukDate } from '../../domain/dates.ts';
import { AUDITED, type Versioned } from '../../domain/directory.ts';
import { hasVotingRights, membershipOn, type Organisation, PARTNER_KINDS } from '../../domain/governance.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { paginate } from '../../domain/pagination.ts';
import type { Clock } from '../../domain/ports.ts';
import {
  addOrganisationMembership,
  createOrganisation,
  type DirectoryDeps,
  endOrganisationMembership,
  getOrganisation,
  updateOrganisation,
} from '../../domain/use-cases/directory.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  DirectoryIdParam,
  DirectoryIdSchema,
  MembershipSchema,
  RepresentativesSchema,
} from '../directory-schemas.ts';
import {
  documented,
  IfMatchHeader,
  IsoDateSchema,
  intBetween,
  jsonResponse,
  pageQuery,
  problemResponses,
  publicCache,
  singleLineText,
  withEtag,
} from '../openapi-parts.ts';
import { historyRoute } from './history.ts';

const MembershipViewSchema = lazily(() =>
  z.object({
    n: documented(z.int(), { description: 'Its number, 1 the oldest: POST …/memberships/{n}/end ends it' }),
    kind: z.enum(PARTNER_KINDS),
    startsOn: z.string(),
    endsOn: z.optional(documented(z.string(), { description: 'Its last day (included)' })),
  }),
);

const PublicOrganisationSchema = lazily(() =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      csuAgency: z.boolean(),
      currentKind: z.optional(z.enum(PARTNER_KINDS)),
      votingRights: documented(z.boolean(), {
        description: 'On the day asked about: statutory partners vote',
      }),
      memberships: z.array(MembershipViewSchema()),
      representatives: z.array(z.object({ name: z.string(), role: z.string() })),
    })
    .register(z.globalRegistry, { title: 'PublicOrganisation' }),
);

const OrganisationSchema = lazily(() =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      csuAgency: z.boolean(),
      memberships: z.array(MembershipViewSchema()),
      representatives: z.array(
        z.object({ id: z.string(), name: z.string(), role: z.string(), email: z.string() }),
      ),
    })
    .register(z.globalRegistry, { title: 'Organisation' }),
);

const memberships = (organisation: Organisation) =>
  organisation.memberships.map((membership, i) => ({ n: i + 1, ...membership }));

/** The staff view: everything, representatives' addresses included. */
const organisationView = ({ version: _version, ...organisation }: Versioned<Organisation>) => ({
  ...organisation,
  representatives: [...organisation.representatives],
  memberships: memberships(organisation),
});

/** The record and its ETag. */
const answer = (c: Parameters<typeof withEtag>[0], record: Versioned<Organisation>, status?: 200 | 201) =>
  withEtag(c, record, organisationView, status);

/** The public view on `on`: who they are and their history; representatives by name and role only. */
const publicView = (organisation: Organisation, on: string) => ({
  id: organisation.id,
  name: organisation.name,
  csuAgency: organisation.csuAgency,
  currentKind: membershipOn(organisation, on)?.kind,
  votingRights: hasVotingRights(organisation, on),
  memberships: memberships(organisation),
  representatives: organisation.representatives.map(({ name, role }) => ({ name, role })),
});

/** Answers with the organisation and its ETag. */

/** The organisation routes. */
export function organisationRoutes(
  deps: DirectoryDeps & { readonly governance: GovernanceRepository; readonly clock: Clock },
): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listOrganisations,
      () => ({
        summary:
          'Every organisation on record, past members too, with membership history and voting rights on a day',
        query: z.object({
          on: z.optional(
            documented(IsoDateSchema(), { description: 'Voting rights on this day (default today)' }),
          ),
          ...pageQuery(),
        }),
        responses: {
          200: jsonResponse(
            'A page of organisations',
            z
              .object({ organisations: z.array(PublicOrganisationSchema()), cursor: z.optional(z.string()) })
              .register(z.globalRegistry, { title: 'OrganisationPage' }),
          ),
          ...problemResponses(422),
        },
      }),
      async (c, { query }) => {
        const on = query.on ?? ukDate(deps.clock());
        const all = (await deps.governance.listOrganisations()).map((o) => publicView(o, on));
        const { page, cursor } = paginate(all, query);
        publicCache(c);
        return c.json({ organisations: page, cursor }, 200);
      },
    ),
    defineRoute(
      ROUTES.createOrganisation,
      () => ({
        summary: 'Add an organisation, optionally with its first membership',
        body: z.strictObject({
          id: z.optional(
            documented(DirectoryIdSchema(), {
              description: 'Made from the name when absent (Kent Police → kent-police)',
            }),
          ),
          name: singleLineText(150),
          csuAgency: z.optional(z.boolean()),
          representatives: z.optional(RepresentativesSchema()),
          membership: z.optional(MembershipSchema()),
        }),
        responses: {
          201: jsonResponse('Added (ETag for changes)', OrganisationSchema(), ['ETag', 'Location']),
          ...problemResponses(401, 403, 409, 422),
        },
      }),
      async (c, { body }) => {
        const organisation = await createOrganisation(deps, { principal: c.var.principal, ...body });
        c.header('Location', `/organisations/${organisation.id}`);
        return answer(c, organisation, 201);
      },
    ),
    defineRoute(
      ROUTES.getOrganisation,
      () => ({
        summary: 'One organisation as staff keep it, representatives’ addresses included (ETag for changes)',
        params: DirectoryIdParam(),
        responses: {
          200: jsonResponse('Organisation', OrganisationSchema(), ['ETag']),
          ...problemResponses(401, 403, 404, 422),
        },
      }),
      async (c, { params }) => answer(c, await getOrganisation(deps.directory, params.id)),
    ),
    defineRoute(
      ROUTES.updateOrganisation,
      () => ({
        summary: 'Rename an organisation, replace its representatives, or mark it a CSU agency (If-Match)',
        params: DirectoryIdParam(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          name: z.optional(singleLineText(150)),
          csuAgency: z.optional(z.boolean()),
          representatives: z.optional(RepresentativesSchema()),
        }),
        responses: {
          200: jsonResponse('Changed', OrganisationSchema()),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await updateOrganisation(deps, {
            principal: c.var.principal,
            id: params.id,
            ifMatch: headers['if-match'],
            ...body,
          }),
        ),
    ),
    defineRoute(
      ROUTES.addMembership,
      () => ({
        summary: 'Record a new membership, after the last one has ended (If-Match)',
        description:
          'Voting rights follow the membership in force on the day in question: a statutory membership from 2022-07-01 votes on a motion dated 2023, not on one dated 2022-06-01.',
        params: DirectoryIdParam(),
        headers: IfMatchHeader(),
        body: MembershipSchema(),
        responses: {
          201: jsonResponse('Recorded', OrganisationSchema()),
          ...problemResponses(401, 403, 404, 409, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await addOrganisationMembership(deps, {
            principal: c.var.principal,
            id: params.id,
            ifMatch: headers['if-match'],
            membership: body,
          }),
          201,
        ),
    ),
    defineRoute(
      ROUTES.endMembership,
      () => ({
        summary: 'End a membership on its last day (If-Match)',
        params: z.object({ id: DirectoryIdSchema(), n: intBetween(1, 50, 'query') }),
        headers: IfMatchHeader(),
        body: z.strictObject({
          endsOn: documented(IsoDateSchema(), { description: 'The last day of the membership (included)' }),
        }),
        responses: {
          200: jsonResponse('Ended', OrganisationSchema()),
          ...problemResponses(401, 403, 404, 409, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await endOrganisationMembership(deps, {
            principal: c.var.principal,
            id: params.id,
            n: params.n,
            ifMatch: headers['if-match'],
            endsOn: body.endsOn,
          }),
        ),
    ),
    historyRoute(
      ROUTES.organisationHistory,
      'an organisation',
      { params: DirectoryIdParam, entityOf: ({ id }) => AUDITED.organisation(id) },
      deps.governance,
    ),
  ];
}
