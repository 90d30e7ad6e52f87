import type { CaseRepository } from '../casework-ports.ts';
import { OPEN_STATUSES } from '../enquiry.ts';
import { StaleVersion } from '../errors.ts';
import { type AnonymiseAfterMonths, anonymised, monthsBefore } from '../retention.ts';

export interface AnonymiseDeps {
  readonly cases: Pick<CaseRepository, 'listClosedBefore' | 'listCases' | 'getCase' | 'anonymise'>;
}

export interface AnonymiseInput {
  readonly at: Date;
  readonly policy: AnonymiseAfterMonths;
  /** Enquiries listed at a time, per kind. */
  readonly batchSize: number;
  /** Whether another enquiry may still be started; absent, the run goes on until nothing is due. */
  readonly hasTimeLeft?: () => boolean;
}

export interface AnonymiseResult {
  readonly anonymised: string[];
  /** Changed by staff while being anonymised: left for the next run. */
  readonly deferred: string[];
  /** False when the run stopped for time, or at a batch that anonymised nothing: the next run goes on. */
  readonly complete: boolean;
}

/**
 * Anonymises every enquiry whose time has come at `at`: closed ones `closed` (or, sensitive, `sensitiveClosed`)
 * months after closure, others `neverClosed` months after receipt. Each kind is listed in batches until a
 * batch comes back short or time runs out. Each enquiry is read and written on its own, so a run may stop
 * anywhere and the next one finishes; one already anonymised is never listed again.
 */
export async function anonymiseDueEnquiries(
  deps: AnonymiseDeps,
  input: AnonymiseInput,
): Promise<AnonymiseResult> {
  const hasTimeLeft = input.hasTimeLeft ?? (() => true);
  const cutoff = (months: number) => monthsBefore(input.at, months).toISOString();
  const kinds: ((limit: number) => Promise<readonly string[]>)[] = [
    (limit) => deps.cases.listClosedBefore(false, cutoff(input.policy.closed), limit),
    (limit) => deps.cases.listClosedBefore(true, cutoff(input.policy.sensitiveClosed), limit),
    async (limit) =>
      (
        await deps.cases.listCases({
          statuses: OPEN_STATUSES,
          receivedBefore: cutoff(input.policy.neverClosed),
          limit,
        })
      ).items.map((listing) => listing.reference),
  ];
  const anonymisedNow: string[] = [];
  const deferred: string[] = [];
  const at = input.at.toISOString();

  /** Anonymises one enquiry; false when it was not (gone, done before, or changed meanwhile). */
  const anonymiseOne = async (reference: string): Promise<boolean> => {
    const record = await deps.cases.getCase(reference);
    if (!record || record.enquiry.anonymisedAt) return false;
    try {
      await deps.cases.anonymise(record, anonymised(record.enquiry, at));
      anonymisedNow.push(reference);
      return true;
    } catch (error) {
      if (!(error instanceof StaleVersion)) throw error;
      deferred.push(reference);
      return false;
    }
  };

  let complete = true;
  for (const list of kinds) {
    for (;;) {
      if (!hasTimeLeft()) return { anonymised: anonymisedNow, deferred, complete: false };
      const batch = await list(input.batchSize);
      let progressed = 0;
      for (const reference of batch) {
        if (!hasTimeLeft()) return { anonymised: anonymisedNow, deferred, complete: false };
        if (await anonymiseOne(reference)) progressed += 1;
      }
      if (batch.length < input.batchSize) break;
      // A full batch with nothing done lists only cases staff are changing, or ones an index has not caught
      // up with yet: listing again would return the same, so this kind waits for tomorrow's run.
      if (progressed === 0) {
        complete = false;
        break;
      }
    }
  }
  return { anonymised: anonymisedNow, deferred, complete };
}
