/**
 * Staff changes to the partnership's directory: its profile, organisations and memberships, the CSU's agencies
 * and the enquiry categories. Each change is refused if the record changed since it was read (If-Match), and
 * audited with who, when, before and after.
 */
import { randomUUID } from 'node:crypto';
import type { ChairPolicy } from '../chair-rotation.ts';
import {
  AUDITED,
  auditEntryOf,
  categoriesRoutingTo,
  type DirectoryRepository,
  idFromName,
  type PositionedCategory,
  type Versioned,
} from '../directory.ts';
import { RecordConflict, RecordNotFound, StaleVersion, ValidationFailed } from '../errors.ts';
import {
  addMembership,
  endMembership,
  type Membership,
  type Organisation,
  type PartnerKind,
  type PartnershipRole,
  type Representative,
} from '../governance.ts';
import type { AuditEntry, PartnershipProfile } from '../governance-ports.ts';
import type { Agency } from '../partnership.ts';
import type { Clock } from '../ports.ts';
import type { StaffPrincipal } from '../staff.ts';
import { versionFromEtag } from './governance-writes.ts';

export interface DirectoryDeps {
  readonly directory: DirectoryRepository;
  readonly clock: Clock;
}

/** An audit entry for a change made now by `principal`. */
function audited(
  deps: DirectoryDeps,
  principal: StaffPrincipal,
  entity: string,
  action: string,
  before: unknown,
  after: unknown,
): AuditEntry {
  return auditEntryOf(principal, deps.clock(), { entity, action, before, after });
}

/** The fields of `after` that differ from `before`, each side keeping only those: what an auditor reads. */
function changedFields<T extends object>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])] as (keyof T)[];
  const changed = keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  const pick = (record: T) =>
    Object.fromEntries(changed.map((key) => [key, record[key] ?? null])) as Partial<T>;
  return { before: pick(before), after: pick(after) };
}

/**
 * True when a change changes nothing: no write, no audit entry, no new version. The ETag is still checked, so a
 * stale one is refused whether or not anything would change.
 */
function changesNothing(diff: { after: object }, expectedVersion: number, currentVersion: number): boolean {
  if (Object.keys(diff.after).length > 0) return false;
  if (expectedVersion !== currentVersion) throw new StaleVersion();
  return true;
}

/** An id for a new record: the one given, or one made from its name. */
function newId(given: string | undefined, name: string, field: string): string {
  const id = given ?? idFromName(name);
  if (!id) throw new ValidationFailed([{ field, message: 'cannot be made from the name: give one' }]);
  return id;
}

// Partnership profile

/** What `PATCH /partnership` may change. */
export type ProfileChanges = Partial<
  Pick<
    PartnershipProfile,
    | 'name'
    | 'area'
    | 'description'
    | 'csuName'
    | 'csuMailbox'
    | 'urgentPhone'
    | 'urgentPhoneHours'
    | 'licence'
    | 'quorum'
    | 'meetingPattern'
    | 'chairPolicy'
  >
> & {
  /** Null removes the link. */
  readonly privacyNoticeUrl?: string | null;
  /** Roles to hand to another organisation (null: nobody holds it any more). */
  readonly roles?: Partial<Record<PartnershipRole, string | null>>;
};

/** The profile with its version, or an error if it was never seeded. */
export function getProfile(directory: Pick<DirectoryRepository, 'getProfile'>): Promise<PartnershipProfile> {
  return found(directory.getProfile(), 'Partnership profile');
}

/** `record`, or a 404 naming `what` when there is none. */
async function found<T>(record: Promise<T | undefined>, what: string): Promise<T> {
  const value = await record;
  if (value === undefined) throw new RecordNotFound(what);
  return value;
}

/**
 * Changes the partnership profile. A role can only go to an organisation on record, and the chair rotation
 * must still start from a role somebody holds.
 */
export async function updateProfile(
  deps: DirectoryDeps & { readonly organisations: () => Promise<readonly Organisation[]> },
  input: { principal: StaffPrincipal; changes: ProfileChanges; ifMatch?: string },
): Promise<PartnershipProfile> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const current = await getProfile(deps.directory);
  const { roles: roleChanges, privacyNoticeUrl, ...rest } = input.changes;
  const roles: Record<string, string> = { ...current.roles };
  if (roleChanges) {
    const known = new Set((await deps.organisations()).map((o) => o.id));
    for (const [role, holder] of Object.entries(roleChanges)) {
      if (holder === null || holder === undefined) delete roles[role];
      else if (!known.has(holder)) {
        throw new ValidationFailed([
          { field: `roles.${role}`, message: `${holder} is not an organisation on record` },
        ]);
      } else roles[role] = holder;
    }
  }
  const { version, ...before } = current;
  const after: Omit<PartnershipProfile, 'version'> = {
    ...before,
    ...rest,
    roles,
    privacyNoticeUrl: privacyNoticeUrl === null ? undefined : (privacyNoticeUrl ?? before.privacyNoticeUrl),
  };
  checkChairPolicy(after.chairPolicy, after.roles);
  const change = changedFields(before, after);
  if (changesNothing(change, expectedVersion, version)) return current;
  await deps.directory.updateProfile(
    after,
    expectedVersion,
    audited(deps, input.principal, AUDITED.partnership(), 'update-profile', change.before, change.after),
  );
  return getProfile(deps.directory);
}

function checkChairPolicy(policy: ChairPolicy, roles: Readonly<Record<string, string>>) {
  if (!roles[policy.anchor.role]) {
    throw new ValidationFailed([
      {
        field: 'roles',
        message: `the chair rotation starts from the ${policy.anchor.role} role: someone must hold it`,
      },
    ]);
  }
  if (!policy.roles.includes(policy.anchor.role)) {
    throw new ValidationFailed([
      { field: 'chairPolicy.anchor.role', message: 'must be one of chairPolicy.roles' },
    ]);
  }
}

// Organisations

/** A representative as a request gives one: the id is ours to make. */
export type RepresentativeInput = Omit<Representative, 'id'>;

const withIds = (representatives: readonly RepresentativeInput[]): Representative[] =>
  representatives.map((r) => ({ id: randomUUID(), ...r }));

/** One organisation as stored, or 404. */
export async function getOrganisation(
  directory: Pick<DirectoryRepository, 'getOrganisation'>,
  id: string,
): Promise<Versioned<Organisation>> {
  return found(directory.getOrganisation(id), `Organisation ${id}`);
}

/** Adds an organisation, optionally with its first membership; it goes last in the partnership's order. */
export async function createOrganisation(
  deps: DirectoryDeps,
  input: {
    principal: StaffPrincipal;
    id?: string;
    name: string;
    representatives?: readonly RepresentativeInput[];
    csuAgency?: boolean;
    membership?: { kind: PartnerKind; startsOn: string; endsOn?: string };
  },
): Promise<Versioned<Organisation>> {
  const id = newId(input.id, input.name, 'id');
  const empty: Organisation = {
    id,
    name: input.name,
    memberships: [],
    representatives: withIds(input.representatives ?? []),
    csuAgency: input.csuAgency ?? false,
  };
  const organisation = input.membership ? addMembership(empty, input.membership) : empty;
  const position = await deps.directory.countOrganisations();
  await deps.directory.createOrganisation(
    organisation,
    position,
    audited(deps, input.principal, AUDITED.organisation(id), 'create-organisation', null, organisation),
  );
  return getOrganisation(deps.directory, id);
}

async function changeOrganisation(
  deps: DirectoryDeps,
  input: { principal: StaffPrincipal; id: string; ifMatch?: string },
  action: string,
  change: (organisation: Organisation) => Organisation,
): Promise<Versioned<Organisation>> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const stored = await getOrganisation(deps.directory, input.id);
  const { version, ...current } = stored;
  const next = change(current);
  const diff = changedFields(current, next);
  if (changesNothing(diff, expectedVersion, version)) return stored;
  await deps.directory.updateOrganisation(
    next,
    expectedVersion,
    audited(deps, input.principal, AUDITED.organisation(input.id), action, diff.before, diff.after),
  );
  return getOrganisation(deps.directory, input.id);
}

/** Renames an organisation, replaces its representatives, or marks it a CSU agency. */
export function updateOrganisation(
  deps: DirectoryDeps,
  input: {
    principal: StaffPrincipal;
    id: string;
    ifMatch?: string;
    name?: string;
    representatives?: readonly RepresentativeInput[];
    csuAgency?: boolean;
  },
) {
  return changeOrganisation(deps, input, 'update-organisation', (organisation) => ({
    ...organisation,
    name: input.name ?? organisation.name,
    csuAgency: input.csuAgency ?? organisation.csuAgency,
    representatives: input.representatives ? withIds(input.representatives) : organisation.representatives,
  }));
}

/** Adds a membership after the organisation's last one has ended. */
export function addOrganisationMembership(
  deps: DirectoryDeps,
  input: { principal: StaffPrincipal; id: string; ifMatch?: string; membership: Membership },
) {
  return changeOrganisation(deps, input, 'add-membership', (organisation) =>
    addMembership(organisation, input.membership),
  );
}

/** Ends membership `n` (1 is the oldest) on `endsOn`, its last day. */
export function endOrganisationMembership(
  deps: DirectoryDeps,
  input: { principal: StaffPrincipal; id: string; ifMatch?: string; n: number; endsOn: string },
) {
  return changeOrganisation(deps, input, 'end-membership', (organisation) =>
    endMembership(organisation, input.n, input.endsOn),
  );
}

// Agencies

/** One agency as stored, or 404. */
export async function getAgency(
  directory: Pick<DirectoryRepository, 'getAgency'>,
  id: string,
): Promise<Versioned<Agency> & { readonly routingChanges: number }> {
  return found(directory.getAgency(id), `Agency ${id}`);
}

/** Adds a CSU agency; it receives nothing until a routing rule names it. */
export async function createAgency(
  deps: DirectoryDeps,
  input: { principal: StaffPrincipal; id?: string; name: string; email: string; safeguarding?: boolean },
): Promise<Versioned<Agency>> {
  const agency: Agency = {
    id: newId(input.id, input.name, 'id'),
    name: input.name,
    email: input.email,
    safeguarding: input.safeguarding ?? false,
    active: true,
  };
  await deps.directory.createAgency(
    agency,
    audited(deps, input.principal, AUDITED.agency(agency.id), 'create-agency', null, agency),
  );
  return getAgency(deps.directory, agency.id);
}

/**
 * Changes an agency. A new mailbox is used for the next email sent; an agency is deactivated only when no
 * routing rule names it (409 naming the categories), and the rules are held unchanged until it is.
 */
export async function updateAgency(
  deps: DirectoryDeps,
  input: {
    principal: StaffPrincipal;
    id: string;
    ifMatch?: string;
    name?: string;
    email?: string;
    safeguarding?: boolean;
    active?: boolean;
  },
): Promise<Versioned<Agency>> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const stored = await getAgency(deps.directory, input.id);
  const { version, routingChanges, ...current } = stored;
  const next: Agency = {
    ...current,
    name: input.name ?? current.name,
    email: input.email ?? current.email,
    safeguarding: input.safeguarding ?? current.safeguarding ?? false,
    active: input.active ?? current.active ?? true,
  };
  const deactivating = next.active === false && current.active !== false;
  const rules = deactivating ? await deps.directory.listRoutingRules() : undefined;
  if (rules) {
    const categories = categoriesRoutingTo(input.id, rules);
    if (categories.length > 0) {
      throw new RecordConflict(
        `${current.name} still receives enquiries in: ${categories.join(', ')}. Take it out of those routing rules (PUT /routing/{category}) first.`,
        categories.map((category) => ({
          field: 'active',
          message: `routing for ${category} names this agency`,
        })),
      );
    }
  }
  const diff = changedFields(current, next);
  if (changesNothing(diff, expectedVersion, version)) return stored;
  await deps.directory.updateAgency(
    next,
    expectedVersion,
    audited(deps, input.principal, AUDITED.agency(input.id), 'update-agency', diff.before, diff.after),
    rules ? routingChanges : undefined,
  );
  return getAgency(deps.directory, input.id);
}

// Categories

/** One category as stored (retired ones too), or 404. */
export async function getCategory(
  directory: Pick<DirectoryRepository, 'getCategory'>,
  code: string,
): Promise<Versioned<PositionedCategory>> {
  return found(directory.getCategory(code), `Category ${code}`);
}

/** Adds a category to the form, routed to the CSU alone until its routing rule names agencies. */
export async function createCategory(
  deps: DirectoryDeps,
  input: {
    principal: StaffPrincipal;
    code: string;
    title: string;
    description: string;
    sensitive: boolean;
    position: number;
  },
): Promise<Versioned<PositionedCategory>> {
  const { principal, ...fields } = input;
  const category: PositionedCategory = { ...fields, retired: false };
  await deps.directory.createCategory(
    category,
    audited(deps, principal, AUDITED.category(category.code), 'create-category', null, category),
  );
  return getCategory(deps.directory, category.code);
}

/** Changes a category; `retired: true` takes it off the form while old enquiries keep it. */
export async function updateCategory(
  deps: DirectoryDeps,
  input: {
    principal: StaffPrincipal;
    code: string;
    ifMatch?: string;
    title?: string;
    description?: string;
    sensitive?: boolean;
    position?: number;
    retired?: boolean;
  },
): Promise<Versioned<PositionedCategory>> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const stored = await getCategory(deps.directory, input.code);
  const { version, ...kept } = stored;
  // A category never retired is stored without the flag: it reads, and is audited, as not retired.
  const current: PositionedCategory = { ...kept, retired: kept.retired ?? false };
  const next: PositionedCategory = {
    ...current,
    title: input.title ?? current.title,
    description: input.description ?? current.description,
    sensitive: input.sensitive ?? current.sensitive,
    position: input.position ?? current.position,
    retired: input.retired ?? current.retired,
  };
  const diff = changedFields(current, next);
  if (changesNothing(diff, expectedVersion, version)) return stored;
  await deps.directory.updateCategory(
    next,
    expectedVersion,
    audited(deps, input.principal, AUDITED.category(input.code), 'update-category', diff.before, diff.after),
  );
  return getCategory(deps.directory, input.code);
}
