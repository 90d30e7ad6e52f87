/**
 * Schemas of the directory's records as staff write them: the API's directory routes and the partnership file
 * (scripts/seed/partnership-file.ts) both validate with these, so a seeded record is one the API would accept.
 */
import * as z from 'zod/mini';
import { DIRECTORY_ID_MAX_LENGTH, DIRECTORY_ID_PATTERN } from '../domain/directory.ts';
import { PARTNER_KINDS, PARTNERSHIP_ROLES } from '../domain/governance.ts';
import { MEETING_FREQUENCIES } from '../domain/governance-ports.ts';
import { DOCUMENT_KINDS } from '../domain/records.ts';
import { lazily } from './define-route.ts';
import { documented, IsoDateSchema, intBetween, PlanYearSchema } from './openapi-parts.ts';
import { EmailSchema } from './schemas.ts';
import { multiLineText, singleLineText } from './text-rules.ts';

/** An organisation or agency id, or a category code: `kent-police`. */
export const DirectoryIdSchema = lazily(() =>
  documented(
    z
      .string()
      .check(
        z.maxLength(DIRECTORY_ID_MAX_LENGTH),
        z.regex(DIRECTORY_ID_PATTERN, 'must be lower-case letters and digits joined by single hyphens'),
      ),
    { examples: ['kent-police'] },
  ),
);

/** The `{id}` of an organisation's or agency's path. */
export const DirectoryIdParam = lazily(() => z.object({ id: DirectoryIdSchema() }));

/** A link to something the partnership publishes: https only. */
export const HttpsUrlSchema = lazily(() =>
  documented(z.pipe(singleLineText(2000), z.url({ protocol: /^https$/, error: 'must be an https:// URL' })), {
    examples: ['https://www.ashford.gov.uk/media/rolling-action-plan.pdf'],
  }),
);

/** A work mailbox: an agency's referral address, the CSU's, a representative's. */
export const MailboxSchema = EmailSchema;

/** A telephone number as published, e.g. `01233 331111`. */
export const PublishedPhoneSchema = lazily(() =>
  documented(
    z.pipe(
      singleLineText(30),
      z
        .string()
        .check(
          z.regex(/^\+?[0-9 ()-]{6,30}$/, 'must be a telephone number (digits, spaces, +, -, brackets)'),
        ),
    ),
    { examples: ['01233 331111'] },
  ),
);

export const RepresentativeInputSchema = lazily(() =>
  z.strictObject({
    name: singleLineText(150),
    role: singleLineText(100),
    email: documented(MailboxSchema(), {
      description: 'Their work address: staff see it, public reads never do.',
    }),
  }),
);

export const RepresentativesSchema = lazily(() =>
  z.array(RepresentativeInputSchema()).check(z.maxLength(20)),
);

export const MembershipSchema = lazily(() =>
  z.strictObject({
    kind: z.enum(PARTNER_KINDS),
    startsOn: IsoDateSchema(),
    endsOn: z.optional(
      documented(IsoDateSchema(), {
        description: 'The last day of the membership (included); absent while open',
      }),
    ),
  }),
);

export const AgencyFieldsSchema = lazily(() => ({
  name: singleLineText(150),
  email: documented(MailboxSchema(), { description: 'The referral mailbox: each referral email goes here' }),
  safeguarding: documented(z.boolean(), {
    description:
      'Cleared for safeguarding cases: only these agencies receive enquiries in sensitive categories',
  }),
}));

export const CategoryFieldsSchema = lazily(() => ({
  title: singleLineText(100),
  description: multiLineText(1000),
  sensitive: documented(z.boolean(), {
    description:
      'Routed only to safeguarding agencies; its referral emails carry no personal data, category or description',
  }),
  position: documented(intBetween(0, 1000), { description: 'Place on the form, lower first' }),
}));

export const MeetingPatternSchema = lazily(() =>
  z
    .array(z.strictObject({ meeting: singleLineText(100), frequency: z.enum(MEETING_FREQUENCIES) }))
    .check(z.maxLength(10)),
);

export const RolesSchema = lazily(() =>
  documented(z.partialRecord(z.enum(PARTNERSHIP_ROLES), DirectoryIdSchema()), {
    description:
      'Which organisation holds each responsible-authority role (Crime and Disorder Act 1998, s. 5)',
  }),
);

export const ChairPolicySchema = lazily(() =>
  z.strictObject({
    roles: z.array(z.enum(PARTNERSHIP_ROLES)).check(
      z.minLength(1),
      z.maxLength(PARTNERSHIP_ROLES.length),
      z.refine(
        (roles: readonly string[]) => new Set(roles).size === roles.length,
        'must name each role once',
      ),
    ),
    termStartMonth: intBetween(1, 12),
    termStartDay: intBetween(1, 28),
    anchor: z.strictObject({ startYear: intBetween(1998, 2200), role: z.enum(PARTNERSHIP_ROLES) }),
  }),
);

/** The licence of what the partnership publishes: by SPDX identifier or by URL, as OpenAPI's `info.license`. */
export const LicenceSchema = lazily(() =>
  documented(
    z
      .strictObject({
        name: singleLineText(100),
        identifier: z.optional(
          documented(z.string().check(z.regex(/^[A-Za-z0-9.+-]{1,64}$/, 'must be an SPDX identifier')), {
            examples: ['OGL-UK-3.0'],
          }),
        ),
        url: z.optional(HttpsUrlSchema()),
      })
      .check(
        z.refine((licence) => !(licence.identifier && licence.url), {
          message: 'give an identifier or a url, not both',
          path: ['url'],
        }),
      ),
    {
      description: 'The licence of what the partnership publishes (the API document’s `info.license`)',
      examples: [{ name: 'Open Government Licence v3.0', identifier: 'OGL-UK-3.0' }],
    },
  ),
);

/** Every field of the profile `PATCH /partnership` may set (each optional there). */
export const ProfileFieldsSchema = lazily(() => ({
  name: singleLineText(150),
  area: singleLineText(150),
  description: multiLineText(2000),
  csuName: singleLineText(150),
  csuMailbox: documented(MailboxSchema(), {
    description: 'The CSU’s shared mailbox: copied on every enquiry',
  }),
  urgentPhone: PublishedPhoneSchema(),
  urgentPhoneHours: documented(singleLineText(100), { examples: ['weekends'] }),
  privacyNoticeUrl: HttpsUrlSchema(),
  licence: LicenceSchema(),
  quorum: intBetween(1, 50),
  meetingPattern: MeetingPatternSchema(),
  chairPolicy: ChairPolicySchema(),
}));

export const DocumentFieldsSchema = lazily(() => ({
  title: singleLineText(200),
  kind: z.enum(DOCUMENT_KINDS),
  url: HttpsUrlSchema(),
  sizeBytes: z.optional(z.int().check(z.gte(1), z.lte(2_000_000_000))),
  mediaType: z.optional(
    documented(
      z
        .string()
        .check(
          z.maxLength(100),
          z.regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'must be a media type such as application/pdf'),
        ),
      { examples: ['application/pdf'] },
    ),
  ),
  publishedOn: IsoDateSchema(),
}));

export const PlanFieldsSchema = lazily(() => ({
  period: documented(z.string().check(z.regex(/^\d{4}-\d{2}$/, 'must be a period such as 2021-24')), {
    description: 'First year and the year the last plan year ends, e.g. 2021-24 for 2021-22 to 2023-24',
    examples: ['2024-27'],
  }),
  title: singleLineText(200),
  years: z
    .array(
      z.strictObject({
        planYear: PlanYearSchema(),
        priorities: z.array(singleLineText(300)).check(z.minLength(1), z.maxLength(20)),
      }),
    )
    .check(z.minLength(1), z.maxLength(5)),
  documentId: z.optional(DirectoryIdSchema()),
  adoptedOn: IsoDateSchema(),
}));

export const AssessmentFieldsSchema = lazily(() => ({
  planYear: PlanYearSchema(),
  publishedOn: IsoDateSchema(),
  summary: multiLineText(4000),
  findings: z.array(singleLineText(500)).check(z.maxLength(50)),
  documentUrl: z.optional(HttpsUrlSchema()),
  documentId: z.optional(DirectoryIdSchema()),
}));
