import type { DynamoDbReferenceDataRepository } from '../../functions/adapters/dynamodb-reference-data-repository.ts';
import type { PartnershipSeed } from './ashford.ts';

/**
 * Seeds a partnership's reference data: adds what is missing, never overwrites what is there (staff may have
 * changed it), so it can run on every start or deploy. Routing rules are checked first: a rule naming an
 * unknown agency or category is a seed bug, not data.
 */
export async function seedReferenceData(repository: DynamoDbReferenceDataRepository, seed: PartnershipSeed) {
  const agencyIds = new Set(seed.agencies.map((a) => a.id));
  const categoryCodes = new Set(seed.categories.map((c) => c.code));
  for (const rule of seed.routing) {
    if (!categoryCodes.has(rule.category)) throw new Error(`Routing names unknown category ${rule.category}`);
    const unknown = rule.agencyIds.filter((id) => !agencyIds.has(id));
    if (unknown.length > 0) throw new Error(`Routing for ${rule.category} names unknown agencies ${unknown}`);
  }
  await repository.seedPartnership(seed.partnership);
  await Promise.all(seed.agencies.map((agency) => repository.seedAgency(agency)));
  await Promise.all(seed.categories.map((category, position) => repository.seedCategory(category, position)));
  await Promise.all(seed.routing.map((rule) => repository.seedRoutingRule(rule)));
}
