/**
 * The partnership's public profile: who it is, how to reach the CSU, urgent numbers, meetings, who holds each
 * responsible-authority role and how the chair rotates. Partnership admins change it (If-Match, audited).
 */
import * as z from 'zod/mini';
import { AUDITED } from '../../domain/directory.ts';
import { PARTNERSHIP_ROLES } from '../../domain/governance.ts';
import {
  type GovernanceRepository,
  MEETING_FREQUENCIES,
  type PartnershipProfile,
} from '../../domain/governance-ports.ts';
import { type DirectoryDeps, getProfile, updateProfile } from '../../domain/use-cases/directory.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { DirectoryIdSchema, ProfileFieldsSchema } from '../directory-schemas.ts';
import { documented, IfMatchHeader, jsonResponse, problemResponses } from '../openapi-parts.ts';
import { historyRoute } from './history.ts';

const PartnershipSchema = lazily(() =>
  z
    .object({
      name: z.string(),
      area: z.string(),
      description: z.string(),
      csuName: z.string(),
      csuMailbox: documented(z.string(), { description: 'The Community Safety Unit’s shared mailbox' }),
      urgentPhone: z.string(),
      urgentPhoneHours: z.string(),
      privacyNoticeUrl: z.optional(z.string()),
      licence: z.object({
        name: z.string(),
        identifier: z.optional(z.string()),
        url: z.optional(z.string()),
      }),
      quorum: z.int(),
      meetingPattern: z.array(z.object({ meeting: z.string(), frequency: z.enum(MEETING_FREQUENCIES) })),
      roles: z.array(
        z.object({
          role: z.enum(PARTNERSHIP_ROLES),
          organisation: z.object({ id: z.string(), name: z.string() }),
        }),
      ),
      chairRotation: z.object({
        roles: z.array(z.enum(PARTNERSHIP_ROLES)),
        organisations: documented(z.array(z.object({ id: z.string(), name: z.string() })), {
          description: 'Who holds those roles today, in rotation order',
        }),
        termStarts: documented(z.string(), { description: 'Month and day each term starts (MM-DD)' }),
        cycle: z.literal('yearly'),
      }),
    })
    .register(z.globalRegistry, { title: 'Partnership' }),
);

/** The partnership profile routes. */
export function partnershipRoutes(
  deps: DirectoryDeps & { readonly governance: GovernanceRepository },
): RouteDefinition[] {
  const view = async (profile: PartnershipProfile) => {
    const names = new Map((await deps.governance.listOrganisations()).map((o) => [o.id, o.name]));
    const holder = (id: string) => ({ id, name: names.get(id) ?? id });
    const { chairPolicy } = profile;
    const pad = (n: number) => String(n).padStart(2, '0');
    return {
      name: profile.name,
      area: profile.area,
      description: profile.description,
      csuName: profile.csuName,
      csuMailbox: profile.csuMailbox,
      urgentPhone: profile.urgentPhone,
      urgentPhoneHours: profile.urgentPhoneHours,
      privacyNoticeUrl: profile.privacyNoticeUrl,
      licence: profile.licence,
      quorum: profile.quorum,
      meetingPattern: [...profile.meetingPattern],
      roles: PARTNERSHIP_ROLES.flatMap((role) => {
        const id = profile.roles[role];
        return id ? [{ role, organisation: holder(id) }] : [];
      }),
      chairRotation: {
        roles: [...chairPolicy.roles],
        organisations: chairPolicy.roles.flatMap((role) => {
          const id = profile.roles[role];
          return id ? [holder(id)] : [];
        }),
        termStarts: `${pad(chairPolicy.termStartMonth)}-${pad(chairPolicy.termStartDay)}`,
        cycle: 'yearly' as const,
      },
    };
  };
  const fields = () => ProfileFieldsSchema();
  return [
    defineRoute(
      ROUTES.partnership,
      () => ({
        summary:
          'The partnership: name, area, CSU contact, urgent number, meetings, roles and how the chair rotates',
        responses: {
          200: jsonResponse('Profile (ETag for changes)', PartnershipSchema(), ['ETag']),
          ...problemResponses(404, 500),
        },
      }),
      async (c) => {
        const profile = await getProfile(deps.directory);
        c.header('ETag', etagOf(profile.version));
        // Short: an admin who just changed it reads it back with the new ETag.
        c.header('Cache-Control', 'public, max-age=60');
        return c.json(await view(profile), 200);
      },
    ),
    defineRoute(
      ROUTES.updatePartnership,
      () => ({
        summary:
          'Change the profile: CSU name and mailbox, urgent numbers and hours, privacy notice, licence, meetings, roles (If-Match)',
        description:
          'Only the fields sent change. `roles` hands a responsible-authority role to another organisation (null: nobody); the chair keeps alternating between the roles of `chairPolicy`, whoever holds them. `privacyNoticeUrl: null` removes the link.',
        headers: IfMatchHeader(),
        body: z.strictObject({
          name: z.optional(fields().name),
          area: z.optional(fields().area),
          description: z.optional(fields().description),
          csuName: z.optional(fields().csuName),
          csuMailbox: z.optional(fields().csuMailbox),
          urgentPhone: z.optional(fields().urgentPhone),
          urgentPhoneHours: z.optional(fields().urgentPhoneHours),
          privacyNoticeUrl: z.optional(z.nullable(fields().privacyNoticeUrl)),
          licence: z.optional(fields().licence),
          quorum: z.optional(fields().quorum),
          meetingPattern: z.optional(fields().meetingPattern),
          chairPolicy: z.optional(fields().chairPolicy),
          roles: z.optional(z.partialRecord(z.enum(PARTNERSHIP_ROLES), z.nullable(DirectoryIdSchema()))),
        }),
        responses: {
          200: jsonResponse('Changed', PartnershipSchema()),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { headers, body }) => {
        const profile = await updateProfile(
          { ...deps, organisations: () => deps.governance.listOrganisations() },
          { principal: c.var.principal, changes: body, ifMatch: headers['if-match'] },
        );
        c.header('ETag', etagOf(profile.version));
        return c.json(await view(profile), 200);
      },
    ),
    historyRoute(
      ROUTES.partnershipHistory,
      'the profile',
      { entityOf: AUDITED.partnership },
      deps.governance,
    ),
  ];
}
