import type { ResponseTargets } from '../casework.ts';
import { AUDITED } from '../directory.ts';
import { RecordNotFound, ValidationFailed } from '../errors.ts';
import type { AuditEntry } from '../governance-ports.ts';
import type { Clock, ReferenceDataRepository, VersionedRoutingRule } from '../ports.ts';
import type { StaffPrincipal } from '../staff.ts';
import { versionFromEtag } from './governance-writes.ts';

/** Reads a category's routing rule, with its version for If-Match. */
export async function getRouting(
  referenceData: Pick<ReferenceDataRepository, 'getRoutingRule'>,
  category: string,
): Promise<VersionedRoutingRule> {
  const rule = await referenceData.getRoutingRule(category);
  if (!rule) throw new RecordNotFound(`Routing for ${category}`);
  return rule;
}

/**
 * Changes which agencies receive a category's enquiries. Refused if the rule changed since it was read (412)
 * or names an agency that is not on record, not active, or (for a sensitive category) not a safeguarding one
 * (422); every change is audited with who, when, before and after.
 */
export async function updateRouting(
  deps: { referenceData: ReferenceDataRepository; clock: Clock },
  input: {
    principal: StaffPrincipal;
    category: string;
    agencyIds: string[];
    /** The category's response-time targets; absent keeps the current ones. */
    targets?: ResponseTargets;
    ifMatch?: string;
  },
): Promise<VersionedRoutingRule> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  const current = await getRouting(deps.referenceData, input.category);
  const [agencyList, category] = await Promise.all([
    deps.referenceData.listAgencies(),
    deps.referenceData.getCategory(input.category),
  ]);
  const agencies = new Map(agencyList.map((a) => [a.id, a]));
  const refused = input.agencyIds.flatMap((id) => {
    const agency = agencies.get(id);
    if (!agency) return [{ field: 'agencyIds', message: `${id} is not a CSU agency` }];
    if (agency.active === false) return [{ field: 'agencyIds', message: `${id} is not active` }];
    // Routing would skip it anyway (decideRecipients): refuse it here, so the table says who really receives.
    if (category?.sensitive && !agency.safeguarding) {
      return [
        {
          field: 'agencyIds',
          message: `${id} is not a safeguarding agency, and ${input.category} is sensitive`,
        },
      ];
    }
    return [];
  });
  if (refused.length > 0) throw new ValidationFailed(refused);
  const agencyIds = [...new Set(input.agencyIds)];
  const targets = input.targets ?? current.targets;
  const audit: AuditEntry = {
    entity: AUDITED.routing(input.category),
    action: 'update-routing',
    actor: input.principal.subject,
    at: deps.clock().toISOString(),
    before: { agencyIds: current.agencyIds, targets: current.targets },
    after: { agencyIds, targets },
  };
  await deps.referenceData.updateRoutingRule(
    { category: input.category, agencyIds, targets },
    expectedVersion,
    audit,
  );
  return getRouting(deps.referenceData, input.category);
}
