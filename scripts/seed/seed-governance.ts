import type { DynamoDbGovernanceRepository } from '../../functions/adapters/dynamodb-governance-repository.ts';
import type { DynamoDbRecordsRepository } from '../../functions/adapters/dynamodb-records-repository.ts';
import { termsToRecord } from '../../functions/domain/chair-rotation.ts';
import { ukDate } from '../../functions/domain/dates.ts';
import type { GovernanceSeed } from './ashford-governance.ts';

/** What seeding writes through: the DynamoDB repositories, or test doubles with the same methods. */
export type GovernanceSeedTarget = Pick<
  DynamoDbGovernanceRepository,
  | 'putProfile'
  | 'putOrganisation'
  | 'seedPlanYear'
  | 'listChairTerms'
  | 'recordChairTerm'
  | 'markChairTermAnnounced'
>;
export type RecordsSeedTarget = Pick<DynamoDbRecordsRepository, 'putAssessment'>;

/**
 * Writes a partnership's governance records (profile, organisations, plan priorities), and, when no chair
 * term is recorded yet, the current term from the rotation policy, marked as announced: a first deployment
 * must not email every partner about a chair they already have. Plain puts otherwise, so it can run again.
 */
export async function seedGovernance(
  repository: GovernanceSeedTarget,
  records: RecordsSeedTarget,
  seed: GovernanceSeed,
  now: Date,
) {
  const ids = new Set(seed.organisations.map((o) => o.id));
  for (const id of seed.profile.chairRotation.organisationIds) {
    if (!ids.has(id)) throw new Error(`Chair rotation names unknown organisation ${id}`);
  }
  await repository.putProfile(seed.profile);
  await Promise.all(seed.organisations.map((organisation, i) => repository.putOrganisation(organisation, i)));
  await Promise.all(
    seed.priorities.map(({ planYear, titles }) =>
      repository.seedPlanYear(planYear, titles, `${planYear.slice(0, 4)}-04-01`),
    ),
  );
  await Promise.all(seed.assessments.map((assessment) => records.putAssessment(assessment)));
  if ((await repository.listChairTerms()).length === 0) {
    // The UK date: a seed run just after midnight BST on 1 April must record the new term, not last year's.
    const today = ukDate(now);
    for (const term of termsToRecord(seed.profile.chairRotation, undefined, today)) {
      await repository.recordChairTerm(term, now.toISOString());
      await repository.markChairTermAnnounced(term.startsOn, now.toISOString());
    }
  }
}
