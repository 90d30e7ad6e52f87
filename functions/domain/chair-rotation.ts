/**
 * The chair of the partnership alternates between organisations on a fixed cycle (Ashford: Ashford Borough
 * Council and Kent Police, yearly). Pure rules: which term contains a date, who chairs it, and which terms
 * are missing from the record.
 */

import type { PartnershipRole, RoleHolders } from './governance.ts';

/**
 * How the chair rotates, as the partnership record keeps it: between roles (Ashford: the local authority and
 * the police), whoever holds them. Terms start each year on `termStartMonth`/`termStartDay`.
 */
export interface ChairPolicy {
  /** Roles that take turns, in order. */
  readonly roles: readonly PartnershipRole[];
  readonly termStartMonth: number;
  readonly termStartDay: number;
  /** A known term: the year it started and the role that chaired it; every other term follows from it. */
  readonly anchor: { readonly startYear: number; readonly role: PartnershipRole };
}

/**
 * The rotation between the organisations holding the policy's roles today. A role nobody holds is skipped; a
 * term chaired by an organisation that no longer holds a role is followed by the rotation's own order for the
 * year, so replacing an organisation keeps the alternation.
 * @throws Error when the anchor's role, or every role, is unheld (the record cannot say who chairs).
 */
export function rotationOf(policy: ChairPolicy, holders: RoleHolders): ChairRotationPolicy {
  const anchor = holders[policy.anchor.role];
  if (!anchor)
    throw new Error(`No organisation holds the ${policy.anchor.role} role the chair rotation starts from`);
  return {
    // Once each: an organisation holding two of the roles (a council that is also the fire authority) takes
    // one turn, or the rotation would hand the chair back to it for ever.
    organisationIds: [...new Set(policy.roles.flatMap((role) => holders[role] ?? []))],
    termStartMonth: policy.termStartMonth,
    termStartDay: policy.termStartDay,
    anchor: { startYear: policy.anchor.startYear, organisationId: anchor },
  };
}

/** How the chair rotates between organisations. Terms start each year on `termStartMonth`/`termStartDay`. */
export interface ChairRotationPolicy {
  /** Organisations that take turns, in order. */
  readonly organisationIds: readonly string[];
  readonly termStartMonth: number;
  readonly termStartDay: number;
  /** A known term: the year it started and who chaired it; every other term follows from it. */
  readonly anchor: { readonly startYear: number; readonly organisationId: string };
}

/** One chair term: [startsOn, endsOn). */
export interface ChairTerm {
  readonly startsOn: string;
  readonly endsOn: string;
  readonly organisationId: string;
  /** How the chair was decided: by the rotation, or appointed by staff. */
  readonly source: 'rotation' | 'appointment';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD of the term start in `year`. */
function termStart(policy: ChairRotationPolicy, year: number): string {
  return `${year}-${pad(policy.termStartMonth)}-${pad(policy.termStartDay)}`;
}

/** The start year of the term that contains `date` (YYYY-MM-DD). */
export function termYearOn(policy: ChairRotationPolicy, date: string): number {
  const year = Number(date.slice(0, 4));
  return date >= termStart(policy, year) ? year : year - 1;
}

/** The term the rotation gives for the term starting in `startYear`. */
export function rotationTerm(policy: ChairRotationPolicy, startYear: number): ChairTerm {
  const anchorIndex = policy.organisationIds.indexOf(policy.anchor.organisationId);
  if (anchorIndex < 0) throw new Error(`Anchor chair ${policy.anchor.organisationId} is not in the rotation`);
  const count = policy.organisationIds.length;
  const offset = (((startYear - policy.anchor.startYear + anchorIndex) % count) + count) % count;
  return {
    startsOn: termStart(policy, startYear),
    endsOn: termStart(policy, startYear + 1),
    organisationId: policy.organisationIds[offset]!,
    source: 'rotation',
  };
}

/**
 * The terms to record so the history reaches the term containing `today`, oldest first: none if that term is
 * recorded; every missed term if runs were missed (a catch-up). After a staff appointment the rotation
 * continues from the appointed chair: the next term goes to the organisation after them.
 */
export function termsToRecord(
  policy: ChairRotationPolicy,
  latest: ChairTerm | undefined,
  today: string,
): ChairTerm[] {
  const currentYear = termYearOn(policy, today);
  if (!latest) return [rotationTerm(policy, currentYear)];
  const latestYear = termYearOn(policy, latest.startsOn);
  const terms: ChairTerm[] = [];
  let previous = latest;
  for (let year = latestYear + 1; year <= currentYear; year++) {
    const next = nextAfter(policy, previous, year);
    terms.push(next);
    previous = next;
  }
  return terms;
}

function nextAfter(policy: ChairRotationPolicy, previous: ChairTerm, year: number): ChairTerm {
  const index = policy.organisationIds.indexOf(previous.organisationId);
  // An appointed chair from outside the rotation hands back to the rotation's own order.
  const organisationId =
    index < 0
      ? rotationTerm(policy, year).organisationId
      : policy.organisationIds[(index + 1) % policy.organisationIds.length]!;
  return {
    startsOn: termStart(policy, year),
    endsOn: termStart(policy, year + 1),
    organisationId,
    source: 'rotation',
  };
}
