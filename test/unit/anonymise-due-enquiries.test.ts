/** The retention run's loop: batch after batch until nothing is due, time runs short, or a batch does nothing. */
import { describe, expect, it } from 'vitest';
import { StaleVersion } from '../../functions/domain/errors.ts';
import {
  type AnonymiseDeps,
  anonymiseDueEnquiries,
} from '../../functions/domain/use-cases/anonymise-due-enquiries.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';
import { InMemoryCases, InMemoryEnquiries } from '../support/in-memory-ports.ts';

const POLICY = { closed: 12, sensitiveClosed: 24, neverClosed: 36 };
const AT = new Date('2027-02-10T02:30:00.000Z');

/** `standard` closed and `open` never-closed enquiries, all past their period at `AT`. */
function aStoreWithDue(standard: number, open: number) {
  const enquiries = new InMemoryEnquiries();
  const cases = new InMemoryCases(enquiries);
  const references: string[] = [];
  for (let i = 1; i <= standard + open; i++) {
    const reference = `CSU-2026-${String(i).padStart(6, '0')}`;
    references.push(reference);
    enquiries.enquiries.set(
      reference,
      aStoredEnquiry(
        i <= standard
          ? {
              reference,
              status: 'closed',
              sensitive: false,
              closure: { reason: 'resolved', at: `2026-01-${String(i).padStart(2, '0')}T00:00:00.000Z` },
            }
          : { reference, status: 'routed', receivedAt: '2023-12-01T00:00:00.000Z' },
      ),
    );
  }
  const isAnonymised = (reference: string) => Boolean(enquiries.enquiries.get(reference)?.anonymisedAt);
  return { cases, references, isAnonymised };
}

describe('anonymiseDueEnquiries in batches', () => {
  it('lists batch after batch until one comes back short, so one run anonymises all that is due', async () => {
    const { cases, references, isAnonymised } = aStoreWithDue(7, 5);

    const result = await anonymiseDueEnquiries({ cases }, { at: AT, policy: POLICY, batchSize: 3 });

    expect(result.complete).toBe(true);
    expect(result.anonymised).toHaveLength(12);
    expect(references.filter((reference) => !isAnonymised(reference))).toEqual([]);
  });

  it('stops when time runs short, and the next run finishes what is left', async () => {
    const { cases, references, isAnonymised } = aStoreWithDue(6, 0);
    let startsLeft = 4;
    const hasTimeLeft = () => startsLeft-- > 0;

    const first = await anonymiseDueEnquiries(
      { cases },
      { at: AT, policy: POLICY, batchSize: 2, hasTimeLeft },
    );
    const leftAfterFirst = references.filter((reference) => !isAnonymised(reference)).length;
    const second = await anonymiseDueEnquiries({ cases }, { at: AT, policy: POLICY, batchSize: 2 });

    expect(first.complete).toBe(false);
    expect(first.anonymised.length).toBeGreaterThan(0);
    expect(leftAfterFirst).toBe(6 - first.anonymised.length);
    expect(leftAfterFirst).toBeGreaterThan(0);
    expect(second.complete).toBe(true);
    expect(references.filter((reference) => !isAnonymised(reference))).toEqual([]);
  });

  it('leaves a kind whose full batch anonymised nothing (all being changed by staff) and goes on to the next', async () => {
    const { cases, references, isAnonymised } = aStoreWithDue(2, 2);
    const beingChanged = new Set(references.slice(0, 2));
    const busyCases: AnonymiseDeps['cases'] = {
      listClosedBefore: (...args) => cases.listClosedBefore(...args),
      listCases: (query) => cases.listCases(query),
      getCase: (reference) => cases.getCase(reference),
      anonymise: async (record, after, timeline) => {
        if (beingChanged.has(record.enquiry.reference)) throw new StaleVersion();
        return cases.anonymise(record, after, timeline);
      },
    };

    const result = await anonymiseDueEnquiries(
      { cases: busyCases },
      { at: AT, policy: POLICY, batchSize: 2 },
    );

    expect(result.complete).toBe(false);
    expect(result.deferred).toEqual(references.slice(0, 2));
    expect(references.map(isAnonymised)).toEqual([false, false, true, true]);
  });
});
