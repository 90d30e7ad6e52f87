import { describe, expect, it } from 'vitest';
import {
  type ChairRotationPolicy,
  type ChairTerm,
  rotationTerm,
  termsToRecord,
  termYearOn,
} from '../../functions/domain/chair-rotation.ts';
import { ukDate } from '../../functions/domain/dates.ts';
import { hasVotingRights, membershipOn, type Organisation } from '../../functions/domain/governance.ts';
import { motionResult, refuseVote, type Vote } from '../../functions/domain/voting.ts';

const anOrganisation = (memberships: Organisation['memberships'], id = 'org'): Organisation => ({
  id,
  name: id,
  memberships,
  representatives: [],
  csuAgency: false,
});

describe('voting rights', () => {
  it('come from a statutory membership in force on the day, and from nothing else', () => {
    const police = anOrganisation([{ kind: 'statutory', startsOn: '2020-04-01' }]);
    const forum = anOrganisation([{ kind: 'other', startsOn: '2020-04-01' }]);
    const invited = anOrganisation([{ kind: 'invited', startsOn: '2020-04-01' }]);

    expect(hasVotingRights(police, '2026-11-26')).toBe(true);
    expect(hasVotingRights(forum, '2026-11-26')).toBe(false);
    expect(hasVotingRights(invited, '2026-11-26')).toBe(false);
    expect(hasVotingRights(police, '2019-01-01')).toBe(false);
  });

  it('follow the membership history: they end after the last day of the statutory membership', () => {
    const ccg = anOrganisation([
      { kind: 'statutory', startsOn: '2013-04-01', endsOn: '2022-06-30' },
      { kind: 'other', startsOn: '2022-07-01' },
    ]);

    expect(membershipOn(ccg, '2022-06-30')?.kind).toBe('statutory');
    expect(hasVotingRights(ccg, '2022-06-30')).toBe(true);
    expect(hasVotingRights(ccg, '2022-07-01')).toBe(false);
  });
});

describe('chair rotation', () => {
  const policy: ChairRotationPolicy = {
    organisationIds: ['council', 'police'],
    termStartMonth: 4,
    termStartDay: 1,
    anchor: { startYear: 2021, organisationId: 'council' },
  };
  const term = (
    startYear: number,
    organisationId: string,
    source: ChairTerm['source'] = 'rotation',
  ): ChairTerm => ({
    startsOn: `${startYear}-04-01`,
    endsOn: `${startYear + 1}-04-01`,
    organisationId,
    source,
  });

  it('alternates yearly from the anchor, backwards as well as forwards', () => {
    expect([2019, 2020, 2021, 2022, 2023, 2026].map((y) => rotationTerm(policy, y).organisationId)).toEqual([
      'council',
      'police',
      'council',
      'police',
      'council',
      'police',
    ]);
  });

  it('puts the day before the term start in the previous term', () => {
    expect(termYearOn(policy, '2026-03-31')).toBe(2025);
    expect(termYearOn(policy, '2026-04-01')).toBe(2026);
  });

  it('records nothing when the current term is on record, so a second firing changes nothing', () => {
    expect(termsToRecord(policy, term(2026, 'police'), '2026-04-01')).toEqual([]);
    expect(termsToRecord(policy, term(2026, 'police'), '2027-03-31')).toEqual([]);
  });

  it('records the next term once it starts, handing the chair to the other organisation', () => {
    expect(termsToRecord(policy, term(2025, 'council'), '2026-04-01')).toEqual([term(2026, 'police')]);
  });

  it('catches up every missed term in order', () => {
    expect(termsToRecord(policy, term(2023, 'council'), '2026-05-01')).toEqual([
      term(2024, 'police'),
      term(2025, 'council'),
      term(2026, 'police'),
    ]);
  });

  it('continues from a chair appointed by staff, and starts the history from the policy', () => {
    expect(termsToRecord(policy, term(2025, 'police', 'appointment'), '2026-04-01')).toEqual([
      term(2026, 'council'),
    ]);
    expect(termsToRecord(policy, undefined, '2026-11-26')).toEqual([term(2026, 'police')]);
  });
});

describe('votes', () => {
  const statutory = anOrganisation([{ kind: 'statutory', startsOn: '2020-01-01' }], 'police');
  const other = anOrganisation([{ kind: 'other', startsOn: '2020-01-01' }], 'forum');

  it('refuses organisations without voting rights, second votes and closed motions', () => {
    const existing: Vote[] = [{ organisationId: 'police', choice: 'for' }];

    expect(refuseVote({ organisation: other, on: '2026-11-26', existing: [], motionOpen: true })).toBe(
      'no-voting-rights',
    );
    expect(refuseVote({ organisation: statutory, on: '2026-11-26', existing, motionOpen: true })).toBe(
      'already-voted',
    );
    expect(refuseVote({ organisation: statutory, on: '2026-11-26', existing: [], motionOpen: false })).toBe(
      'motion-closed',
    );
    expect(
      refuseVote({ organisation: statutory, on: '2026-11-26', existing: [], motionOpen: true }),
    ).toBeUndefined();
  });

  it('computes the result from the votes and the quorum', () => {
    const votes = (...choices: Vote['choice'][]) =>
      choices.map((choice, i) => ({ organisationId: `o${i}`, choice }));

    expect(motionResult(votes('for', 'for', 'against'), 3).outcome).toBe('carried');
    expect(motionResult(votes('for', 'against', 'against', 'abstain'), 3).outcome).toBe('defeated');
    expect(motionResult(votes('for', 'against', 'abstain'), 3).outcome).toBe('tied');
    expect(motionResult(votes('for', 'for'), 3)).toMatchObject({
      outcome: 'inquorate',
      quorate: false,
      turnout: 2,
    });
  });
});

describe('ukDate', () => {
  it('is the calendar date in Ashford: BST moves midnight an hour earlier in UTC', () => {
    expect(ukDate(new Date('2027-03-31T23:30:00Z'))).toBe('2027-04-01');
    expect(ukDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });
});
