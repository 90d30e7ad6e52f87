/**
 * A partnership as data: one JSON file holds everything a deployment serves (profile, roles and chair policy,
 * organisations with their dated memberships, agencies, categories, routing, priorities, assessments, plans and
 * published documents). Each record is validated by the same schema the API validates it with, and the file as
 * a whole by the cross-checks below (every reference resolves, memberships never overlap).
 */
import { readFileSync } from 'node:fs';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import {
  AgencyFieldsSchema,
  AssessmentFieldsSchema,
  CategoryFieldsSchema,
  DirectoryIdSchema,
  DocumentFieldsSchema,
  MembershipSchema,
  PlanFieldsSchema,
  ProfileFieldsSchema,
  RepresentativesSchema,
  RolesSchema,
} from '../../functions/api/directory-schemas.ts';
import { PlanYearSchema } from '../../functions/api/openapi-parts.ts';
import { singleLineText } from '../../functions/api/text-rules.ts';
import type { FieldViolation } from '../../functions/domain/errors.ts';
import type { Organisation } from '../../functions/domain/governance.ts';
import type { PartnershipProfile } from '../../functions/domain/governance-ports.ts';
import {
  type Agency,
  type EnquiryCategory,
  OPEN_GOVERNMENT_LICENCE,
  type Partnership,
  type RoutingRule,
} from '../../functions/domain/partnership.ts';
import { planYearsOf, type StrategicAssessment } from '../../functions/domain/records.ts';

// A person editing the file reads these messages: English, not zod's bare "Invalid input".
z.config(en());

const TargetsSchema = () =>
  z.strictObject({
    acceptWithinWorkingDays: z.int().check(z.gte(1), z.lte(30)),
    closeWithinWorkingDays: z.int().check(z.gte(1), z.lte(250)),
  });

/** The schema of a partnership file. */
export const PartnershipFileSchema = () => {
  const { privacyNoticeUrl, licence, ...profile } = ProfileFieldsSchema();
  return z.strictObject({
    /** Where this file's content comes from, for whoever edits it next. */
    $comment: z.optional(z.string()),
    id: DirectoryIdSchema(),
    profile: z.strictObject({
      ...profile,
      privacyNoticeUrl: z.optional(privacyNoticeUrl),
      // UK public sector information is published under the OGL unless the partnership says otherwise.
      licence: z._default(licence, { ...OPEN_GOVERNMENT_LICENCE }),
    }),
    roles: RolesSchema(),
    organisations: z
      .array(
        z.strictObject({
          id: DirectoryIdSchema(),
          name: singleLineText(150),
          csuAgency: z._default(z.boolean(), false),
          memberships: z.array(MembershipSchema()).check(z.maxLength(50)),
          representatives: z._default(RepresentativesSchema(), []),
        }),
      )
      .check(z.minLength(1)),
    agencies: z.array(
      z.strictObject({
        id: DirectoryIdSchema(),
        ...AgencyFieldsSchema(),
        active: z._default(z.boolean(), true),
      }),
    ),
    categories: z
      .array(
        z.strictObject({
          code: DirectoryIdSchema(),
          ...(({ position: _position, ...fields }) => fields)(CategoryFieldsSchema()),
          retired: z._default(z.boolean(), false),
        }),
      )
      .check(z.minLength(1)),
    routing: z.array(
      z.strictObject({
        category: DirectoryIdSchema(),
        agencyIds: z.array(DirectoryIdSchema()),
        targets: z.optional(TargetsSchema()),
      }),
    ),
    priorities: z._default(
      z.array(
        z.strictObject({
          planYear: PlanYearSchema(),
          titles: z.array(singleLineText(300)).check(z.minLength(1)),
        }),
      ),
      [],
    ),
    assessments: z._default(z.array(z.strictObject(AssessmentFieldsSchema())), []),
    documents: z._default(
      z.array(z.strictObject({ id: DirectoryIdSchema(), ...DocumentFieldsSchema() })),
      [],
    ),
    plans: z._default(z.array(z.strictObject(PlanFieldsSchema())), []),
  });
};

export type PartnershipFile = z.output<ReturnType<typeof PartnershipFileSchema>>;

/** A partnership file that does not hold together, with every problem found. */
export class InvalidPartnershipFile extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly FieldViolation[],
  ) {
    super(
      problems.length === 1 && problems[0]!.field === ''
        ? `${source} ${problems[0]!.message}`
        : `${source} is not a valid partnership file:\n${problems.map((p) => `  ${p.field || '(file)'}: ${p.message}`).join('\n')}`,
    );
    this.name = 'InvalidPartnershipFile';
  }
}

/** Parses and checks a partnership file's content. @throws InvalidPartnershipFile listing every problem. */
export function parsePartnershipFile(content: unknown, source = 'partnership file'): PartnershipFile {
  const parsed = PartnershipFileSchema().safeParse(content);
  if (!parsed.success) {
    throw new InvalidPartnershipFile(
      source,
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new InvalidPartnershipFile(source, problems);
  return parsed.data;
}

/** Reads, parses and checks the partnership file at `path`. */
export function loadPartnershipFile(path: string): PartnershipFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidPartnershipFile(path, [
      { field: '', message: `cannot be read (${(error as Error).message})` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidPartnershipFile(path, [
      { field: '', message: `is not JSON (${(error as Error).message})` },
    ]);
  }
  return parsePartnershipFile(json, path);
}

/** What the schema alone cannot see: references, duplicates and the order of memberships. */
function crossCheck(file: PartnershipFile): FieldViolation[] {
  const problems: FieldViolation[] = [];
  // Each list's records by what names them: a name used twice would make one record overwrite another.
  const namedLists: [string, readonly string[]][] = [
    ['organisations', file.organisations.map((o) => o.id)],
    ['agencies', file.agencies.map((a) => a.id)],
    ['categories', file.categories.map((c) => c.code)],
    ['routing', file.routing.map((r) => r.category)],
    ['documents', file.documents.map((d) => d.id)],
    ['priorities', file.priorities.map((p) => p.planYear)],
    ['plans', file.plans.map((p) => p.period)],
  ];
  for (const [field, names] of namedLists) {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (seen.has(name)) problems.push({ field: `${field}.${i}`, message: `${name} appears twice` });
      seen.add(name);
    });
  }

  const organisations = new Set(file.organisations.map((o) => o.id));
  const agencies = new Map(file.agencies.map((a) => [a.id, a]));
  const categories = new Map(file.categories.map((c) => [c.code, c]));
  const documents = new Set(file.documents.map((d) => d.id));

  for (const [role, holder] of Object.entries(file.roles)) {
    if (holder && !organisations.has(holder)) {
      problems.push({ field: `roles.${role}`, message: `${holder} is not one of organisations` });
    }
  }
  const { chairPolicy } = file.profile;
  if (!chairPolicy.roles.includes(chairPolicy.anchor.role)) {
    problems.push({ field: 'profile.chairPolicy.anchor.role', message: 'must be one of chairPolicy.roles' });
  }
  if (!file.roles[chairPolicy.anchor.role]) {
    problems.push({
      field: 'roles',
      message: `nobody holds ${chairPolicy.anchor.role}, where the chair rotation starts`,
    });
  }
  file.organisations.forEach((organisation, i) => {
    organisation.memberships.forEach((membership, j) => {
      const field = `organisations.${i}.memberships.${j}`;
      if (membership.endsOn !== undefined && membership.endsOn < membership.startsOn) {
        problems.push({ field: `${field}.endsOn`, message: 'is before startsOn' });
      }
      const previous = organisation.memberships[j - 1];
      if (previous && (previous.endsOn === undefined || membership.startsOn <= previous.endsOn)) {
        problems.push({
          field: `${field}.startsOn`,
          message: 'overlaps the membership before it (oldest first)',
        });
      }
    });
  });
  file.routing.forEach((rule, i) => {
    const category = categories.get(rule.category);
    if (!category)
      problems.push({ field: `routing.${i}.category`, message: `${rule.category} is not one of categories` });
    rule.agencyIds.forEach((id, j) => {
      const agency = agencies.get(id);
      if (!agency)
        problems.push({ field: `routing.${i}.agencyIds.${j}`, message: `${id} is not one of agencies` });
      else if (!agency.active)
        problems.push({ field: `routing.${i}.agencyIds.${j}`, message: `${id} is not active` });
      else if (category?.sensitive && !agency.safeguarding) {
        problems.push({
          field: `routing.${i}.agencyIds.${j}`,
          message: `${id} is not a safeguarding agency, so it would never receive ${rule.category} (sensitive)`,
        });
      }
    });
  });
  for (const category of file.categories) {
    if (!file.routing.some((rule) => rule.category === category.code)) {
      problems.push({
        field: 'routing',
        message: `has no rule for ${category.code} (give it [] to route to the CSU only)`,
      });
    }
  }
  const linked = [
    ...file.plans.map((p, i) => [`plans.${i}.documentId`, p.documentId] as const),
    ...file.assessments.map((a, i) => [`assessments.${i}.documentId`, a.documentId] as const),
  ];
  for (const [field, id] of linked) {
    if (id && !documents.has(id)) problems.push({ field, message: `${id} is not one of documents` });
  }
  file.plans.forEach((plan, i) => {
    const expected = planYearsOf(plan.period);
    if (JSON.stringify(plan.years.map((y) => y.planYear)) !== JSON.stringify(expected)) {
      problems.push({ field: `plans.${i}.years`, message: `must give ${expected.join(', ')} in order` });
    }
  });
  return problems;
}

/** What enquiry handling reads of a partnership: its record, agencies, categories (in order) and routing. */
export interface ReferenceSeed {
  readonly partnership: Partnership;
  readonly agencies: readonly Agency[];
  readonly categories: readonly EnquiryCategory[];
  readonly routing: readonly RoutingRule[];
}

/** What governance reads of a partnership: its profile settings, organisations, priorities and assessments. */
export interface GovernanceSeed {
  readonly profile: Pick<
    PartnershipProfile,
    'area' | 'description' | 'roles' | 'chairPolicy' | 'quorum' | 'meetingPattern'
  >;
  readonly organisations: readonly Organisation[];
  readonly priorities: readonly { readonly planYear: string; readonly titles: readonly string[] }[];
  readonly assessments: readonly StrategicAssessment[];
}

/** The enquiry-facing records of a partnership file. */
export function referenceSeedOf(file: PartnershipFile): ReferenceSeed {
  const { profile } = file;
  return {
    partnership: {
      id: file.id,
      name: profile.name,
      csuName: profile.csuName,
      csuMailbox: profile.csuMailbox,
      urgentPhone: profile.urgentPhone,
      urgentPhoneHours: profile.urgentPhoneHours,
      ...(profile.privacyNoticeUrl ? { privacyNoticeUrl: profile.privacyNoticeUrl } : {}),
      licence: profile.licence,
    },
    agencies: file.agencies,
    categories: file.categories.map(({ retired, ...category }) =>
      retired ? { ...category, retired } : category,
    ),
    routing: file.routing,
  };
}

/**
 * The governance records of a partnership file. Representatives get ids from their organisation and place, so
 * seeding the same file twice finds the same records.
 */
export function governanceSeedOf(file: PartnershipFile): GovernanceSeed {
  const { area, description, chairPolicy, quorum, meetingPattern } = file.profile;
  return {
    profile: { area, description, roles: file.roles, chairPolicy, quorum, meetingPattern },
    organisations: file.organisations.map((organisation) => ({
      ...organisation,
      representatives: organisation.representatives.map((r, i) => ({
        id: `${organisation.id}-${i + 1}`,
        ...r,
      })),
    })),
    priorities: file.priorities,
    assessments: file.assessments,
  };
}
