/**
 * The partnership's directory as staff keep it through the API: the profile, organisations and their
 * memberships, the CSU's agencies and the enquiry categories. Every change is versioned (the ETag clients send
 * back in If-Match) and audited with before and after, in the same write.
 */
import type { Organisation } from './governance.ts';
import type { AuditEntry, PartnershipProfile } from './governance-ports.ts';
import type { Agency, EnquiryCategory } from './partnership.ts';
import type { VersionedRoutingRule } from './ports.ts';
import type { StaffPrincipal } from './staff.ts';

/** A record with the version it was read at. */
export type Versioned<T> = T & { readonly version: number };

/** A category with its place on the form (lower first). */
export interface PositionedCategory extends EnquiryCategory {
  readonly position: number;
}

/**
 * The audit trail's name of each directory record (`AUDIT#<entity>`): the use case that changes a record and
 * the route that reads its history both name it through these.
 */
export const AUDITED = {
  partnership: () => 'PARTNERSHIP',
  organisation: (id: string) => `ORGANISATION#${id}`,
  agency: (id: string) => `AGENCY#${id}`,
  category: (code: string) => `CATEGORY#${code}`,
  routing: (category: string) => `ROUTING#${category}`,
  document: (id: string) => `DOCUMENT#${id}`,
  plan: (period: string) => `PLAN#${period}`,
  assessment: (planYear: string) => `ASSESSMENT#${planYear}`,
} as const;

/** The audit entry of a change `actor` makes at `at`. */
export function auditEntryOf(
  actor: StaffPrincipal,
  at: Date,
  change: Pick<AuditEntry, 'entity' | 'action' | 'before' | 'after'>,
): AuditEntry {
  return { ...change, actor: actor.subject, at: at.toISOString() };
}

/** Ids of organisations and agencies, and category codes: lower-case words joined by hyphens. */
export const DIRECTORY_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The longest id or code the directory accepts. */
export const DIRECTORY_ID_MAX_LENGTH = 64;

/** A readable id made from a name: `Kent Police` → `kent-police`; empty when the name has no letters or digits. */
export function idFromName(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, DIRECTORY_ID_MAX_LENGTH)
      // After the cut: a hyphen the cut left at the end goes too.
      .replace(/-+$/, '')
  );
}

/** The categories whose routing rules name `agencyId`, in the order given. */
export function categoriesRoutingTo(agencyId: string, rules: readonly VersionedRoutingRule[]): string[] {
  return rules.filter((rule) => rule.agencyIds.includes(agencyId)).map((rule) => rule.category);
}

/** Storage of the directory. Writes bump the directory's version, which tells caches to read again. */
export interface DirectoryRepository {
  /** The profile as stored (strongly consistent), or undefined if never seeded. */
  getProfile(): Promise<PartnershipProfile | undefined>;
  /** Replaces the profile if still at `expectedVersion`. @throws StaleVersion otherwise. */
  updateProfile(
    profile: Omit<PartnershipProfile, 'version'>,
    expectedVersion: number,
    audit: AuditEntry,
  ): Promise<void>;

  getOrganisation(id: string): Promise<Versioned<Organisation> | undefined>;
  /** Adds an organisation at `position` in the list. @throws RecordConflict if its id is taken. */
  createOrganisation(organisation: Organisation, position: number, audit: AuditEntry): Promise<void>;
  /** @throws StaleVersion when it changed since `expectedVersion`. */
  updateOrganisation(organisation: Organisation, expectedVersion: number, audit: AuditEntry): Promise<void>;
  /** How many organisations there are (a new one goes after them). */
  countOrganisations(): Promise<number>;

  /** The agency, and how many routing changes have named it (what a deactivation is checked against). */
  getAgency(id: string): Promise<(Versioned<Agency> & { readonly routingChanges: number }) | undefined>;
  /** @throws RecordConflict if its id is taken. */
  createAgency(agency: Agency, audit: AuditEntry): Promise<void>;
  /**
   * @param routingChangesSeen for a deactivation: the agency's routing-change count when the rules were checked
   *   (none named it). @throws StaleVersion when the agency changed; RecordConflict when a routing change named
   *   it since.
   */
  updateAgency(
    agency: Agency,
    expectedVersion: number,
    audit: AuditEntry,
    routingChangesSeen?: number,
  ): Promise<void>;

  getCategory(code: string): Promise<Versioned<PositionedCategory> | undefined>;
  /** Adds a category and its routing rule (the CSU only, until agencies are named). @throws RecordConflict. */
  createCategory(category: PositionedCategory, audit: AuditEntry): Promise<void>;
  /** @throws StaleVersion when it changed since `expectedVersion`. */
  updateCategory(category: PositionedCategory, expectedVersion: number, audit: AuditEntry): Promise<void>;

  /** Every routing rule, with its version. */
  listRoutingRules(): Promise<VersionedRoutingRule[]>;
}
