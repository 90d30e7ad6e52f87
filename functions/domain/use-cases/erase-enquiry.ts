import { randomUUID } from 'node:crypto';
import { actorOf, isCsuOfficer } from '../casework.ts';
import type { CaseRepository } from '../casework-ports.ts';
import { EnquiryNotFound, NotPermitted, StaleVersion } from '../errors.ts';
import type { Clock } from '../ports.ts';
import { isReference } from '../reference.ts';
import { anonymised } from '../retention.ts';
import type { StaffPrincipal } from '../staff.ts';
import { versionFromEtag } from './governance-writes.ts';

/** What was removed by an erasure, in words the officer can give the person who asked. */
export const ERASED = [
  'name',
  'email address',
  'phone number',
  'address and coordinates (the postcode sector is kept)',
  'description',
  'safe-contact preferences',
  'text of public updates',
  'text of internal notes',
  'status link',
] as const;

/** The receipt of an erasure: when, why, what went. */
export interface ErasureReceipt {
  readonly reference: string;
  readonly erasedAt: string;
  /** True when the enquiry had been erased (or anonymised by retention) before: nothing more was done. */
  readonly alreadyErased: boolean;
  readonly removed: readonly string[];
  readonly kept: readonly string[];
}

/**
 * Erases an enquiry's personal data now (UK GDPR art. 17), exactly as the retention job would later: an open
 * case is closed as withdrawn. A second request is answered with the first one's receipt and changes nothing.
 */
export async function eraseEnquiry(
  deps: { cases: Pick<CaseRepository, 'getCase' | 'anonymise'>; clock: Clock; newId?: () => string },
  principal: StaffPrincipal,
  input: { reference: string; ifMatch?: string },
): Promise<ErasureReceipt> {
  if (!isCsuOfficer(principal)) throw new NotPermitted(['csu-officer']);
  if (!isReference(input.reference)) throw new EnquiryNotFound(input.reference);
  const record = await deps.cases.getCase(input.reference);
  if (!record) throw new EnquiryNotFound(input.reference);
  const receipt = (erasedAt: string, alreadyErased: boolean): ErasureReceipt => ({
    reference: input.reference,
    erasedAt,
    alreadyErased,
    removed: ERASED,
    kept: ['reference', 'category', 'dates', 'status and outcome', 'agencies', 'timeline of changes'],
  });
  if (record.enquiry.anonymisedAt) return receipt(record.enquiry.anonymisedAt, true);
  if (record.enquiry.version !== versionFromEtag(input.ifMatch)) throw new StaleVersion();
  const at = deps.clock().toISOString();
  const after = anonymised(record.enquiry, at, 'withdrawn');
  await deps.cases.anonymise(record, after, [
    { id: (deps.newId ?? randomUUID)(), at, actor: actorOf(principal), kind: 'erased', details: {} },
  ]);
  return receipt(at, false);
}
