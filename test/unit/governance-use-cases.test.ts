/**
 * The governance use cases (reads, staff writes, chair rotation and its notices) against in-memory repositories
 * seeded with Ashford: each test checks what is stored, what the audit trail holds, which events were published
 * and which emails were sent.
 */
import { describe, expect, it } from 'vitest';
import {
  EmailNotAccepted,
  EventsNotPublished,
  NoChairRecorded,
  NotPermitted,
  PreconditionRequired,
  RecordNotFound,
  ReferenceDataMissing,
  StaleVersion,
  ValidationFailed,
  VoteRefused,
} from '../../functions/domain/errors.ts';
import {
  chairHistory,
  currentChair,
  listPartners,
  partnershipProfile,
} from '../../functions/domain/use-cases/governance-reads.ts';
import {
  appointChair,
  castVote,
  closeMotion,
  createMotion,
  etagOf,
  getMotion,
  motionView,
  parseEtag,
  revisePriorities,
  versionFromEtag,
} from '../../functions/domain/use-cases/governance-writes.ts';
import { ANNOUNCEMENT_LEASE_SECONDS, rotateChair } from '../../functions/domain/use-cases/rotate-chair.ts';
import { sendChairRotationNotices } from '../../functions/domain/use-cases/send-chair-rotation-notices.ts';
import { ASHFORD, ASHFORD_GOVERNANCE } from '../../scripts/seed/ashford.ts';
import {
  ABC,
  AGE_UK,
  aChairTerm,
  aMeeting,
  anAdmin,
  anEmptyPartnership,
  anOrganisation,
  aRepresentativeOf,
  aSeededPartnership,
  FIRE,
  FORUM,
  type InMemoryGovernance,
  interfereAfterNext,
  POLICE,
  rejectionOf,
} from '../support/in-memory-governance.ts';
import {
  aClock,
  InMemoryLedger,
  RecordingMailer,
  RecordingPublisher,
  testHasher,
} from '../support/in-memory-ports.ts';

const NOW = '2026-11-26T10:00:00.000Z';
const KCC = 'kcc-community-safety';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ashford as seeded at `now`: the 2026 term (Kent Police) is recorded, at version 1, and announced. */
async function ashford(now = NOW) {
  const clock = aClock(now);
  const system = await aSeededPartnership(clock());
  const events = new RecordingPublisher();
  return {
    ...system,
    clock,
    events,
    deps: { governance: system.governance, records: system.records, clock },
  };
}

describe('partnershipProfile', () => {
  it('is the enquiry-facing record together with its governance settings', async () => {
    const { governance } = await ashford();

    const profile = await partnershipProfile(governance);

    expect(profile).toEqual({ ...ASHFORD.partnership, ...ASHFORD_GOVERNANCE.profile, version: 1 });
  });

  it('is missing reference data when the profile was never seeded', async () => {
    const { governance } = anEmptyPartnership();

    const error = await rejectionOf(partnershipProfile(governance));

    expect(error).toBeInstanceOf(ReferenceDataMissing);
    expect(error).toMatchObject({ what: 'partnership profile' });
  });
});

describe('listPartners', () => {
  it('lists every current member in the partnership’s order, without contact details', async () => {
    const { governance } = await ashford();

    const { partners, cursor } = await listPartners(governance, { on: '2026-11-26', limit: 100 });

    // Every organisation but the two whose memberships ended: the CRC (2021) and the CCG (2022).
    expect(partners.map((p) => p.id)).toEqual(
      ASHFORD_GOVERNANCE.organisations
        .map((o) => o.id)
        .filter((id) => id !== 'kss-crc' && id !== 'ashford-ccg'),
    );
    expect(cursor).toBeUndefined();
    expect(partners.find((p) => p.id === POLICE)).toStrictEqual({
      id: POLICE,
      name: 'Kent Police',
      kind: 'statutory',
      votingRights: true,
      csuAgency: true,
      memberSince: '2021-04-01',
      representatives: [{ name: 'Kent Police representative', role: 'Partnership representative' }],
    });
    expect(partners.find((p) => p.id === FORUM)).toMatchObject({
      kind: 'other',
      votingRights: false,
      csuAgency: false,
    });
  });

  it('filters by kind; only statutory partners have voting rights', async () => {
    const { governance } = await ashford();
    const on = '2026-11-26';

    const statutory = await listPartners(governance, { on, kind: 'statutory', limit: 100 });
    const other = await listPartners(governance, { on, kind: 'other', limit: 100 });
    const invited = await listPartners(governance, { on, kind: 'invited', limit: 100 });

    expect(statutory.partners.map((p) => p.id)).toEqual([
      ABC,
      POLICE,
      KCC,
      FIRE,
      'probation-service',
      'nhs-kent-medway-icb',
    ]);
    expect(other.partners).toHaveLength(6);
    expect(invited.partners).toHaveLength(9);
    expect(statutory.partners.every((p) => p.votingRights && p.kind === 'statutory')).toBe(true);
    expect([...other.partners, ...invited.partners].some((p) => p.votingRights)).toBe(false);
  });

  it('lists nobody before the memberships start, and everybody from their first day', async () => {
    const { governance } = await ashford();

    const before = await listPartners(governance, { on: '2021-03-31', limit: 100 });
    const firstDay = await listPartners(governance, { on: '2021-04-01', limit: 100 });

    expect(before.partners).toEqual([]);
    // All 23 on record but the ICB, which joined on 1 July 2022.
    expect(firstDay.partners).toHaveLength(22);
    expect(firstDay.partners.map((p) => p.id)).not.toContain('nhs-kent-medway-icb');
  });

  it('pages with an opaque cursor, and gives none when the page reaches the end', async () => {
    const { governance } = await ashford();
    const on = '2026-11-26';
    const ids = ASHFORD_GOVERNANCE.organisations
      .map((o) => o.id)
      .filter((id) => id !== 'kss-crc' && id !== 'ashford-ccg');

    const first = await listPartners(governance, { on, limit: 8 });
    const second = await listPartners(governance, { on, limit: 8, cursor: first.cursor });
    const last = await listPartners(governance, { on, limit: 8, cursor: second.cursor });
    const exact = await listPartners(governance, { on, limit: 21 });
    const oneShort = await listPartners(governance, { on, limit: 20 });

    expect([first, second, last].map((p) => p.partners.map((partner) => partner.id))).toEqual([
      ids.slice(0, 8),
      ids.slice(8, 16),
      ids.slice(16),
    ]);
    expect(first.cursor).toEqual(expect.any(String));
    expect(last.cursor).toBeUndefined();
    expect(exact.cursor).toBeUndefined();
    expect(oneShort.cursor).toEqual(expect.any(String));
    await expect(listPartners(governance, { on, limit: 8, cursor: 'forged' })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
  });

  it('follows membership history: kind and voting rights of the day, member since the first period of that kind', async () => {
    const { governance } = await ashford();
    await governance.putOrganisation(
      anOrganisation('nhs-kent', {
        memberships: [
          { kind: 'statutory', startsOn: '2013-04-01', endsOn: '2015-03-31' },
          { kind: 'other', startsOn: '2015-04-01', endsOn: '2022-06-30' },
          { kind: 'statutory', startsOn: '2022-07-01' },
        ],
      }),
      30,
    );
    await governance.putOrganisation(
      anOrganisation('left-partner', {
        memberships: [{ kind: 'statutory', startsOn: '2021-04-01', endsOn: '2026-11-25' }],
      }),
      31,
    );
    const partner = async (on: string, id: string) =>
      (await listPartners(governance, { on, limit: 100 })).partners.find((p) => p.id === id);

    expect(await partner('2020-01-01', 'nhs-kent')).toMatchObject({
      kind: 'other',
      votingRights: false,
      memberSince: '2015-04-01',
    });
    expect(await partner('2026-11-26', 'nhs-kent')).toMatchObject({
      kind: 'statutory',
      votingRights: true,
      memberSince: '2013-04-01',
    });
    expect(await partner('2026-11-25', 'left-partner')).toMatchObject({ kind: 'statutory' });
    expect(await partner('2026-11-26', 'left-partner')).toBeUndefined();
  });
});

describe('chairHistory and currentChair', () => {
  async function withTerms() {
    const system = anEmptyPartnership();
    const { governance } = system;
    for (const [i, organisation] of ASHFORD_GOVERNANCE.organisations.entries()) {
      await governance.putOrganisation(organisation, i);
    }
    await governance.recordChairTerm(aChairTerm(2024, POLICE), '2024-04-01T00:00:00.000Z');
    await governance.recordChairTerm(aChairTerm(2026, 'former-partner', 'appointment'), NOW);
    await governance.recordChairTerm(aChairTerm(2025, ABC), '2025-04-01T00:00:00.000Z');
    await governance.appointChair('2025-04-01', FIRE, 1, {
      entity: 'CHAIR_TERM#2025-04-01',
      action: 'appoint-chair',
      actor: 'admin-1',
      at: NOW,
      before: null,
      after: null,
    });
    return system;
  }

  it('lists terms newest first, named, with their versions and without bookkeeping', async () => {
    const { governance } = await withTerms();

    const history = await chairHistory(governance);

    expect(history).toStrictEqual([
      {
        ...aChairTerm(2026, 'former-partner', 'appointment'),
        version: 1,
        // An organisation no longer on record is shown by its id rather than dropped.
        organisationName: 'former-partner',
      },
      {
        ...aChairTerm(2025, FIRE, 'appointment'),
        version: 2,
        organisationName: 'Kent Fire and Rescue Service',
      },
      { ...aChairTerm(2024, POLICE), version: 1, organisationName: 'Kent Police' },
    ]);
  });

  it('finds the term in force on a day: from its first day, up to but not including its end', async () => {
    const { governance } = await withTerms();

    expect((await currentChair(governance, '2025-03-31')).startsOn).toBe('2024-04-01');
    expect((await currentChair(governance, '2025-04-01')).startsOn).toBe('2025-04-01');
    expect((await currentChair(governance, '2026-03-31')).startsOn).toBe('2025-04-01');
    expect(await currentChair(governance, '2026-04-01')).toMatchObject({
      startsOn: '2026-04-01',
      organisationId: 'former-partner',
    });
  });

  it('says no chair is recorded for a day outside every term', async () => {
    const { governance } = await withTerms();

    const afterLast = await rejectionOf(currentChair(governance, '2027-04-01'));
    const beforeFirst = await rejectionOf(currentChair(governance, '2024-03-31'));

    expect(afterLast).toBeInstanceOf(NoChairRecorded);
    expect(afterLast).toMatchObject({ on: '2027-04-01' });
    expect(beforeFirst).toMatchObject({ on: '2024-03-31' });
  });
});

describe('ETags', () => {
  it('formats a version, optionally scoped to a chair term', () => {
    expect(etagOf(3)).toBe('"3"');
    expect(etagOf(3, '2026-04-01')).toBe('"2026-04-01.3"');
    expect(etagOf(3, '')).toBe('"3"');
  });

  it('parses what it formats, and tolerates surrounding whitespace', () => {
    expect(parseEtag('"3"')).toStrictEqual({ scope: undefined, version: 3 });
    expect(parseEtag(etagOf(12, '2026-04-01'))).toStrictEqual({ scope: '2026-04-01', version: 12 });
    expect(parseEtag('  "7" ')).toStrictEqual({ scope: undefined, version: 7 });
    expect(parseEtag('"1"').version).toBe(1);
    expect(parseEtag('"123456789"').version).toBe(123456789);
    expect(versionFromEtag('"2026-04-01.5"')).toBe(5);
    expect(versionFromEtag('"5"')).toBe(5);
  });

  it('requires If-Match', () => {
    expect(() => parseEtag(undefined)).toThrow(PreconditionRequired);
    expect(() => versionFromEtag(undefined)).toThrow(PreconditionRequired);
  });

  it.each([
    'W/"3"',
    '3',
    '"3',
    '3"',
    'x"3"',
    '"3"x',
    '""',
    '"0"',
    '"00"',
    '"-1"',
    '"1.5"',
    '"abc"',
    '"1234567890"',
    '"2026-04-1.3"',
    '"2026-04-011.3"',
    '"2026-04-01."',
    '"2026-04-01.0"',
    '"2026/04/01.3"',
  ])('refuses %s as an ETag this API did not return', (ifMatch) => {
    let error: unknown;
    try {
      parseEtag(ifMatch);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).violations).toEqual([
      { field: 'If-Match', message: 'must be an ETag this API returned, e.g. "3"' },
    ]);
  });
});

describe('appointChair', () => {
  const appoint = (ifMatch?: string, organisationId = FIRE) => ({
    principal: anAdmin('admin-7'),
    organisationId,
    reason: 'The police chair is on leave',
    ifMatch,
  });

  it('appoints a current partner to chair the current term, bumping its version, with an audit entry', async () => {
    const { deps, governance, clock } = await ashford();
    clock.advance(60);

    const term = await appointChair(deps, appoint('"2026-04-01.1"'));

    expect(term).toStrictEqual({
      startsOn: '2026-04-01',
      endsOn: '2027-04-01',
      organisationId: FIRE,
      source: 'appointment',
      version: 2,
      organisationName: 'Kent Fire and Rescue Service',
    });
    expect(await governance.listChairTerms()).toEqual([
      {
        ...aChairTerm(2026, FIRE, 'appointment'),
        recordedAt: NOW,
        announcedAt: NOW,
        version: 2,
      },
    ]);
    expect(await governance.listAudit('CHAIR_TERM#2026-04-01')).toEqual([
      {
        entity: 'CHAIR_TERM#2026-04-01',
        action: 'appoint-chair',
        actor: 'admin-7',
        at: '2026-11-26T10:01:00.000Z',
        before: { organisationId: POLICE, source: 'rotation' },
        after: { organisationId: FIRE, source: 'appointment', reason: 'The police chair is on leave' },
      },
    ]);
  });

  it('takes the ETag of the last change: a second correction with the first ETag is stale', async () => {
    const { deps, governance, audit } = await ashford();
    const first = await appointChair(deps, appoint('"2026-04-01.1"', ABC));

    const second = await appointChair(deps, appoint(etagOf(first.version, first.startsOn), POLICE));
    const stale = appointChair(deps, appoint('"2026-04-01.1"', FIRE));

    expect(second).toMatchObject({ organisationId: POLICE, source: 'appointment', version: 3 });
    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    expect((await governance.listChairTerms())[0]).toMatchObject({ organisationId: POLICE, version: 3 });
    expect(audit.entries.map((e) => (e.after as { organisationId: string }).organisationId)).toEqual([
      ABC,
      POLICE,
    ]);
  });

  it.each([
    ['without If-Match', undefined, PreconditionRequired],
    ['with an unscoped ETag', '"1"', StaleVersion],
    ['with an ETag of the previous term', '"2025-04-01.1"', StaleVersion],
    ['with a version the term does not have', '"2026-04-01.2"', StaleVersion],
    ['with a weak ETag', 'W/"2026-04-01.1"', ValidationFailed],
  ])('changes nothing %s', async (_, ifMatch, refusal) => {
    const { deps, governance, audit } = await ashford();

    await expect(appointChair(deps, appoint(ifMatch))).rejects.toBeInstanceOf(refusal);

    expect(await governance.listChairTerms()).toMatchObject([{ organisationId: POLICE, version: 1 }]);
    expect(audit.entries).toEqual([]);
  });

  it('refuses an organisation that is not a current partner', async () => {
    const { deps, governance, audit } = await ashford();
    await governance.putOrganisation(
      anOrganisation('left-today', {
        memberships: [{ kind: 'statutory', startsOn: '2021-04-01', endsOn: '2026-11-25' }],
      }),
      30,
    );

    const unknown = await rejectionOf(appointChair(deps, appoint('"2026-04-01.1"', 'ghost')));
    const former = await rejectionOf(appointChair(deps, appoint('"2026-04-01.1"', 'left-today')));

    for (const error of [unknown, former]) {
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).violations).toEqual([
        { field: 'organisationId', message: 'is not a current partner' },
      ]);
    }
    expect(await governance.listChairTerms()).toMatchObject([{ organisationId: POLICE, version: 1 }]);
    expect(audit.entries).toEqual([]);
  });

  it('accepts a partner on the last day of its membership', async () => {
    const { deps, governance } = await ashford();
    await governance.putOrganisation(
      anOrganisation('leaving-tomorrow', {
        memberships: [{ kind: 'statutory', startsOn: '2021-04-01', endsOn: '2026-11-26' }],
      }),
      30,
    );

    const term = await appointChair(deps, appoint('"2026-04-01.1"', 'leaving-tomorrow'));

    expect(term).toMatchObject({ organisationId: 'leaving-tomorrow', version: 2 });
  });

  it('says no chair is recorded when the rotation has not recorded the current term', async () => {
    const { deps, governance } = await ashford();
    governance.chairTerms.clear();

    const error = await rejectionOf(appointChair(deps, appoint('"2026-04-01.1"')));

    expect(error).toBeInstanceOf(NoChairRecorded);
    expect(error).toMatchObject({ on: '2026-11-26' });
  });

  it('works on the UK calendar: just after midnight in BST the new term is the current one', async () => {
    const { governance, events } = await ashford();
    const clock = aClock('2027-03-31T23:30:00.000Z');
    await rotateChair({ governance, events, clock }, { at: clock() });

    const stale = await rejectionOf(appointChair({ governance, clock }, appoint('"2026-04-01.1"')));
    const term = await appointChair({ governance, clock }, appoint('"2027-04-01.1"', POLICE));

    expect(stale).toBeInstanceOf(StaleVersion);
    expect(term).toMatchObject({ startsOn: '2027-04-01', organisationId: POLICE, source: 'appointment' });
  });
});

describe('motions', () => {
  it('puts a motion with the partnership’s quorum, open and without votes', async () => {
    const { deps, governance } = await ashford();

    const motion = await createMotion(deps, { title: 'Adopt the 2027-28 plan' });

    expect(motion).toStrictEqual({
      id: expect.stringMatching(UUID),
      title: 'Adopt the 2027-28 plan',
      quorum: 4,
      status: 'open',
      createdAt: NOW,
      date: '2026-11-26',
      meetingId: undefined,
      votes: [],
      result: { for: 0, against: 0, abstain: 0, turnout: 0, quorate: false, outcome: 'inquorate' },
      voters: [
        { id: ABC, name: 'Ashford Borough Council' },
        { id: POLICE, name: 'Kent Police' },
        { id: KCC, name: 'Kent County Council (Community Safety)' },
        { id: FIRE, name: 'Kent Fire and Rescue Service' },
        {
          id: 'probation-service',
          name: 'The Probation Service (Kent, Surrey and Sussex; the National Probation Service until June 2021)',
        },
        { id: 'nhs-kent-medway-icb', name: 'NHS Kent and Medway Integrated Care Board' },
      ],
    });
    expect(await governance.getMotion(motion.id)).toEqual({
      id: motion.id,
      title: 'Adopt the 2027-28 plan',
      quorum: 4,
      status: 'open',
      createdAt: NOW,
      date: '2026-11-26',
      votes: [],
    });
  });

  it('judges who may vote on the motion’s date: the CCG before 1 July 2022, the ICB after', async () => {
    const { deps } = await ashford();

    const june2022 = await createMotion(deps, { title: 'June 2022', date: '2022-06-01' });
    const may2023 = await createMotion(deps, { title: 'May 2023', date: '2023-05-01' });
    const june2021 = await createMotion(deps, { title: 'June 2021', date: '2021-06-01' });

    const voters = (motion: { voters: { id: string }[] }) => motion.voters.map((v) => v.id);
    expect(voters(june2022)).toContain('ashford-ccg');
    expect(voters(june2022)).not.toContain('nhs-kent-medway-icb');
    expect(voters(may2023)).toContain('nhs-kent-medway-icb');
    expect(voters(may2023)).not.toContain('ashford-ccg');
    // Before 26 June 2021 the Community Rehabilitation Company still voted.
    expect(voters(june2021)).toContain('kss-crc');
    expect(voters(june2022)).not.toContain('kss-crc');
    await expect(
      castVote(deps, {
        principal: aRepresentativeOf('nhs-kent-medway-icb'),
        motionId: june2022.id,
        choice: 'for',
      }),
    ).rejects.toMatchObject({ refusal: 'no-voting-rights' });
    await castVote(deps, {
      principal: aRepresentativeOf('ashford-ccg'),
      motionId: june2022.id,
      choice: 'for',
    });
  });

  it('takes a quorum given with the motion, and 1 when the partnership has no profile', async () => {
    const { deps } = await ashford();
    const { governance: empty } = anEmptyPartnership();

    const given = await createMotion(deps, { title: 'Given', quorum: 2 });
    const fallback = await createMotion({ ...deps, governance: empty }, { title: 'Fallback' });

    expect(given.quorum).toBe(2);
    expect(fallback.quorum).toBe(1);
  });

  it('lists a motion put to a meeting on that meeting, leaving the meeting’s version as it was', async () => {
    const { deps, records } = await ashford();
    await records.putMeeting(aMeeting({ id: 'board-dec' }));

    const first = await createMotion(deps, { title: 'First', meetingId: 'board-dec' });
    const second = await createMotion(deps, { title: 'Second', meetingId: 'board-dec' });

    expect(first).toMatchObject({ meetingId: 'board-dec' });
    expect(await records.getMeeting('board-dec')).toMatchObject({
      motionIds: [first.id, second.id],
      version: 1,
    });
  });

  it('refuses a meeting that is not on record, storing nothing', async () => {
    const { deps, governance } = await ashford();

    const error = await rejectionOf(createMotion(deps, { title: 'Orphan', meetingId: 'no-such-meeting' }));

    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).violations).toEqual([
      { field: 'meetingId', message: 'is not a meeting on record' },
    ]);
    expect(governance.motions.size).toBe(0);
  });

  it('reads a motion with its result, and says when there is none', async () => {
    const { deps, governance } = await ashford();
    const { id } = await createMotion(deps, { title: 'Result', quorum: 2 });
    await governance.recordVote(id, { organisationId: POLICE, choice: 'for' }, NOW);
    await governance.recordVote(id, { organisationId: ABC, choice: 'for' }, NOW);

    const motion = await getMotion(deps, id);
    const missing = await rejectionOf(getMotion(deps, 'no-such-motion'));

    expect(motion.result).toEqual({
      for: 2,
      against: 0,
      abstain: 0,
      turnout: 2,
      quorate: true,
      outcome: 'carried',
    });
    expect(missing).toBeInstanceOf(RecordNotFound);
    expect(missing).toMatchObject({ what: 'Motion' });
  });

  it('views a motion with a copy of its votes', () => {
    const votes = [{ organisationId: POLICE, choice: 'against' as const }];

    const view = motionView({ id: 'm', title: 'T', quorum: 1, status: 'closed', createdAt: NOW, votes }, []);

    expect(view.votes).toEqual(votes);
    expect(view.votes).not.toBe(votes);
    expect(view.result.outcome).toBe('defeated');
  });
});

describe('castVote', () => {
  async function anOpenMotion(options: { quorum?: number; now?: string } = {}) {
    const system = await ashford(options.now);
    const motion = await createMotion(system.deps, {
      title: 'Fund more street lighting',
      quorum: options.quorum,
    });
    return { ...system, motionId: motion.id };
  }

  it('records the vote of the caller’s organisation, when, and the result so far', async () => {
    const { deps, governance, clock, motionId } = await anOpenMotion();
    clock.advance(30);

    const view = await castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' });

    expect(view).toMatchObject({
      id: motionId,
      status: 'open',
      votes: [{ organisationId: POLICE, choice: 'for' }],
      result: { for: 1, against: 0, abstain: 0, turnout: 1, quorate: false, outcome: 'inquorate' },
    });
    expect(governance.motions.get(motionId)?.votes).toEqual([
      { organisationId: POLICE, choice: 'for', at: '2026-11-26T10:00:30.000Z' },
    ]);
  });

  it('counts one vote per statutory partner towards a quorate result', async () => {
    const { deps, motionId } = await anOpenMotion({ quorum: 4 });

    await castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' });
    await castVote(deps, { principal: aRepresentativeOf(ABC), motionId, choice: 'for' });
    await castVote(deps, { principal: aRepresentativeOf(FIRE), motionId, choice: 'against' });
    const view = await castVote(deps, { principal: aRepresentativeOf(KCC), motionId, choice: 'abstain' });

    expect(view.votes).toEqual([
      { organisationId: ABC, choice: 'for' },
      { organisationId: KCC, choice: 'abstain' },
      { organisationId: FIRE, choice: 'against' },
      { organisationId: POLICE, choice: 'for' },
    ]);
    expect(view.result).toEqual({
      for: 2,
      against: 1,
      abstain: 1,
      turnout: 4,
      quorate: true,
      outcome: 'carried',
    });
  });

  it('refuses a caller who speaks for no organisation (e.g. an admin), storing nothing', async () => {
    const { deps, governance, motionId } = await anOpenMotion();

    const error = await rejectionOf(castVote(deps, { principal: anAdmin(), motionId, choice: 'for' }));

    expect(error).toBeInstanceOf(NotPermitted);
    expect(error).toMatchObject({ requiredRoles: ['partner-representative of an organisation'] });
    expect(governance.motions.get(motionId)?.votes).toEqual([]);
  });

  it('says when the motion does not exist', async () => {
    const { deps } = await anOpenMotion();

    const error = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(POLICE), motionId: 'no-such-motion', choice: 'for' }),
    );

    expect(error).toBeInstanceOf(RecordNotFound);
    expect(error).toMatchObject({ what: 'Motion' });
  });

  it.each([
    ['an other partner', FORUM],
    ['an invited agency', AGE_UK],
    ['an organisation not on record', 'ghost-org'],
  ])('refuses %s: no voting rights', async (_, organisationId) => {
    const { deps, governance, motionId } = await anOpenMotion();

    const error = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(organisationId), motionId, choice: 'for' }),
    );

    expect(error).toBeInstanceOf(VoteRefused);
    expect(error).toMatchObject({ refusal: 'no-voting-rights' });
    expect(governance.motions.get(motionId)?.votes).toEqual([]);
  });

  it('judges voting rights on the motion’s UK date: one put at 00:30 BST on 1 April is dated 1 April', async () => {
    const { deps, governance, clock, motionId } = await anOpenMotion({ now: '2027-03-31T22:30:00.000Z' });
    await governance.putOrganisation(
      anOrganisation('ccg', {
        memberships: [{ kind: 'statutory', startsOn: '2021-04-01', endsOn: '2027-03-31' }],
      }),
      30,
    );
    clock.advance(3600);
    const motionId2 = (await createMotion(deps, { title: 'Second' })).id;

    // The first motion was put on 31 March: the CCG votes on it even now, on 1 April.
    await castVote(deps, { principal: aRepresentativeOf('ccg'), motionId, choice: 'for' });
    const late = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf('ccg'), motionId: motionId2, choice: 'for' }),
    );

    expect(late).toMatchObject({ refusal: 'no-voting-rights' });
    expect(governance.motions.get(motionId)?.votes).toHaveLength(1);
    expect(governance.motions.get(motionId2)?.votes).toEqual([]);
  });

  it('refuses a second vote of an organisation, from any of its representatives, keeping the first', async () => {
    const { deps, governance, motionId } = await anOpenMotion();
    await castVote(deps, { principal: aRepresentativeOf(POLICE, 'inspector'), motionId, choice: 'for' });

    const error = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(POLICE, 'superintendent'), motionId, choice: 'against' }),
    );

    expect(error).toMatchObject({ refusal: 'already-voted' });
    expect((await governance.getMotion(motionId))?.votes).toEqual([
      { organisationId: POLICE, choice: 'for' },
    ]);
  });

  it('lets another organisation vote after one has: each vote is its own organisation’s', async () => {
    const { deps, motionId } = await anOpenMotion();
    await castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' });

    const view = await castVote(deps, { principal: aRepresentativeOf(ABC), motionId, choice: 'against' });

    expect(view.votes).toEqual([
      { organisationId: ABC, choice: 'against' },
      { organisationId: POLICE, choice: 'for' },
    ]);
  });

  it('refuses votes on a closed motion', async () => {
    const { deps, governance, motionId } = await anOpenMotion();
    await closeMotion(deps, motionId);

    const error = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' }),
    );

    expect(error).toMatchObject({ refusal: 'motion-closed' });
    expect(governance.motions.get(motionId)?.votes).toEqual([]);
  });

  it('refuses a closed motion as closed, before asking about voting rights or earlier votes', async () => {
    const { deps, motionId } = await anOpenMotion();
    await castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' });
    await closeMotion(deps, motionId);

    const nonVoting = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(FORUM), motionId, choice: 'for' }),
    );
    const votedBefore = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'against' }),
    );

    expect(nonVoting).toMatchObject({ refusal: 'motion-closed' });
    expect(votedBefore).toMatchObject({ refusal: 'motion-closed' });
  });

  it('refuses a vote when the motion closes between reading it and recording the vote', async () => {
    const { deps, governance, motionId } = await anOpenMotion();
    interfereAfterNext(governance, 'getMotion', () => governance.closeMotion(motionId, NOW));

    const error = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' }),
    );

    expect(error).toBeInstanceOf(VoteRefused);
    expect(error).toMatchObject({ refusal: 'motion-closed' });
    expect(governance.motions.get(motionId)).toMatchObject({ status: 'closed', votes: [] });
  });

  it('keeps one vote when two representatives of an organisation race', async () => {
    const { deps, governance, motionId } = await anOpenMotion();
    interfereAfterNext(governance, 'getMotion', () =>
      governance.recordVote(motionId, { organisationId: POLICE, choice: 'against' }, NOW),
    );

    const error = await rejectionOf(
      castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' }),
    );

    expect(error).toBeInstanceOf(VoteRefused);
    expect(error).toMatchObject({ refusal: 'already-voted' });
    expect((await governance.getMotion(motionId))?.votes).toEqual([
      { organisationId: POLICE, choice: 'against' },
    ]);
  });

  it('keeps one vote when the same request arrives twice at once', async () => {
    const { deps, governance, motionId } = await anOpenMotion();
    const vote = () => castVote(deps, { principal: aRepresentativeOf(POLICE), motionId, choice: 'for' });

    const outcomes = await Promise.allSettled([vote(), vote()]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(governance.motions.get(motionId)?.votes).toHaveLength(1);
  });
});

describe('closeMotion', () => {
  it('closes an open motion once, fixing its result and when it became final', async () => {
    const { deps, governance, clock } = await ashford();
    const { id } = await createMotion(deps, { title: 'Close me', quorum: 1 });
    await castVote(deps, { principal: aRepresentativeOf(POLICE), motionId: id, choice: 'against' });
    clock.advance(3600);

    const closed = await closeMotion(deps, id);
    clock.advance(60);
    const again = await rejectionOf(closeMotion(deps, id));

    expect(closed).toMatchObject({
      status: 'closed',
      closedAt: '2026-11-26T11:00:00.000Z',
      createdAt: NOW,
      result: { against: 1, turnout: 1, quorate: true, outcome: 'defeated' },
    });
    expect(again).toBeInstanceOf(VoteRefused);
    expect(again).toMatchObject({ refusal: 'motion-closed' });
    expect(await governance.getMotion(id)).toMatchObject({
      status: 'closed',
      closedAt: '2026-11-26T11:00:00.000Z',
    });
  });

  it('says when the motion does not exist', async () => {
    const { deps } = await ashford();

    const error = await rejectionOf(closeMotion(deps, 'no-such-motion'));

    expect(error).toBeInstanceOf(RecordNotFound);
    expect(error).toMatchObject({ what: 'Motion' });
  });
});

describe('revisePriorities', () => {
  const titles = ['Tackling violence', 'Tackling retail crime'];

  it('creates a plan year without If-Match, at version 1, with an audit entry', async () => {
    const { deps, governance } = await ashford();

    const saved = await revisePriorities(deps, {
      principal: anAdmin('admin-3'),
      planYear: '2027-28',
      titles,
    });

    expect(saved).toEqual({ planYear: '2027-28', titles, revisedOn: '2026-11-26', version: 1 });
    expect(await governance.listPriorities('2027-28')).toEqual([
      { planYear: '2027-28', position: 1, title: 'Tackling violence' },
      { planYear: '2027-28', position: 2, title: 'Tackling retail crime' },
    ]);
    expect(await governance.listAudit('PLAN_YEAR#2027-28')).toEqual([
      {
        entity: 'PLAN_YEAR#2027-28',
        action: 'create-plan-year',
        actor: 'admin-3',
        at: NOW,
        before: null,
        after: { titles },
      },
    ]);
  });

  it('dates a revision on the UK calendar', async () => {
    const { deps } = await ashford('2027-03-31T23:30:00.000Z');

    const saved = await revisePriorities(deps, { principal: anAdmin(), planYear: '2027-28', titles });

    expect(saved.revisedOn).toBe('2027-04-01');
  });

  it('revises a plan year at the version read, recording what it replaced', async () => {
    const { deps, governance, clock } = await ashford();
    clock.advance(120);

    const saved = await revisePriorities(deps, {
      principal: anAdmin('admin-3'),
      planYear: '2021-22',
      titles,
      ifMatch: '"1"',
    });

    expect(saved).toEqual({ planYear: '2021-22', titles, revisedOn: '2026-11-26', version: 2 });
    expect(await governance.listAudit('PLAN_YEAR#2021-22')).toEqual([
      {
        entity: 'PLAN_YEAR#2021-22',
        action: 'revise-priorities',
        actor: 'admin-3',
        at: '2026-11-26T10:02:00.000Z',
        before: { titles: ASHFORD_GOVERNANCE.priorities[0]!.titles },
        after: { titles },
      },
    ]);
  });

  it('refuses a revision without If-Match, or at a version since replaced, changing nothing', async () => {
    const { deps, governance, audit } = await ashford();
    await revisePriorities(deps, { principal: anAdmin(), planYear: '2021-22', titles, ifMatch: '"1"' });

    const missing = await rejectionOf(
      revisePriorities(deps, { principal: anAdmin(), planYear: '2021-22', titles: ['X'] }),
    );
    const stale = await rejectionOf(
      revisePriorities(deps, { principal: anAdmin(), planYear: '2021-22', titles: ['X'], ifMatch: '"1"' }),
    );

    expect(missing).toBeInstanceOf(PreconditionRequired);
    expect(stale).toBeInstanceOf(StaleVersion);
    expect(await governance.getPlanYear('2021-22')).toMatchObject({ titles, version: 2 });
    expect(audit.entries).toHaveLength(1);
  });

  it('refuses If-Match on a plan year that does not exist yet, storing nothing', async () => {
    const { deps, governance, audit } = await ashford();

    const created = revisePriorities(deps, {
      principal: anAdmin(),
      planYear: '2027-28',
      titles,
      ifMatch: '"1"',
    });

    await expect(created).rejects.toBeInstanceOf(StaleVersion);
    expect(await governance.getPlanYear('2027-28')).toBeUndefined();
    expect(audit.entries).toEqual([]);
  });

  it('lets one of two racing creations win; the other is stale', async () => {
    const { deps, governance, audit } = await ashford();
    interfereAfterNext(governance, 'getPlanYear', () =>
      revisePriorities(deps, { principal: anAdmin('winner'), planYear: '2027-28', titles: ['Winner'] }),
    );

    const late = revisePriorities(deps, { principal: anAdmin('loser'), planYear: '2027-28', titles });

    await expect(late).rejects.toBeInstanceOf(StaleVersion);
    expect(await governance.getPlanYear('2027-28')).toMatchObject({ titles: ['Winner'], version: 1 });
    expect(audit.entries.map((e) => e.actor)).toEqual(['winner']);
  });
});

describe('rotateChair', () => {
  /** The daily schedule's run at `at`; the job's clock reads a few seconds later. */
  const runAt = (system: { governance: InMemoryGovernance }, at: string) => {
    const clock = aClock(new Date(new Date(at).getTime() + 5000).toISOString());
    const events = new RecordingPublisher();
    return {
      clock,
      events,
      deps: { governance: system.governance, events, clock },
      input: { at: new Date(at) },
    };
  };

  it('does nothing within a term already recorded and announced', async () => {
    const system = await ashford();
    const { deps, events, input } = runAt(system, '2027-03-31T22:59:59.000Z');

    const result = await rotateChair(deps, input);

    expect(result).toEqual({ recorded: [] });
    expect(events.published).toEqual([]);
    expect(await system.governance.listChairTerms()).toHaveLength(1);
  });

  it('records the new term at midnight UK time and announces it once, naming the previous chair', async () => {
    const system = await ashford();
    const { deps, events, input } = runAt(system, '2027-03-31T23:00:00.000Z');

    const result = await rotateChair(deps, input);

    expect(result).toEqual({ recorded: ['2027-04-01'], announced: '2027-04-01' });
    expect(events.published).toEqual([
      {
        source: 'csp.governance',
        detailType: 'ChairRotated',
        detail: {
          metadata: {
            eventName: 'ChairRotated',
            version: 1,
            correlationId: 'chair-term-2027-04-01',
            occurredAt: '2027-03-31T23:00:05.000Z',
          },
          data: {
            startsOn: '2027-04-01',
            endsOn: '2028-04-01',
            organisationId: ABC,
            previousOrganisationId: POLICE,
          },
        },
      },
    ]);
    expect((await system.governance.listChairTerms())[0]).toEqual({
      ...aChairTerm(2027, ABC),
      recordedAt: '2027-03-31T23:00:05.000Z',
      announcedAt: '2027-03-31T23:00:05.000Z',
      version: 1,
    });
  });

  it('changes nothing when fired twice', async () => {
    const system = await ashford();
    const { deps, events, input } = runAt(system, '2027-04-01T06:00:00.000Z');
    await rotateChair(deps, input);

    const second = await rotateChair(deps, input);

    expect(second).toEqual({ recorded: [] });
    expect(events.published).toHaveLength(1);
    expect((await system.governance.listChairTerms()).map((t) => t.startsOn)).toEqual([
      '2027-04-01',
      '2026-04-01',
    ]);
  });

  it('records and announces each term once when two runs race', async () => {
    const system = await ashford();
    const { deps, events, input } = runAt(system, '2027-04-01T06:00:00.000Z');

    const results = await Promise.all([rotateChair(deps, input), rotateChair(deps, input)]);

    expect(results.flatMap((r) => r.recorded)).toEqual(['2027-04-01']);
    expect(results.flatMap((r) => (r.announced ? [r.announced] : []))).toEqual(['2027-04-01']);
    expect(events.published).toHaveLength(1);
  });

  it('catches up missed years in order, announcing only the term in force', async () => {
    const system = await ashford('2024-06-01T09:00:00.000Z');
    const { deps, events, input } = runAt(system, '2027-05-01T09:00:00.000Z');

    const result = await rotateChair(deps, input);

    expect(result).toEqual({
      recorded: ['2025-04-01', '2026-04-01', '2027-04-01'],
      announced: '2027-04-01',
    });
    expect(
      (await system.governance.listChairTerms()).map((t) => [t.startsOn, t.organisationId, t.announcedAt]),
    ).toEqual([
      ['2027-04-01', ABC, '2027-05-01T09:00:05.000Z'],
      ['2026-04-01', POLICE, undefined],
      ['2025-04-01', ABC, undefined],
      ['2024-04-01', POLICE, '2024-06-01T09:00:00.000Z'],
    ]);
    expect(events.published.map((e) => e.detail.data)).toEqual([
      { startsOn: '2027-04-01', endsOn: '2028-04-01', organisationId: ABC, previousOrganisationId: POLICE },
    ]);
  });

  it('hands the chair on from an appointed chair: to the next in the rotation after them', async () => {
    const system = await ashford();
    await appointChair(system.deps, {
      principal: anAdmin(),
      organisationId: ABC,
      reason: 'Swap',
      ifMatch: '"2026-04-01.1"',
    });
    const { deps, events, input } = runAt(system, '2027-04-01T06:00:00.000Z');

    await rotateChair(deps, input);

    expect((await system.governance.listChairTerms())[0]).toMatchObject({
      organisationId: POLICE,
      source: 'rotation',
    });
    expect(events.published.map((e) => e.detail.data)).toEqual([
      { startsOn: '2027-04-01', endsOn: '2028-04-01', organisationId: POLICE, previousOrganisationId: ABC },
    ]);
  });

  it('returns the chair to the rotation’s own order after an appointee from outside it', async () => {
    const system = await ashford();
    await appointChair(system.deps, {
      principal: anAdmin(),
      organisationId: FIRE,
      reason: 'Interim',
      ifMatch: '"2026-04-01.1"',
    });
    const { deps, events, input } = runAt(system, '2028-04-01T06:00:00.000Z');

    await rotateChair(deps, input);

    expect((await system.governance.listChairTerms()).slice(0, 2).map((t) => t.organisationId)).toEqual([
      POLICE,
      ABC,
    ]);
    expect(events.published.map((e) => e.detail.data)).toEqual([
      { startsOn: '2028-04-01', endsOn: '2029-04-01', organisationId: POLICE, previousOrganisationId: ABC },
    ]);
  });

  it('starts the history from the policy, announcing the first term without a previous chair', async () => {
    const system = await ashford();
    system.governance.chairTerms.clear();
    const { deps, events, input } = runAt(system, NOW);

    const result = await rotateChair(deps, input);

    expect(result).toEqual({ recorded: ['2026-04-01'], announced: '2026-04-01' });
    expect(events.published.map((e) => e.detail.data)).toEqual([
      {
        startsOn: '2026-04-01',
        endsOn: '2027-04-01',
        organisationId: POLICE,
        previousOrganisationId: undefined,
      },
    ]);
  });

  it('announces nothing while no recorded term contains the day', async () => {
    const system = await ashford();
    system.governance.chairTerms.clear();
    await system.governance.recordChairTerm(aChairTerm(2027, ABC, 'appointment'), NOW);
    const { deps, events, input } = runAt(system, NOW);

    const result = await rotateChair(deps, input);

    expect(result).toEqual({ recorded: [] });
    expect(events.published).toEqual([]);
  });

  it('announces only a term in force on the day, not one that ended (end date exclusive) without a successor', async () => {
    const system = await ashford();
    system.governance.chairTerms.clear();
    await system.governance.recordChairTerm(
      { startsOn: '2026-04-01', endsOn: '2026-11-26', organisationId: POLICE, source: 'appointment' },
      NOW,
    );
    const { deps, events, input } = runAt(system, NOW);

    const result = await rotateChair(deps, input);

    expect(result).toEqual({ recorded: [] });
    expect(events.published).toEqual([]);
  });

  it('leaves a failed announcement to a run after the lease expires, not to one while it is held', async () => {
    const system = await ashford();
    const { deps, events, clock, input } = runAt(system, '2027-04-01T06:00:00.000Z');
    events.failNext = 1;

    const failed = rotateChair(deps, input);
    await expect(failed).rejects.toBeInstanceOf(EventsNotPublished);
    clock.advance(ANNOUNCEMENT_LEASE_SECONDS);
    const whileHeld = await rotateChair(deps, input);
    clock.advance(1);
    const afterExpiry = await rotateChair(deps, input);

    expect(whileHeld).toEqual({ recorded: [] });
    expect(afterExpiry).toEqual({ recorded: [], announced: '2027-04-01' });
    expect(events.published).toHaveLength(1);
    expect((await system.governance.listChairTerms())[0]).toMatchObject({
      startsOn: '2027-04-01',
      announcedAt: '2027-04-01T06:05:06.000Z',
    });
  });

  it('needs the partnership profile', async () => {
    const { governance } = anEmptyPartnership();
    const events = new RecordingPublisher();

    const error = await rejectionOf(
      rotateChair({ governance, events, clock: aClock() }, { at: new Date(NOW) }),
    );

    expect(error).toBeInstanceOf(ReferenceDataMissing);
    expect(error).toMatchObject({ what: 'partnership profile' });
    expect(governance.chairTerms.size).toBe(0);
  });
});

describe('sendChairRotationNotices', () => {
  const term = {
    startsOn: '2027-04-01',
    endsOn: '2028-04-01',
    organisationId: ABC,
    previousOrganisationId: POLICE,
  };

  async function aMailroom() {
    const system = await ashford();
    const ledger = new InMemoryLedger();
    const mailer = new RecordingMailer();
    const deps = {
      governance: system.governance,
      ledger,
      mailer,
      clock: system.clock,
      sender: 'Ashford CSP <no-reply@csp.example>',
      personalData: testHasher,
    };
    return { ...system, ledger, mailer, deps };
  }

  it('emails every representative of every partner, statutory, other and invited, once each', async () => {
    const { deps, mailer, ledger } = await aMailroom();

    const result = await sendChairRotationNotices(deps, term);

    const representatives = ASHFORD_GOVERNANCE.organisations.flatMap((o) => o.representatives);
    expect(result).toEqual({ sent: 21, alreadySent: 0, suppressed: 0 });
    expect(mailer.sent.map((e) => e.to)).toEqual(representatives.map((r) => r.email));
    expect(new Set(mailer.sent.map((e) => e.from))).toEqual(new Set(['Ashford CSP <no-reply@csp.example>']));
    expect(new Set(mailer.sent.map((e) => e.replyTo))).toEqual(new Set([ASHFORD.partnership.csuMailbox]));
    expect([...ledger.records.keys()]).toEqual(
      representatives.map((r) => `CHAIR_TERM#2027-04-01/chair-rotation/${r.id}`),
    );
  });

  it('names the new and previous chair and greets each representative', async () => {
    const { deps, mailer } = await aMailroom();

    await sendChairRotationNotices(deps, term);

    const toPolice = mailer.sent.find((e) => e.to === 'csp.representative@kent-police.example')!;
    expect(toPolice.content.subject).toBe(
      'Ashford Community Safety Partnership: Ashford Borough Council chairs the partnership from 1 April 2027',
    );
    expect(toPolice.content.text).toContain('Dear Kent Police representative,');
    expect(toPolice.content.text).toContain(
      'Ashford Borough Council chairs the Ashford Community Safety Partnership from 1 April 2027 until 1 April 2028, taking over from Kent Police.',
    );
  });

  it('leaves out the handover without a previous chair, and names an unknown chair by its id', async () => {
    const { deps, mailer } = await aMailroom();

    await sendChairRotationNotices(deps, {
      startsOn: '2027-04-01',
      endsOn: '2028-04-01',
      organisationId: 'interim-chair',
    });

    expect(mailer.sent[0]!.content.text).toContain(
      'interim-chair chairs the Ashford Community Safety Partnership from 1 April 2027 until 1 April 2028.',
    );
    expect(mailer.sent[0]!.content.text).not.toContain('taking over');
  });

  it('tells only organisations that are partners on the day the term starts', async () => {
    const { deps, governance, mailer } = await aMailroom();
    for (const organisation of ASHFORD_GOVERNANCE.organisations)
      governance.organisations.delete(organisation.id);
    await governance.putOrganisation(
      anOrganisation('left-the-day-before', {
        memberships: [{ kind: 'statutory', startsOn: '2021-04-01', endsOn: '2027-03-31' }],
      }),
      0,
    );
    await governance.putOrganisation(
      anOrganisation('joins-that-day', { memberships: [{ kind: 'invited', startsOn: '2027-04-01' }] }),
      1,
    );
    await governance.putOrganisation(
      anOrganisation('joins-the-day-after', { memberships: [{ kind: 'other', startsOn: '2027-04-02' }] }),
      2,
    );

    const result = await sendChairRotationNotices(deps, term);

    expect(result).toEqual({ sent: 1, alreadySent: 0, suppressed: 0 });
    expect(mailer.sent.map((e) => e.to)).toEqual(['rep@joins-that-day.example']);
  });

  it('sends nothing again when the event is redelivered', async () => {
    const { deps, mailer } = await aMailroom();
    await sendChairRotationNotices(deps, term);

    const again = await sendChairRotationNotices(deps, term);

    expect(again).toEqual({ sent: 0, alreadySent: 21, suppressed: 0 });
    expect(mailer.sent).toHaveLength(21);
  });

  it('tries every representative when one send fails, then fails so the retry sends only the missing one', async () => {
    const { deps, mailer } = await aMailroom();
    mailer.failWith = new EmailNotAccepted('Throttling');

    const first = await rejectionOf(sendChairRotationNotices(deps, term));
    const retry = await sendChairRotationNotices(deps, term);

    expect(first).toBeInstanceOf(EmailNotAccepted);
    expect(retry).toEqual({ sent: 1, alreadySent: 20, suppressed: 0 });
    expect(mailer.sent).toHaveLength(21);
    expect(mailer.sent.at(-1)!.to).toBe('csp.representative@ashford-borough-council.example');
  });

  it('needs the partnership profile, and sends nothing without it', async () => {
    const { deps, mailer } = await aMailroom();
    deps.governance.governanceProfile = undefined;

    const error = await rejectionOf(sendChairRotationNotices(deps, term));

    expect(error).toBeInstanceOf(ReferenceDataMissing);
    expect(error).toMatchObject({ what: 'partnership profile' });
    expect(mailer.sent).toEqual([]);
  });
});

describe('seeding a partnership', () => {
  it('records the term in force on the UK date, just after midnight BST on 1 April', async () => {
    // 00:30 on 1 April 2027 in London is still 31 March in UTC.
    const { governance } = await aSeededPartnership(new Date('2027-03-31T23:30:00Z'));

    const [current] = await governance.listChairTerms();

    expect(current?.startsOn).toBe('2027-04-01');
    expect(current?.announcedAt).toBe('2027-03-31T23:30:00.000Z');
  });
});
