/** Public reads of the partnership's governance records. */
import type { ChairTerm } from '../chair-rotation.ts';
import { NoChairRecorded, ReferenceDataMissing } from '../errors.ts';
import { hasVotingRights, membershipOn, type PartnerKind } from '../governance.ts';
import type { GovernanceRepository, PartnershipProfile } from '../governance-ports.ts';
import { paginate } from '../pagination.ts';

/** A partner as the public sees it: no contact details, voting rights derived for the day asked about. */
export interface PartnerView {
  readonly id: string;
  readonly name: string;
  readonly kind: PartnerKind;
  readonly votingRights: boolean;
  readonly csuAgency: boolean;
  readonly memberSince: string;
  readonly representatives: { name: string; role: string }[];
}

export interface ChairTermView extends ChairTerm {
  readonly organisationName: string;
  /** For the ETag; not part of the public body. */
  readonly version: number;
}

/** The partnership's profile, or an error if it was never seeded. */
export async function partnershipProfile(governance: GovernanceRepository): Promise<PartnershipProfile> {
  const profile = await governance.getProfile();
  if (!profile) throw new ReferenceDataMissing('partnership profile');
  return profile;
}

/** Current members on `on`, optionally of one kind, in the partnership's order, a page at a time. */
export async function listPartners(
  governance: GovernanceRepository,
  options: { on: string; kind?: PartnerKind; limit: number; cursor?: string },
): Promise<{ partners: PartnerView[]; cursor?: string }> {
  const partners = (await governance.listOrganisations()).flatMap((organisation) => {
    const membership = membershipOn(organisation, options.on);
    if (!membership || (options.kind && membership.kind !== options.kind)) return [];
    const since =
      organisation.memberships.find((m) => m.kind === membership.kind)?.startsOn ?? membership.startsOn;
    return [
      {
        id: organisation.id,
        name: organisation.name,
        kind: membership.kind,
        votingRights: hasVotingRights(organisation, options.on),
        csuAgency: organisation.csuAgency,
        memberSince: since,
        representatives: organisation.representatives.map(({ name, role }) => ({ name, role })),
      },
    ];
  });
  const { page, cursor } = paginate(partners, options);
  return { partners: page, cursor };
}

/** Chair terms, newest first, with organisation names. */
export async function chairHistory(governance: GovernanceRepository): Promise<ChairTermView[]> {
  const [terms, organisations] = await Promise.all([
    governance.listChairTerms(),
    governance.listOrganisations(),
  ]);
  const names = new Map(organisations.map((o) => [o.id, o.name]));
  return terms.map(({ startsOn, endsOn, organisationId, source, version }) => ({
    startsOn,
    endsOn,
    organisationId,
    source,
    version,
    organisationName: names.get(organisationId) ?? organisationId,
  }));
}

/** The term in force on `on`. @throws NoChairRecorded when none is recorded. */
export async function currentChair(governance: GovernanceRepository, on: string): Promise<ChairTermView> {
  const term = (await chairHistory(governance)).find((t) => t.startsOn <= on && on < t.endsOn);
  if (!term) throw new NoChairRecorded(on);
  return term;
}
