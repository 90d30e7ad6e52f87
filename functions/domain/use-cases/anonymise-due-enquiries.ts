import type { CaseRepository } from '../casework-ports.ts';
import { OPEN_STATUSES } from '../enquiry.ts';
import { StaleVersion } from '../errors.ts';
import { type AnonymiseAfterMonths, anonymised, monthsBefore } from '../retention.ts';

export interface AnonymiseDeps {
  readonly cases: Pick<CaseRepository, 'listClosedBefore' | 'listCases' | 'getCase' | 'anonymise'>;
}

export interface AnonymiseResult {
  readonly anonymised: string[];
  /** Changed by staff while being anonymised: left for the next run. */
  readonly deferred: string[];
}

/**
 * Anonymises every enquiry whose time has come at `at`: closed ones `closed` (or, sensitive, `sensitiveClosed`)
 * months after closure, others `neverClosed` months after receipt. At most `batchSize` of each kind per run;
 * the daily schedule takes the rest. Each enquiry is read and written on its own, so a run may stop anywhere
 * and the next one finishes; one already anonymised is never listed again.
 */
export async function anonymiseDueEnquiries(
  deps: AnonymiseDeps,
  input: { at: Date; policy: AnonymiseAfterMonths; batchSize: number },
): Promise<AnonymiseResult> {
  const cutoff = (months: number) => monthsBefore(input.at, months).toISOString();
  const [standard, sensitive, open] = await Promise.all([
    deps.cases.listClosedBefore(false, cutoff(input.policy.closed), input.batchSize),
    deps.cases.listClosedBefore(true, cutoff(input.policy.sensitiveClosed), input.batchSize),
    deps.cases.listCases({
      statuses: OPEN_STATUSES,
      receivedBefore: cutoff(input.policy.neverClosed),
      limit: input.batchSize,
    }),
  ]);
  const result: AnonymiseResult = { anonymised: [], deferred: [] };
  const at = input.at.toISOString();
  for (const reference of [...standard, ...sensitive, ...open.items.map((listing) => listing.reference)]) {
    const record = await deps.cases.getCase(reference);
    if (!record || record.enquiry.anonymisedAt) continue;
    try {
      await deps.cases.anonymise(record, anonymised(record.enquiry, at));
      result.anonymised.push(reference);
    } catch (error) {
      if (!(error instanceof StaleVersion)) throw error;
      result.deferred.push(reference);
    }
  }
  return result;
}
