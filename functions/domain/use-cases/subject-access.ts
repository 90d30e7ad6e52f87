import { actorOf, isCsuOfficer } from '../casework.ts';
import type { CaseRecord, CaseRepository } from '../casework-ports.ts';
import { normaliseEmail, normalisePhone } from '../enquiry.ts';
import { NotPermitted, ValidationFailed } from '../errors.ts';
import type { Clock, PersonalDataHasher, ReferenceDataRepository } from '../ports.ts';
import { isReference } from '../reference.ts';
import type { StaffPrincipal } from '../staff.ts';
import {
  type SubjectAccessExport,
  type SubjectIdentifier,
  type SubjectMatch,
  subjectAccessExport,
} from '../subject-access.ts';

export interface SubjectAccessRequest {
  readonly email?: string;
  readonly phone?: string;
  readonly reference?: string;
  readonly includeInternalNotes: boolean;
}

export interface SubjectAccessDeps {
  readonly cases: Pick<CaseRepository, 'findBySubject' | 'getCase' | 'recordAccess'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'listCategories'>;
  readonly personalData: PersonalDataHasher;
  readonly clock: Clock;
}

/**
 * Everything held about one person (UK GDPR art. 15), found by the keyed hash of their email or phone (the
 * subject indexes) and by a reference they quote; never by scanning. A CSU officer asks, having checked who
 * the person is; each enquiry exported is a read of its personal data, audited as such.
 */
export async function exportSubjectData(
  deps: SubjectAccessDeps,
  principal: StaffPrincipal,
  request: SubjectAccessRequest,
): Promise<SubjectAccessExport> {
  if (!isCsuOfficer(principal)) throw new NotPermitted(['csu-officer']);
  const searchedBy: SubjectIdentifier[] = [];
  if (request.email) searchedBy.push('email');
  if (request.phone) searchedBy.push('phone');
  if (request.reference) searchedBy.push('reference');
  if (searchedBy.length === 0) {
    throw new ValidationFailed([{ field: 'email', message: 'give an email, a phone number or a reference' }]);
  }

  const found = new Map<string, SubjectIdentifier[]>();
  const add = (identifier: SubjectIdentifier, references: readonly string[]) => {
    for (const reference of references) found.set(reference, [...(found.get(reference) ?? []), identifier]);
  };
  const [byEmail, byPhone] = await Promise.all([
    request.email
      ? deps.personalData
          .hash('email', normaliseEmail(request.email))
          .then((key) => deps.cases.findBySubject('email', key))
      : [],
    request.phone
      ? deps.personalData
          .hash('phone', normalisePhone(request.phone))
          .then((key) => deps.cases.findBySubject('phone', key))
      : [],
  ]);
  add('email', byEmail);
  add('phone', byPhone);
  if (request.reference && isReference(request.reference)) add('reference', [request.reference]);

  const [records, categories] = await Promise.all([
    Promise.all([...found.keys()].map((reference) => deps.cases.getCase(reference))),
    deps.referenceData.listCategories(),
  ]);
  const matches: SubjectMatch[] = records
    .filter((record): record is CaseRecord => record !== undefined)
    .map((record) => ({ record, matchedBy: found.get(record.enquiry.reference) ?? [] }));

  const at = deps.clock().toISOString();
  const actor = actorOf(principal);
  await Promise.all(
    matches.map(({ record }) =>
      deps.cases.recordAccess({
        reference: record.enquiry.reference,
        at,
        subject: actor.subject,
        role: actor.role,
        agencyId: actor.agencyId,
        view: request.includeInternalNotes ? 'subject-access-with-notes' : 'subject-access',
      }),
    ),
  );
  return subjectAccessExport(matches, {
    generatedAt: at,
    searchedBy,
    includeInternalNotes: request.includeInternalNotes,
    categoryTitles: new Map(categories.map((category) => [category.code, category.title])),
  });
}
