/**
 * Who the partnership is and who may decide: organisations, their dated memberships, and voting rights,
 * which are derived from membership (statutory partners vote), never stored as a flag.
 */
import { RecordConflict, RecordNotFound, ValidationFailed } from './errors.ts';

/** Statutory partners are the responsible authorities of the Crime and Disorder Act 1998. */
export const PARTNER_KINDS = ['statutory', 'other', 'invited'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** A person who represents an organisation at the partnership. Contact details are work addresses. */
export interface Representative {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly email: string;
}

/**
 * One period of an organisation's membership, from `startsOn` to `endsOn`, both days included (a CCG abolished
 * on 1 July 2022 has `endsOn: 2022-06-30`); open-ended while `endsOn` is absent.
 */
export interface Membership {
  readonly kind: PartnerKind;
  readonly startsOn: string;
  readonly endsOn?: string;
}

export interface Organisation {
  readonly id: string;
  readonly name: string;
  /** Memberships, oldest first; periods do not overlap. */
  readonly memberships: readonly Membership[];
  readonly representatives: readonly Representative[];
  /** Also an agency of the Community Safety Unit. */
  readonly csuAgency: boolean;
}

/** The membership in force on `date` (YYYY-MM-DD), if any. */
export function membershipOn(organisation: Organisation, date: string): Membership | undefined {
  return organisation.memberships.find(
    (m) => m.startsOn <= date && (m.endsOn === undefined || date <= m.endsOn),
  );
}

/** Statutory partners with a membership in force on `date` have voting rights; nobody else does. */
export function hasVotingRights(organisation: Organisation, date: string): boolean {
  return membershipOn(organisation, date)?.kind === 'statutory';
}

/**
 * The responsible authorities of the Crime and Disorder Act 1998, s. 5, as roles an organisation holds in the
 * partnership record. The chair rotates between roles, not organisations, so renaming or replacing the
 * organisation that holds a role keeps the rotation going.
 */
export const PARTNERSHIP_ROLES = [
  'local-authority',
  'police',
  'fire-and-rescue',
  'probation',
  'health',
] as const;
export type PartnershipRole = (typeof PARTNERSHIP_ROLES)[number];

/** Which organisation holds each role; a role nobody holds is absent. */
export type RoleHolders = Readonly<Partial<Record<PartnershipRole, string>>>;

/**
 * `organisation` with `membership` added. A membership starts after every earlier one has ended, so periods
 * never overlap and the one in force on any day is unambiguous.
 * @throws ValidationFailed when it ends before it starts; RecordConflict when it would overlap another.
 */
export function addMembership(organisation: Organisation, membership: Membership): Organisation {
  if (membership.endsOn !== undefined && membership.endsOn < membership.startsOn) {
    throw new ValidationFailed([{ field: 'endsOn', message: 'must not be before startsOn' }]);
  }
  const latest = organisation.memberships.at(-1);
  if (latest && latest.endsOn === undefined) {
    throw new RecordConflict(
      `The ${latest.kind} membership from ${latest.startsOn} is still open: end it first.`,
      [{ field: 'startsOn', message: `the membership from ${latest.startsOn} has not ended` }],
    );
  }
  if (latest?.endsOn !== undefined && membership.startsOn <= latest.endsOn) {
    throw new RecordConflict(`The last membership ran until ${latest.endsOn}.`, [
      { field: 'startsOn', message: `must be after ${latest.endsOn}, the last day of the last membership` },
    ]);
  }
  return { ...organisation, memberships: [...organisation.memberships, membership] };
}

/**
 * `organisation` with its membership number `n` (1 is the oldest) ended on `endsOn`, its last day. Only an open
 * membership can be ended, and not before it started.
 * @throws RecordNotFound for no such membership; RecordConflict when it has ended or `endsOn` is too early.
 */
export function endMembership(organisation: Organisation, n: number, endsOn: string): Organisation {
  const membership = organisation.memberships[n - 1];
  if (!membership) throw new RecordNotFound(`Membership ${n} of ${organisation.id}`);
  if (membership.endsOn !== undefined) {
    throw new RecordConflict(`Membership ${n} already ended on ${membership.endsOn}.`);
  }
  if (endsOn < membership.startsOn) {
    throw new RecordConflict(`Membership ${n} started on ${membership.startsOn}.`, [
      { field: 'endsOn', message: `must not be before ${membership.startsOn}, when the membership started` },
    ]);
  }
  const memberships = organisation.memberships.map((m, i) => (i === n - 1 ? { ...m, endsOn } : m));
  return { ...organisation, memberships };
}
