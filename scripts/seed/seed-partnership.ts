/**
 * Seeds a table with a partnership file. Idempotent and never overwrites: each record the table lacks is added,
 * each field a seeded record lacks (one a newer file brings) is filled in, and every field that differs from the
 * file is left as it is (staff changed it through the API) and reported, so whoever seeds can see what drifted.
 * A record the API has written carries a version; what it lacks, staff removed (`privacyNoticeUrl: null`), so
 * seeding fills nothing in there and reports each such field as differing instead.
 */

import { keys } from '../../functions/adapters/table-keys.ts';
import { rotationOf, termsToRecord } from '../../functions/domain/chair-rotation.ts';
import { ukDate } from '../../functions/domain/dates.ts';
import type { GovernanceRepository } from '../../functions/domain/governance-ports.ts';
import { governanceSeedOf, type PartnershipFile, referenceSeedOf } from './partnership-file.ts';

type Item = Record<string, unknown>;
type Key = { readonly PK: string; readonly SK: string };

/** Where seeding writes: one item at a time, adding only what is missing. */
export interface SeedTable {
  /** The item at `key`, if any. */
  get(key: Key): Promise<Item | undefined>;
  /**
   * Sets each of `fields` the item lacks, creating it if need be, unless the API has written the item (it has a
   * `version`): that item is left untouched. @returns the item as it was before.
   */
  addMissing(key: Key, fields: Item): Promise<Item | undefined>;
  /** Counts one more change to the directory, so reference-data caches read again. */
  directoryChanged(): Promise<void>;
}

/** One seeded record: added, completed, as in the file, or kept as the table has it where they differ. */
export interface SeededRecord {
  readonly record: string;
  readonly outcome: 'added' | 'filled-in' | 'unchanged' | 'kept';
  /**
   * For `kept`: each field that differs, with the table's value (kept; undefined when staff removed the field)
   * and the file's (not applied).
   */
  readonly differences?: readonly { field: string; table: unknown; file: unknown }[];
}

/** Refused: the table already serves another partnership (a deployment serves one). */
export class WrongPartnership extends Error {
  constructor(
    readonly inTable: string,
    readonly inFile: string,
  ) {
    super(`The table holds partnership ${inTable}, not ${inFile}: seed another table (or data directory).`);
    this.name = 'WrongPartnership';
  }
}

/** The items a partnership file is made of, each with what the report calls it. */
export function partnershipItems(file: PartnershipFile): { record: string; key: Key; item: Item }[] {
  const reference = referenceSeedOf(file);
  const governance = governanceSeedOf(file);
  const { privacyNoticeUrl, ...profile } = file.profile;
  return [
    {
      record: 'partnership',
      key: keys.partnership(),
      item: {
        type: 'Partnership',
        id: file.id,
        ...profile,
        ...(privacyNoticeUrl ? { privacyNoticeUrl } : {}),
        roles: file.roles,
      },
    },
    ...governance.organisations.map((organisation, position) => ({
      record: `organisation ${organisation.id}`,
      key: keys.organisation(organisation.id),
      item: { type: 'Organisation', ...organisation, position },
    })),
    ...reference.agencies.map((agency) => ({
      record: `agency ${agency.id}`,
      key: keys.agency(agency.id),
      item: { type: 'Agency', ...agency },
    })),
    ...file.categories.map((category, position) => ({
      record: `category ${category.code}`,
      key: keys.category(category.code),
      item: { type: 'EnquiryCategory', ...category, position },
    })),
    ...reference.routing.map((rule) => ({
      record: `routing ${rule.category}`,
      key: keys.routingRule(rule.category),
      item: { type: 'RoutingRule', ...rule },
    })),
    ...governance.priorities.map(({ planYear, titles }) => ({
      record: `priorities ${planYear}`,
      key: keys.planYear(planYear),
      item: { type: 'PlanYear', planYear, titles, revisedOn: `${planYear.slice(0, 4)}-04-01` },
    })),
    ...governance.assessments.map((assessment) => ({
      record: `assessment ${assessment.planYear}`,
      key: keys.assessment(assessment.planYear),
      item: { type: 'Assessment', ...assessment },
    })),
    ...file.documents.map((document) => ({
      record: `document ${document.id}`,
      key: keys.document(document.publishedOn, document.id),
      item: { type: 'Document', ...document },
    })),
    ...file.plans.map((plan) => ({
      record: `plan ${plan.period}`,
      key: keys.plan(plan.period),
      item: { type: 'Plan', ...plan },
    })),
  ];
}

/** Fields written by the API alone, never compared with the file. */
const BOOKKEEPING = new Set(['version']);

/**
 * Seeds `file` into `table`, then records the current chair term (marked announced: a first deployment must
 * not email every partner about a chair they already have) when no term is recorded yet.
 * @throws WrongPartnership when the table serves another partnership; nothing is written then.
 */
export async function seedPartnership(
  table: SeedTable,
  chairTerms: Pick<GovernanceRepository, 'listChairTerms' | 'recordChairTerm' | 'markChairTermAnnounced'>,
  file: PartnershipFile,
  now: Date,
): Promise<SeededRecord[]> {
  const existing = await table.get(keys.partnership());
  if (existing?.id !== undefined && existing.id !== file.id)
    throw new WrongPartnership(String(existing.id), file.id);

  const report: SeededRecord[] = [];
  for (const { record, key, item } of partnershipItems(file)) {
    const fields = Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
    const before = await table.addMissing(key, fields);
    if (!before) {
      report.push({ record, outcome: 'added' });
      continue;
    }
    // Written through the API: a field it lacks was removed there, not missed by an older seed.
    const writtenByApi = before.version !== undefined;
    const differences = Object.entries(fields)
      .filter(([field, value]) => {
        if (BOOKKEEPING.has(field)) return false;
        return field in before ? !sameValue(before[field], value) : writtenByApi;
      })
      .map(([field, value]) => ({ field, table: before[field], file: value }));
    const filled = !writtenByApi && Object.keys(fields).some((field) => !(field in before));
    report.push(
      differences.length > 0
        ? { record, outcome: 'kept', differences }
        : { record, outcome: filled ? 'filled-in' : 'unchanged' },
    );
  }

  // Warm functions' caches learn of what seeding added within a second.
  if (report.some((r) => r.outcome === 'added' || r.outcome === 'filled-in')) await table.directoryChanged();

  if ((await chairTerms.listChairTerms()).length === 0) {
    // The UK date: a seed run just after midnight BST on 1 April must record the new term, not last year's.
    const today = ukDate(now);
    for (const term of termsToRecord(rotationOf(file.profile.chairPolicy, file.roles), undefined, today)) {
      await chairTerms.recordChairTerm(term, now.toISOString());
      await chairTerms.markChairTermAnnounced(term.startsOn, now.toISOString());
    }
  }
  return report;
}

/** Equal as JSON values, whatever the order of object keys (DynamoDB keeps none). */
function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Item)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The report as lines a person reads: counts, then each difference kept, by field name; with both values only
 * when `withValues` (an operator asking at a terminal: representatives' and agencies' addresses may differ,
 * and a deploy pipeline's log must not keep them).
 */
export function describeSeeding(
  file: PartnershipFile,
  report: readonly SeededRecord[],
  { withValues = false } = {},
): string {
  const count = (outcome: SeededRecord['outcome']) => report.filter((r) => r.outcome === outcome).length;
  const lines = [
    `Seeded ${file.profile.name} (${file.id}): ${count('added')} added, ${count('filled-in')} completed, ${count('unchanged')} unchanged, ${count('kept')} differ from the file (the table’s kept).`,
  ];
  for (const record of report.filter((r) => r.outcome === 'kept')) {
    for (const difference of record.differences ?? []) {
      lines.push(
        withValues
          ? `  ${record.record}: ${difference.field} is ${difference.table === undefined ? 'absent' : JSON.stringify(difference.table)} in the table, ${JSON.stringify(difference.file)} in the file (kept the table's)`
          : `  ${record.record}: ${difference.field} differs from the file (kept the table's)`,
      );
    }
  }
  return lines.join('\n');
}
