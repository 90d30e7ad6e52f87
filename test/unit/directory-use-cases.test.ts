/**
 * The directory's use cases over in-memory repositories: organisations and dated memberships (so voting rights
 * follow history), agencies (a new mailbox, deactivation refused while routed to), categories (retired ones
 * refused by name), the profile (roles and the chair rotation between them), documents, plans, assessments.
 */
import { describe, expect, it } from 'vitest';
import { rotationOf, termsToRecord } from '../../functions/domain/chair-rotation.ts';
import { categoriesRoutingTo, idFromName } from '../../functions/domain/directory.ts';
import type { NewEnquiry } from '../../functions/domain/enquiry.ts';
import {
  CategoryRetired,
  PreconditionRequired,
  RecordConflict,
  RecordNotFound,
  StaleVersion,
  ValidationFailed,
} from '../../functions/domain/errors.ts';
import { hasVotingRights } from '../../functions/domain/governance.ts';
import { offeredCategories } from '../../functions/domain/partnership.ts';
import { decideRecipients } from '../../functions/domain/routing.ts';
import {
  addOrganisationMembership,
  createAgency,
  createCategory,
  createOrganisation,
  endOrganisationMembership,
  updateAgency,
  updateCategory,
  updateOrganisation,
  updateProfile,
} from '../../functions/domain/use-cases/directory.ts';
import { recordDocument, saveAssessment, savePlan } from '../../functions/domain/use-cases/records.ts';
import { submitEnquiry } from '../../functions/domain/use-cases/submit-enquiry.ts';
import { updateRouting } from '../../functions/domain/use-cases/update-routing.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import {
  ABC,
  anAdmin,
  aSeededPartnership,
  InMemoryDirectory,
  POLICE,
  rejectionOf,
} from '../support/in-memory-governance.ts';
import {
  aClock,
  InMemoryEnquiries,
  InMemoryReferenceData,
  RecordingPublisher,
  testHasher,
} from '../support/in-memory-ports.ts';

const NOW = '2026-11-26T10:00:00.000Z';

/** Ashford as seeded, with its directory: every agency, category and routing rule of the file. */
async function ashford() {
  const clock = aClock(NOW);
  const system = await aSeededPartnership(clock());
  const referenceData = new InMemoryReferenceData(
    structuredClone(ASHFORD.partnership),
    ASHFORD.categories.map((c, position) => ({ ...c, position })),
    ASHFORD.agencies.map((a) => ({ ...a })),
    ASHFORD.routing.map((r) => ({ ...r, agencyIds: [...r.agencyIds] })),
  );
  const directory = new InMemoryDirectory(system.governance, referenceData);
  return { ...system, clock, referenceData, directory, deps: { directory, clock } };
}

const admin = anAdmin();

const aParkingEnquiry = (): NewEnquiry => ({
  category: 'parking',
  description: 'Van on the pavement',
  contact: { email: 'sam@resident.example' },
  happeningNow: false,
  safeContact: { mayEmail: true, mayPhone: false },
});

describe('ids from names', () => {
  it('makes a readable id: lower case, hyphens, no accents or punctuation', () => {
    expect(idFromName('Kent Police')).toBe('kent-police');
    expect(idFromName('  Sk8side & Uprising — Youth Services! ')).toBe('sk8side-uprising-youth-services');
    expect(idFromName('Café Crème')).toBe('cafe-creme');
    expect(idFromName('***')).toBe('');
    expect(idFromName(`${'a'.repeat(63)} b`)).toBe('a'.repeat(63));
  });
});

describe('organisations and memberships', () => {
  it('adds an organisation last, with its first membership, audited', async () => {
    const { deps, governance, audit } = await ashford();

    const icb = await createOrganisation(deps, {
      principal: admin,
      name: 'Kent and Medway Violence Reduction Unit',
      representatives: [{ name: 'Sam Patel', role: 'Director', email: 'sam.patel@vru.example' }],
      membership: { kind: 'other', startsOn: '2026-12-01' },
    });

    expect(icb).toMatchObject({
      id: 'kent-and-medway-violence-reduction-unit',
      version: 1,
      memberships: [{ kind: 'other', startsOn: '2026-12-01' }],
      representatives: [
        { id: expect.any(String), name: 'Sam Patel', role: 'Director', email: 'sam.patel@vru.example' },
      ],
    });
    expect((await governance.listOrganisations()).at(-1)?.id).toBe(icb.id);
    expect(audit.entries).toEqual([
      expect.objectContaining({
        entity: `ORGANISATION#${icb.id}`,
        action: 'create-organisation',
        actor: 'admin-1',
        at: NOW,
        before: null,
      }),
    ]);
  });

  it('refuses an id that is taken, and a name no id can be made from', async () => {
    const { deps, audit } = await ashford();

    const taken = await rejectionOf(createOrganisation(deps, { principal: admin, name: 'Kent Police' }));
    const nameless = await rejectionOf(createOrganisation(deps, { principal: admin, name: '—' }));

    expect(taken).toBeInstanceOf(RecordConflict);
    expect(nameless).toBeInstanceOf(ValidationFailed);
    expect(nameless).toMatchObject({ violations: [{ field: 'id' }] });
    expect(audit.entries).toEqual([]);
  });

  it('ends the CCG on 30 June 2022 and adds the ICB from 1 July: each date sees its own voter', async () => {
    const { deps, governance } = await ashford();
    const ccg = await createOrganisation(deps, {
      principal: admin,
      id: 'test-ccg',
      name: 'Test CCG',
      membership: { kind: 'statutory', startsOn: '2021-04-01' },
    });
    const icb = await createOrganisation(deps, { principal: admin, id: 'test-icb', name: 'Test ICB' });

    await endOrganisationMembership(deps, {
      principal: admin,
      id: ccg.id,
      n: 1,
      endsOn: '2022-06-30',
      ifMatch: '"1"',
    });
    await addOrganisationMembership(deps, {
      principal: admin,
      id: icb.id,
      ifMatch: '"1"',
      membership: { kind: 'statutory', startsOn: '2022-07-01' },
    });

    const [storedCcg, storedIcb] = await Promise.all(
      ['test-ccg', 'test-icb'].map(
        async (id) => (await governance.listOrganisations()).find((o) => o.id === id)!,
      ),
    );
    expect([hasVotingRights(storedCcg!, '2022-06-30'), hasVotingRights(storedIcb!, '2022-06-30')]).toEqual([
      true,
      false,
    ]);
    expect([hasVotingRights(storedCcg!, '2022-07-01'), hasVotingRights(storedIcb!, '2022-07-01')]).toEqual([
      false,
      true,
    ]);
    expect([hasVotingRights(storedCcg!, '2023-05-01'), hasVotingRights(storedIcb!, '2023-05-01')]).toEqual([
      false,
      true,
    ]);
  });

  it('refuses memberships that would overlap, end before they start, or end twice', async () => {
    const { deps } = await ashford();
    const org = await createOrganisation(deps, {
      principal: admin,
      id: 'overlapper',
      name: 'Overlapper',
      membership: { kind: 'other', startsOn: '2021-04-01' },
    });
    const add = (startsOn: string, ifMatch: string, endsOn?: string) =>
      rejectionOf(
        addOrganisationMembership(deps, {
          principal: admin,
          id: org.id,
          ifMatch,
          membership: { kind: 'statutory', startsOn, endsOn },
        }),
      );

    const whileOpen = await add('2023-01-01', '"1"');
    await endOrganisationMembership(deps, {
      principal: admin,
      id: org.id,
      n: 1,
      endsOn: '2022-12-31',
      ifMatch: '"1"',
    });
    const sameDay = await add('2022-12-31', '"2"');
    const backwards = await add('2024-01-01', '"2"', '2023-01-01');
    const endedAgain = await rejectionOf(
      endOrganisationMembership(deps, {
        principal: admin,
        id: org.id,
        n: 1,
        endsOn: '2023-01-31',
        ifMatch: '"2"',
      }),
    );
    const noSuch = await rejectionOf(
      endOrganisationMembership(deps, {
        principal: admin,
        id: org.id,
        n: 2,
        endsOn: '2023-01-31',
        ifMatch: '"2"',
      }),
    );

    expect(whileOpen).toBeInstanceOf(RecordConflict);
    expect(whileOpen).toMatchObject({ violations: [{ field: 'startsOn' }] });
    expect(sameDay).toMatchObject({
      violations: [{ field: 'startsOn', message: expect.stringContaining('2022-12-31') }],
    });
    expect(backwards).toBeInstanceOf(ValidationFailed);
    expect(endedAgain).toBeInstanceOf(RecordConflict);
    expect(noSuch).toBeInstanceOf(RecordNotFound);
  });

  it('ends a membership on the day it started: one day, that day', async () => {
    const { deps, governance } = await ashford();
    await createOrganisation(deps, {
      principal: admin,
      id: 'one-day',
      name: 'One day',
      membership: { kind: 'statutory', startsOn: '2024-05-01' },
    });

    await endOrganisationMembership(deps, {
      principal: admin,
      id: 'one-day',
      n: 1,
      endsOn: '2024-05-01',
      ifMatch: '"1"',
    });

    const organisation = (await governance.listOrganisations()).find((o) => o.id === 'one-day')!;
    expect(
      ['2024-04-30', '2024-05-01', '2024-05-02'].map((day) => hasVotingRights(organisation, day)),
    ).toEqual([false, true, false]);
  });

  it('refuses an end before the membership started', async () => {
    const { deps } = await ashford();

    const error = await rejectionOf(
      endOrganisationMembership(deps, {
        principal: admin,
        id: POLICE,
        n: 1,
        endsOn: '2021-03-31',
        ifMatch: '"1"',
      }),
    );

    expect(error).toBeInstanceOf(RecordConflict);
    expect(error).toMatchObject({ violations: [{ field: 'endsOn' }] });
  });

  it('renames and replaces representatives only with the ETag read, auditing only what changed', async () => {
    const { deps, governance, audit } = await ashford();
    const change = (ifMatch?: string) =>
      updateOrganisation(deps, {
        principal: admin,
        id: POLICE,
        ifMatch,
        representatives: [
          { name: 'Ch Insp Jo Smith', role: 'District Commander', email: 'jo.smith@police.example' },
        ],
      });

    const missing = await rejectionOf(change());
    const stale = await rejectionOf(change('"7"'));
    const changed = await change('"1"');

    expect(missing).toBeInstanceOf(PreconditionRequired);
    expect(stale).toBeInstanceOf(StaleVersion);
    expect(changed).toMatchObject({ name: 'Kent Police', version: 2 });
    expect((await governance.listOrganisations()).find((o) => o.id === POLICE)?.representatives).toEqual([
      {
        id: expect.any(String),
        name: 'Ch Insp Jo Smith',
        role: 'District Commander',
        email: 'jo.smith@police.example',
      },
    ]);
    expect(audit.entries).toHaveLength(1);
    expect(Object.keys(audit.entries[0]!.after as object)).toEqual(['representatives']);
    expect(audit.entries[0]!.before).toEqual({
      representatives: [expect.objectContaining({ name: 'Kent Police representative' })],
    });
  });
});

describe('agencies', () => {
  it('adds an agency, active and receiving nothing until routed to', async () => {
    const { deps, referenceData } = await ashford();

    const agency = await createAgency(deps, {
      principal: admin,
      name: 'Ashford Youth Hub',
      email: 'referrals@youth-hub.example',
    });

    expect(agency).toEqual({
      id: 'ashford-youth-hub',
      name: 'Ashford Youth Hub',
      email: 'referrals@youth-hub.example',
      safeguarding: false,
      active: true,
      version: 1,
      routingChanges: 0,
    });
    expect(
      categoriesRoutingTo(
        agency.id,
        await Promise.all(referenceData.routing.map(async (r) => ({ ...r, version: 1 }))),
      ),
    ).toEqual([]);
  });

  it('changes a referral mailbox: the next routing decision uses the new address', async () => {
    const { deps, referenceData, directory } = await ashford();

    await updateAgency(deps, {
      principal: admin,
      id: POLICE,
      ifMatch: '"1"',
      email: 'new.csu@police.example',
    });

    const rule = referenceData.routing.find((r) => r.category === 'anti-social-behaviour');
    const { recipients } = decideRecipients(
      rule,
      new Map(referenceData.agencies.map((a) => [a.id, a])),
      ASHFORD.partnership,
    );
    expect(recipients.find((r) => r.id === POLICE)?.email).toBe('new.csu@police.example');
    expect(directory.changes).toBe(1);
  });

  it('writes nothing for a change that changes nothing, yet still refuses a stale ETag', async () => {
    const { deps, directory, audit } = await ashford();
    const same = ASHFORD.agencies.find((a) => a.id === POLICE)!.email;

    const unchanged = await updateAgency(deps, { principal: admin, id: POLICE, ifMatch: '"1"', email: same });
    const stale = await rejectionOf(
      updateAgency(deps, { principal: admin, id: POLICE, ifMatch: '"2"', email: same }),
    );

    expect(unchanged.version).toBe(1);
    expect(stale).toBeInstanceOf(StaleVersion);
    expect(audit.entries).toEqual([]);
    expect(directory.changes).toBe(0);
  });

  it('refuses to deactivate an agency a routing rule names, naming every category', async () => {
    const { deps, referenceData, audit } = await ashford();

    const error = await rejectionOf(
      updateAgency(deps, { principal: admin, id: 'age-uk', ifMatch: '"1"', active: false }),
    );

    expect(error).toBeInstanceOf(RecordConflict);
    expect((error as RecordConflict).detail).toContain('older-or-vulnerable-people');
    expect((error as RecordConflict).violations).toEqual([
      { field: 'active', message: 'routing for older-or-vulnerable-people names this agency' },
    ]);
    expect(referenceData.agencies.find((a) => a.id === 'age-uk')?.active).not.toBe(false);
    expect(audit.entries).toEqual([]);
  });

  it('routes a sensitive category only to safeguarding agencies, changing nothing otherwise', async () => {
    const { referenceData, clock } = await ashford();
    const principal = { subject: 'csu-1', roles: ['csu-officer'] as const };
    const before = await referenceData.getRoutingRule('domestic-abuse');
    const refused = await rejectionOf(
      updateRouting(
        { referenceData, clock },
        {
          principal: { ...principal, roles: [...principal.roles] },
          category: 'domestic-abuse',
          agencyIds: ['kent-police', 'age-uk'],
          ifMatch: '"1"',
        },
      ),
    );
    expect(refused).toMatchObject({
      violations: [
        {
          field: 'agencyIds',
          message: 'age-uk is not a safeguarding agency, and domestic-abuse is sensitive',
        },
      ],
    });
    expect(await referenceData.getRoutingRule('domestic-abuse')).toEqual(before);
    // The same agency is fine for a category that is not sensitive.
    await expect(
      updateRouting(
        { referenceData, clock },
        {
          principal: { ...principal, roles: [...principal.roles] },
          category: 'parking',
          agencyIds: ['age-uk'],
          ifMatch: '"1"',
        },
      ),
    ).resolves.toMatchObject({ agencyIds: ['age-uk'] });
  });

  it('deactivates an agency no rule names; routing then refuses it and never sends to it', async () => {
    const { deps, referenceData, clock } = await ashford();
    await updateRouting(
      { referenceData, clock },
      {
        principal: { subject: 'csu-1', roles: ['csu-officer'] },
        category: 'older-or-vulnerable-people',
        agencyIds: ['kcc-community-wardens'],
        ifMatch: '"1"',
      },
    );

    const agency = await updateAgency(deps, {
      principal: admin,
      id: 'age-uk',
      ifMatch: '"1"',
      active: false,
    });
    const refused = await rejectionOf(
      updateRouting(
        { referenceData, clock },
        {
          principal: { subject: 'csu-1', roles: ['csu-officer'] },
          category: 'parking',
          agencyIds: ['age-uk'],
          ifMatch: '"1"',
        },
      ),
    );
    const { recipients, missingAgencyIds } = decideRecipients(
      { category: 'x', agencyIds: ['age-uk'] },
      new Map(referenceData.agencies.map((a) => [a.id, a])),
      ASHFORD.partnership,
    );

    expect(agency).toMatchObject({ active: false, version: 2 });
    expect(refused).toMatchObject({ violations: [{ field: 'agencyIds', message: 'age-uk is not active' }] });
    expect(recipients.map((r) => r.id)).toEqual(['csu']);
    expect(missingAgencyIds).toEqual(['age-uk']);
  });
});

describe('categories', () => {
  it('adds a category routed to the CSU alone, and lists it in its place on the form', async () => {
    const { deps, referenceData } = await ashford();

    const category = await createCategory(deps, {
      principal: admin,
      code: 'e-scooters',
      title: 'E-scooters',
      description: 'Dangerous riding of e-scooters and e-bikes.',
      sensitive: false,
      position: 3,
    });

    expect(category).toEqual({
      code: 'e-scooters',
      title: 'E-scooters',
      description: 'Dangerous riding of e-scooters and e-bikes.',
      sensitive: false,
      position: 3,
      retired: false,
      version: 1,
    });
    expect(await referenceData.getRoutingRule('e-scooters')).toMatchObject({ agencyIds: [] });
  });

  it('retires a category: off the form, new enquiries refused by name, stored ones keep it', async () => {
    const { deps, referenceData, clock } = await ashford();
    const enquiries = new InMemoryEnquiries();
    const submitDeps = {
      enquiries,
      referenceData,
      events: new RecordingPublisher(),
      clock,
      personalData: testHasher,
    };
    const before = await submitEnquiry(submitDeps, { enquiry: aParkingEnquiry() });

    await updateCategory(deps, { principal: admin, code: 'parking', ifMatch: '"1"', retired: true });
    const refused = await rejectionOf(submitEnquiry(submitDeps, { enquiry: aParkingEnquiry() }));

    expect(refused).toBeInstanceOf(CategoryRetired);
    expect(refused).toMatchObject({ category: 'parking', title: 'Parking' });
    expect(offeredCategories(await referenceData.listCategories()).map((c) => c.code)).not.toContain(
      'parking',
    );
    expect((await enquiries.get(before.enquiry.reference))?.category).toBe('parking');
  });

  it('treats a category stored without the flag as not retired: no write for no change, retired from false', async () => {
    const { deps, audit } = await ashford();

    const unchanged = await updateCategory(deps, {
      principal: admin,
      code: 'parking',
      ifMatch: '"1"',
      title: 'Parking',
    });
    expect(unchanged.version).toBe(1);
    expect(audit.entries).toEqual([]);

    await updateCategory(deps, { principal: admin, code: 'parking', ifMatch: '"1"', retired: true });
    expect(audit.entries[0]).toMatchObject({
      entity: 'CATEGORY#parking',
      before: { retired: false },
      after: { retired: true },
    });
  });
});

describe('partnership profile and the chair rotation', () => {
  it('changes the CSU mailbox and meetings with the ETag read, auditing before and after', async () => {
    const { deps, governance, audit } = await ashford();

    const profile = await updateProfile(
      { ...deps, organisations: () => governance.listOrganisations() },
      {
        principal: admin,
        ifMatch: '"1"',
        changes: {
          csuMailbox: 'csu@ashford.example',
          meetingPattern: [{ meeting: 'Partnership board', frequency: 'quarterly' }],
        },
      },
    );

    expect(profile).toMatchObject({ csuMailbox: 'csu@ashford.example', version: 2 });
    expect(audit.entries[0]).toMatchObject({
      entity: 'PARTNERSHIP',
      before: {
        csuMailbox: ASHFORD.partnership.csuMailbox,
        meetingPattern: [{ meeting: 'Community Safety Unit', frequency: 'monthly' }],
      },
      after: { csuMailbox: 'csu@ashford.example' },
    });
  });

  it('refuses a role for an organisation not on record, and taking away the role the rotation starts from', async () => {
    const { deps, governance, audit } = await ashford();
    const change = (roles: Record<string, string | null>) =>
      rejectionOf(
        updateProfile(
          { ...deps, organisations: () => governance.listOrganisations() },
          { principal: admin, ifMatch: '"1"', changes: { roles } },
        ),
      );

    const unknown = await change({ police: 'ghost-police' });
    const unheld = await change({ 'local-authority': null });

    expect(unknown).toMatchObject({
      violations: [{ field: 'roles.police', message: 'ghost-police is not an organisation on record' }],
    });
    expect(unheld).toBeInstanceOf(ValidationFailed);
    expect(audit.entries).toEqual([]);
  });

  it('keeps alternating when the police role passes to a new organisation', async () => {
    const { deps, governance } = await ashford();
    await createOrganisation(deps, {
      principal: admin,
      id: 'police-new',
      name: 'Kent and Medway Police',
      membership: { kind: 'statutory', startsOn: '2026-12-01' },
    });
    const profile = await updateProfile(
      { ...deps, organisations: () => governance.listOrganisations() },
      { principal: admin, ifMatch: '"1"', changes: { roles: { police: 'police-new' } } },
    );
    const rotation = rotationOf(profile.chairPolicy, profile.roles);
    const [current] = await governance.listChairTerms();

    // Kent Police (the old holder) chairs 2026-27; the council next; then the police role's new holder.
    const next = termsToRecord(rotation, current, '2028-05-01');

    expect(current).toMatchObject({ organisationId: POLICE });
    expect(next.map((t) => [t.startsOn, t.organisationId])).toEqual([
      ['2027-04-01', ABC],
      ['2028-04-01', 'police-new'],
    ]);
  });
});

describe('documents, plans and assessments', () => {
  it('records a document, and links a plan to it: the plan gives each plan year of its period', async () => {
    const { clock, records, audit } = await ashford();
    const deps = { records, clock };
    const document = await recordDocument(deps, {
      principal: admin,
      title: 'Community Safety Partnership Plan 2024-27',
      kind: 'partnership-plan',
      url: 'https://www.ashford.gov.example/csp-plan-2024-27.pdf',
      sizeBytes: 812_000,
      publishedOn: '2024-06-01',
    });
    const years = (...planYears: string[]) =>
      planYears.map((planYear) => ({ planYear, priorities: ['Tackling violence'] }));
    const plan = {
      period: '2024-27',
      title: 'Partnership Plan 2024-27',
      adoptedOn: '2024-05-20',
      documentId: document.id,
    };

    const short = await rejectionOf(
      savePlan(deps, { principal: admin, plan: { ...plan, years: years('2024-25', '2025-26') } }),
    );
    const unlinked = await rejectionOf(
      savePlan(deps, {
        principal: admin,
        plan: { ...plan, documentId: 'nothing', years: years('2024-25', '2025-26', '2026-27') },
      }),
    );
    const adopted = await savePlan(deps, {
      principal: admin,
      plan: { ...plan, years: years('2024-25', '2025-26', '2026-27') },
    });
    const unconditional = await rejectionOf(
      savePlan(deps, { principal: admin, plan: { ...plan, years: years('2024-25', '2025-26', '2026-27') } }),
    );
    const revised = await savePlan(deps, {
      principal: admin,
      ifMatch: '"1"',
      plan: {
        ...plan,
        years: [...years('2024-25', '2025-26'), { planYear: '2026-27', priorities: ['Retail crime'] }],
      },
    });

    expect(short).toMatchObject({
      violations: [{ field: 'years', message: 'must give 2024-25, 2025-26, 2026-27 in order' }],
    });
    expect(unlinked).toMatchObject({ violations: [{ field: 'documentId' }] });
    expect(adopted.version).toBe(1);
    expect(unconditional).toBeInstanceOf(PreconditionRequired);
    expect(revised.version).toBe(2);
    expect((await records.listPlans())[0]?.years[2]).toEqual({
      planYear: '2026-27',
      priorities: ['Retail crime'],
    });
    expect(audit.entries.map((e) => e.action)).toEqual(['record-document', 'adopt-plan', 'revise-plan']);
  });

  it('publishes a new plan year’s assessment, and revises the seeded one only with its version', async () => {
    const { clock, records } = await ashford();
    const deps = { records, clock };
    const assessment = {
      planYear: '2021-22',
      publishedOn: '2021-05-01',
      summary: 'Revised',
      findings: ['Violence'],
    };

    const stale = await rejectionOf(saveAssessment(deps, { principal: admin, assessment, ifMatch: '"2"' }));
    const revised = await saveAssessment(deps, { principal: admin, assessment, ifMatch: '"1"' });
    const fresh = await saveAssessment(deps, {
      principal: admin,
      assessment: { ...assessment, planYear: '2022-23' },
    });

    expect(stale).toBeInstanceOf(StaleVersion);
    expect(revised.version).toBe(2);
    expect(fresh.version).toBe(1);
    expect((await records.listAssessments()).map((a) => [a.planYear, a.summary])).toEqual([
      ['2022-23', 'Revised'],
      ['2021-22', 'Revised'],
    ]);
  });
});

describe('the chair rotation between roles', () => {
  it('gives an organisation holding two rotating roles one turn, not every turn', () => {
    const policy = {
      roles: ['police', 'local-authority', 'fire-and-rescue'] as const,
      termStartMonth: 9,
      termStartDay: 1,
      anchor: { startYear: 2024, role: 'police' as const },
    };
    // The county council is both the local authority and the fire authority.
    const rotation = rotationOf(policy, {
      police: 'police',
      'local-authority': 'county',
      'fire-and-rescue': 'county',
    });
    const first = termsToRecord(rotation, undefined, '2024-10-01')[0]!;

    const next = termsToRecord(rotation, first, '2027-10-01');

    expect(rotation.organisationIds).toEqual(['police', 'county']);
    expect(next.map((t) => t.organisationId)).toEqual(['county', 'police', 'county']);
  });
});
