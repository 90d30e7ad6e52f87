/**
 * Who the partnership is and who may decide: organisations, their dated memberships, and voting rights,
 * which are derived from membership (statutory partners vote), never stored as a flag.
 */

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

/** One period of an organisation's membership, `endsOn` exclusive; open-ended while it is absent. */
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
    (m) => m.startsOn <= date && (m.endsOn === undefined || date < m.endsOn),
  );
}

/** Statutory partners with a membership in force on `date` have voting rights; nobody else does. */
export function hasVotingRights(organisation: Organisation, date: string): boolean {
  return membershipOn(organisation, date)?.kind === 'statutory';
}
