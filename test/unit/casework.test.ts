/**
 * The casework rules, pure: each test builds a case, applies one action and checks the case it returns (or the
 * refusal), never how the rules got there.
 */
import { describe, expect, it } from 'vitest';
import {
  type ActionContext,
  type Actor,
  acceptReferral,
  actorOf,
  addNote,
  agencyAttentionBy,
  allowedTransitions,
  assignCase,
  attentionBy,
  canSee,
  DEFAULT_TARGETS,
  declineReferral,
  listingOf,
  MAX_PUBLIC_UPDATES,
  type PublicUpdate,
  publishUpdate,
  type Referral,
  ROUTER_ACTOR,
  referToAgency,
  routeCase,
  summaryAt,
  targetsFor,
  transitionCase,
} from '../../functions/domain/casework.ts';
import { DECLINE_REASONS, type DeclineReason } from '../../functions/domain/casework-vocabulary.ts';
import {
  ENQUIRY_STATUSES,
  type Enquiry,
  type EnquiryStatus,
  type RoutedRecipient,
} from '../../functions/domain/enquiry.ts';
import { CaseActionRefused, EnquiryNotFound, ValidationFailed } from '../../functions/domain/errors.ts';
import type { Agency } from '../../functions/domain/partnership.ts';
import type { StaffPrincipal } from '../../functions/domain/staff.ts';
import { aStoredEnquiry, csuOfficer, noiseOfficer, parkingOfficer } from '../support/enquiries.ts';

/** Monday 11 January 2027, 10:00 UK time (GMT). */
const NOW = new Date('2027-01-11T10:00:00.000Z');

const CSU: RoutedRecipient = { id: 'csu', name: 'Ashford CSU', email: 'csu@ashford.example' };
const PARKING: RoutedRecipient = {
  id: 'parking-team',
  name: 'Parking team',
  email: 'parking@ashford.example',
};
const NOISE: RoutedRecipient = {
  id: 'environmental-health',
  name: 'Environmental health',
  email: 'eh@ashford.example',
};

/** A received enquiry nobody has touched yet. */
function anEnquiry(overrides: Partial<Enquiry> = {}): Enquiry {
  return aStoredEnquiry({
    reference: 'CSU-2027-000042',
    receivedAt: '2027-01-11T09:00:00.000Z',
    ...overrides,
  });
}

/** A referral to `recipient`, waiting for its answer. */
function aReferral(recipient: RoutedRecipient, overrides: Partial<Referral> = {}): Referral {
  return {
    agencyId: recipient.id,
    agencyName: recipient.name,
    status: 'sent',
    referredAt: '2027-01-11T09:01:00.000Z',
    referredBy: ROUTER_ACTOR.subject,
    acceptBy: '2027-01-14T00:00:00.000Z',
    ...overrides,
  };
}

/** An enquiry the router sent to the CSU and to `agencies`, each referral still waiting for its answer. */
function aRoutedEnquiry(agencies: readonly RoutedRecipient[] = [PARKING], overrides: Partial<Enquiry> = {}) {
  return anEnquiry({
    status: 'routed',
    version: 2,
    routing: [CSU, ...agencies],
    routedTo: [CSU.id, ...agencies.map((a) => a.id)],
    referrals: agencies.map((a) => aReferral(a)),
    dueBy: '2027-02-09T00:00:00.000Z',
    ...overrides,
  });
}

/** A case in `status`, as it would have got there. */
function aCaseIn(status: EnquiryStatus): Enquiry {
  if (status === 'received') return anEnquiry();
  if (status === 'closed') {
    return aRoutedEnquiry([PARKING], { status, closure: { reason: 'resolved', at: NOW.toISOString() } });
  }
  return aRoutedEnquiry([PARKING], { status });
}

function aContext(actor: Actor, now = NOW): ActionContext {
  let sequence = 0;
  return { now, actor, newId: () => `id-${++sequence}` };
}

/** The context of `principal` acting now. */
const as = (principal: StaffPrincipal, now = NOW) => aContext(actorOf(principal), now);

function errorFrom(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the action to be refused, but it succeeded');
}

const anUpdate = (n: number): PublicUpdate => ({
  id: `update-${n}`,
  at: '2027-01-11T09:30:00.000Z',
  message: `Update ${n}`,
});

describe('targetsFor', () => {
  it("takes the category's own targets, else the default for its sensitivity", () => {
    const own = { acceptWithinWorkingDays: 5, closeWithinWorkingDays: 30 };

    expect(targetsFor(false, own)).toEqual(own);
    expect(targetsFor(true, own)).toEqual(own);
    expect(targetsFor(false)).toEqual({ acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 });
    expect(targetsFor(true)).toEqual({ acceptWithinWorkingDays: 1, closeWithinWorkingDays: 10 });
  });
});

describe('routeCase', () => {
  const route = (enquiry: Enquiry, recipients: RoutedRecipient[], now = NOW) =>
    routeCase(enquiry, recipients, DEFAULT_TARGETS.standard, aContext(ROUTER_ACTOR, now), CSU.id);

  it("refers the enquiry to each agency recipient, but the CSU's own copy is no referral", () => {
    const enquiry = anEnquiry();

    const { after } = route(enquiry, [CSU, PARKING, NOISE]);

    expect(
      after.referrals.map((r) => [r.agencyId, r.agencyName, r.status, r.referredBy, r.referredAt]),
    ).toEqual([
      ['parking-team', 'Parking team', 'sent', 'system:router', NOW.toISOString()],
      ['environmental-health', 'Environmental health', 'sent', 'system:router', NOW.toISOString()],
    ]);
    expect(after.routing).toEqual([CSU, PARKING, NOISE]);
    expect(after.routedTo).toEqual(['csu', 'parking-team', 'environmental-health']);
    expect(after.needsTriage).toBe(false);
  });

  it('sets acceptBy in working days from routing and dueBy in working days from receipt, skipping bank holidays', () => {
    // Received on Wednesday 23 December 2026, routed on Christmas Eve.
    const enquiry = anEnquiry({ receivedAt: '2026-12-23T10:00:00.000Z' });
    const christmasEve = new Date('2026-12-24T10:00:00.000Z');
    const targets = { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 3 };

    const { after } = routeCase(
      enquiry,
      [CSU, PARKING],
      targets,
      aContext(ROUTER_ACTOR, christmasEve),
      CSU.id,
    );

    // Christmas (Fri 25), the weekend and Boxing Day's substitute (Mon 28) do not count: the 29th is the first.
    expect(after.referrals[0]?.acceptBy).toBe('2026-12-30T00:00:00.000Z');
    // From receipt: the 24th, the 29th and the 30th.
    expect(after.dueBy).toBe('2026-12-31T00:00:00.000Z');
  });

  it('moves a received enquiry to routed, but leaves one staff already took in hand where it is', () => {
    const received = route(anEnquiry({ status: 'received' }), [CSU, PARKING]);
    const inProgress = route(anEnquiry({ status: 'in-progress' }), [CSU, PARKING]);

    expect(received.after.status).toBe('routed');
    expect(inProgress.after.status).toBe('in-progress');
  });

  it('puts an enquiry routed to nobody but the CSU in the triage queue', () => {
    const { after } = route(anEnquiry(), [CSU]);

    expect(after.referrals).toEqual([]);
    expect(after.needsTriage).toBe(true);
    expect(after.status).toBe('routed');
  });

  it('sends an enquiry staff closed before it was routed to nobody, and keeps it closed', () => {
    const { after } = route(
      anEnquiry({ status: 'closed', closure: { reason: 'duplicate', at: NOW.toISOString() } }),
      [CSU, PARKING],
    );

    expect(after.routing).toEqual([]);
    expect(after.referrals).toEqual([]);
    expect(after.status).toBe('closed');
    expect(after.dueBy).toBeUndefined();
  });

  it("steps the version and records one 'routed' entry naming the agencies", () => {
    const enquiry = anEnquiry({ version: 4 });

    const change = route(enquiry, [CSU, PARKING, NOISE]);

    expect(change.before).toBe(enquiry);
    expect(change.after.version).toBe(5);
    expect(change.after.updatedAt).toBe(NOW.toISOString());
    expect(change.timeline).toEqual([
      {
        id: 'id-1',
        at: NOW.toISOString(),
        actor: ROUTER_ACTOR,
        kind: 'routed',
        details: { agencyIds: ['parking-team', 'environmental-health'] },
      },
    ]);
  });
});

describe('transitionCase', () => {
  const MOVES = ENQUIRY_STATUSES.flatMap((from) => ENQUIRY_STATUSES.map((to) => `${from}→${to}`));
  // Written out, not derived from the rules: routing is the router's alone, and only the CSU reopens.
  const LEGAL_FOR_AGENCY = [
    'received→in-progress',
    'received→closed',
    'routed→in-progress',
    'routed→closed',
    'in-progress→closed',
  ];
  const LEGAL_FOR_CSU = [...LEGAL_FOR_AGENCY, 'closed→in-progress'];

  const split = (move: string) => move.split('→') as [EnquiryStatus, EnquiryStatus];
  const inputFor = (to: EnquiryStatus) => ({
    to,
    reason: to === 'closed' ? ('resolved' as const) : undefined,
  });

  describe.each([
    { who: 'a CSU officer', principal: csuOfficer, legal: LEGAL_FOR_CSU },
    { who: 'an agency officer', principal: parkingOfficer, legal: LEGAL_FOR_AGENCY },
  ])('by $who', ({ principal, legal }) => {
    it.each(MOVES.filter((move) => legal.includes(move)))('may move %s', (move) => {
      const [from, to] = split(move);

      const { after, timeline } = transitionCase(aCaseIn(from), principal, inputFor(to), as(principal));

      expect(after.status).toBe(to);
      expect(timeline.map((entry) => [entry.kind, entry.details])).toEqual([
        ['status-changed', { from, to, ...(to === 'closed' ? { reason: 'resolved' } : {}) }],
      ]);
    });

    it.each(MOVES.filter((move) => !legal.includes(move)))(
      'may not move %s, and is told the legal moves',
      (move) => {
        const [from, to] = split(move);

        const error = errorFrom(() => transitionCase(aCaseIn(from), principal, inputFor(to), as(principal)));

        expect(error).toBeInstanceOf(CaseActionRefused);
        const legalFromHere = legal.filter((m) => m.startsWith(`${from}→`)).map((m) => split(m)[1]);
        expect([...((error as CaseActionRefused).allowed ?? [])].sort()).toEqual(legalFromHere.sort());
      },
    );
  });

  it('lets only the CSU reopen a closed case', () => {
    expect(allowedTransitions('closed', csuOfficer)).toEqual(['in-progress']);
    expect(allowedTransitions('closed', parkingOfficer)).toEqual([]);
  });

  it('needs a reason to close, and refuses one on any other move', () => {
    const missing = errorFrom(() =>
      transitionCase(aCaseIn('in-progress'), csuOfficer, { to: 'closed' }, as(csuOfficer)),
    );
    const misplaced = errorFrom(() =>
      transitionCase(
        aCaseIn('routed'),
        csuOfficer,
        { to: 'in-progress', reason: 'resolved' },
        as(csuOfficer),
      ),
    );

    expect(missing).toBeInstanceOf(ValidationFailed);
    expect((missing as ValidationFailed).violations.map((v) => v.field)).toEqual(['reason']);
    expect(misplaced).toBeInstanceOf(ValidationFailed);
    expect((misplaced as ValidationFailed).violations.map((v) => v.field)).toEqual(['reason']);
  });

  it('records the closure on closing and clears it on reopening', () => {
    const open = aCaseIn('in-progress');
    const closedAt = new Date('2027-01-20T15:00:00.000Z');

    const closed = transitionCase(
      open,
      csuOfficer,
      { to: 'closed', reason: 'no-further-action' },
      as(csuOfficer, closedAt),
    ).after;
    const reopened = transitionCase(closed, csuOfficer, { to: 'in-progress' }, as(csuOfficer)).after;

    expect(closed.closure).toEqual({ reason: 'no-further-action', at: closedAt.toISOString() });
    expect(reopened.closure).toBeUndefined();
    expect(reopened.status).toBe('in-progress');
  });

  it('takes a closed case out of the triage queue', () => {
    const enquiry = aRoutedEnquiry([PARKING], { needsTriage: true });

    const { after } = transitionCase(
      enquiry,
      parkingOfficer,
      { to: 'closed', reason: 'duplicate' },
      as(parkingOfficer),
    );

    expect(after.needsTriage).toBe(false);
  });

  it('publishes a public message as an update whose id the status change names', () => {
    const enquiry = aCaseIn('routed');
    const earlier = anUpdate(1);

    const { after, timeline } = transitionCase(
      { ...enquiry, publicUpdates: [earlier] },
      csuOfficer,
      { to: 'in-progress', publicMessage: 'An officer will visit on Friday.' },
      as(csuOfficer),
    );

    const [newest, ...rest] = after.publicUpdates;
    expect(newest).toEqual({
      id: expect.any(String),
      at: NOW.toISOString(),
      message: 'An officer will visit on Friday.',
    });
    expect(rest).toEqual([earlier]);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]?.details.updateId).toBe(newest?.id);
  });

  it('names no update when no message is given', () => {
    const { after, timeline } = transitionCase(
      aCaseIn('routed'),
      csuOfficer,
      { to: 'in-progress' },
      as(csuOfficer),
    );

    expect(after.publicUpdates).toEqual([]);
    expect(timeline[0]?.details).not.toHaveProperty('updateId');
  });

  it('refuses a message on a case that already holds the most public updates', () => {
    const full = {
      ...aCaseIn('routed'),
      publicUpdates: Array.from({ length: MAX_PUBLIC_UPDATES }, (_, n) => anUpdate(n)),
    };

    expect(() =>
      transitionCase(full, csuOfficer, { to: 'in-progress', publicMessage: 'One more' }, as(csuOfficer)),
    ).toThrow(CaseActionRefused);
  });
});

describe('acceptReferral', () => {
  it("lets an agency officer accept their own agency's referral, and leaves the others waiting", () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE]);
    const at = new Date('2027-01-12T11:00:00.000Z');

    const { after, timeline } = acceptReferral(
      enquiry,
      parkingOfficer,
      'parking-team',
      as(parkingOfficer, at),
    );

    expect(after.referrals).toEqual([
      {
        ...enquiry.referrals[0],
        status: 'accepted',
        respondedAt: at.toISOString(),
        respondedBy: 'parking-pat',
      },
      enquiry.referrals[1],
    ]);
    expect(after.version).toBe(enquiry.version + 1);
    expect(timeline.map((e) => [e.kind, e.details])).toEqual([
      ['referral-accepted', { agencyId: 'parking-team' }],
    ]);
  });

  it("answers an agency officer asking about another agency's referral with not found, whether or not it exists", () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE]);
    const onlyParking = aRoutedEnquiry([PARKING]);

    const actions = [
      () => acceptReferral(enquiry, parkingOfficer, 'environmental-health', as(parkingOfficer)),
      () => declineReferral(enquiry, parkingOfficer, 'environmental-health', 'not-ours', as(parkingOfficer)),
      () => acceptReferral(onlyParking, parkingOfficer, 'environmental-health', as(parkingOfficer)),
      () => declineReferral(onlyParking, noiseOfficer, 'parking-team', 'not-ours', as(noiseOfficer)),
    ];

    for (const action of actions) expect(errorFrom(action)).toBeInstanceOf(EnquiryNotFound);
  });

  it("lets the CSU answer any agency's referral", () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE]);

    const accepted = acceptReferral(enquiry, csuOfficer, 'environmental-health', as(csuOfficer)).after;
    const declined = declineReferral(enquiry, csuOfficer, 'parking-team', 'not-ours', as(csuOfficer)).after;

    expect(accepted.referrals.map((r) => [r.agencyId, r.status, r.respondedBy])).toEqual([
      ['parking-team', 'sent', undefined],
      ['environmental-health', 'accepted', 'csu-ann'],
    ]);
    expect(declined.referrals.map((r) => [r.agencyId, r.status, r.respondedBy])).toEqual([
      ['parking-team', 'declined', 'csu-ann'],
      ['environmental-health', 'sent', undefined],
    ]);
  });

  it('refuses to accept a referral already answered', () => {
    const enquiry = aRoutedEnquiry([PARKING]);
    const accepted = acceptReferral(enquiry, parkingOfficer, 'parking-team', as(parkingOfficer)).after;
    const declined = declineReferral(
      enquiry,
      parkingOfficer,
      'parking-team',
      'not-ours',
      as(parkingOfficer),
    ).after;

    expect(() => acceptReferral(accepted, parkingOfficer, 'parking-team', as(parkingOfficer))).toThrow(
      CaseActionRefused,
    );
    expect(() => acceptReferral(declined, csuOfficer, 'parking-team', as(csuOfficer))).toThrow(
      CaseActionRefused,
    );
  });

  it('refuses to accept or decline on a closed case', () => {
    const closed = aCaseIn('closed');

    expect(() => acceptReferral(closed, parkingOfficer, 'parking-team', as(parkingOfficer))).toThrow(
      CaseActionRefused,
    );
    expect(() =>
      declineReferral(closed, parkingOfficer, 'parking-team', 'not-ours', as(parkingOfficer)),
    ).toThrow(CaseActionRefused);
  });
});

describe('declineReferral', () => {
  it('records the reason and puts the case back in the triage queue', () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE]);

    const { after, timeline } = declineReferral(
      enquiry,
      parkingOfficer,
      'parking-team',
      'already-known',
      as(parkingOfficer),
    );

    expect(after.referrals[0]).toMatchObject({
      status: 'declined',
      declineReason: 'already-known',
      respondedBy: 'parking-pat',
      respondedAt: NOW.toISOString(),
    });
    expect(after.referrals[1]).toEqual(enquiry.referrals[1]);
    expect(after.needsTriage).toBe(true);
    expect(timeline.map((e) => [e.kind, e.details])).toEqual([
      ['referral-declined', { agencyId: 'parking-team', reason: 'already-known' }],
    ]);
  });

  it('hides the case from the agency that declined it, and only from that agency', () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE]);

    const { after } = declineReferral(
      enquiry,
      parkingOfficer,
      'parking-team',
      'not-ours',
      as(parkingOfficer),
    );

    expect(canSee(parkingOfficer, enquiry)).toBe(true);
    expect(canSee(parkingOfficer, after)).toBe(false);
    expect(canSee(noiseOfficer, after)).toBe(true);
    expect(canSee(csuOfficer, after)).toBe(true);
  });

  it('refuses a referral declined already, and a reason not on the list', () => {
    const enquiry = aRoutedEnquiry([PARKING]);
    const declined = declineReferral(enquiry, csuOfficer, 'parking-team', 'not-ours', as(csuOfficer)).after;

    const twice = errorFrom(() =>
      declineReferral(declined, csuOfficer, 'parking-team', 'other', as(csuOfficer)),
    );
    const unknown = errorFrom(() =>
      declineReferral(enquiry, parkingOfficer, 'parking-team', 'busy' as DeclineReason, as(parkingOfficer)),
    );

    expect(twice).toBeInstanceOf(CaseActionRefused);
    expect(unknown).toBeInstanceOf(CaseActionRefused);
    expect((unknown as CaseActionRefused).allowed).toEqual(DECLINE_REASONS);
  });
});

describe('referToAgency', () => {
  const NOISE_AGENCY: Agency = { id: NOISE.id, name: NOISE.name, email: NOISE.email };
  const refer = (enquiry: Enquiry, agency = NOISE_AGENCY) =>
    referToAgency(
      enquiry,
      agency,
      { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 10 },
      as(csuOfficer),
    );

  it('refers a sensitive case only to a safeguarding agency', () => {
    const enquiry = aRoutedEnquiry([PARKING], { sensitive: true });

    const refused = errorFrom(() => refer(enquiry));
    const { after } = refer(enquiry, { ...NOISE_AGENCY, safeguarding: true });

    expect(refused).toBeInstanceOf(CaseActionRefused);
    expect((refused as CaseActionRefused).reason).toMatch(/not a safeguarding agency/);
    expect(after.referrals.map((r) => r.agencyId)).toEqual(['parking-team', 'environmental-health']);
  });

  it('adds a referral at the acceptance target and the agency to the routing, so the mailer may send to it', () => {
    const enquiry = aRoutedEnquiry([PARKING], { needsTriage: true });

    const { after, timeline } = refer(enquiry);

    expect(after.referrals).toEqual([
      enquiry.referrals[0],
      {
        agencyId: 'environmental-health',
        agencyName: 'Environmental health',
        status: 'sent',
        referredAt: NOW.toISOString(),
        referredBy: 'csu-ann',
        // Monday 11 January: one working day is Tuesday 12th, so by midnight at its end.
        acceptBy: '2027-01-13T00:00:00.000Z',
      },
    ]);
    expect(after.routing).toEqual([CSU, PARKING, NOISE]);
    expect(after.routedTo).toEqual(['csu', 'parking-team', 'environmental-health']);
    expect(after.needsTriage).toBe(false);
    expect(timeline.map((e) => [e.kind, e.details])).toEqual([
      ['referred', { agencyId: 'environmental-health' }],
    ]);
  });

  it('refuses an agency the case was referred to already, even one that declined it', () => {
    const declined = aRoutedEnquiry([PARKING, NOISE], {
      referrals: [aReferral(PARKING), aReferral(NOISE, { status: 'declined', declineReason: 'not-ours' })],
    });

    expect(() => refer(aRoutedEnquiry([PARKING, NOISE]))).toThrow(CaseActionRefused);
    expect(() => refer(declined)).toThrow(CaseActionRefused);
  });

  it('refuses a closed case and one not routed yet', () => {
    expect(() => refer(aCaseIn('closed'))).toThrow(CaseActionRefused);
    expect(() => refer(anEnquiry())).toThrow(CaseActionRefused);
  });
});

describe('assignCase and addNote', () => {
  it('assigns an open case, and a CSU assignment takes it out of triage', () => {
    const enquiry = aRoutedEnquiry([PARKING], { needsTriage: true });

    const byCsu = assignCase(enquiry, csuOfficer, 'csu-bob', as(csuOfficer)).after;
    const byAgency = assignCase(enquiry, parkingOfficer, 'parking-pat', as(parkingOfficer)).after;

    expect([byCsu.assignedTo, byCsu.needsTriage]).toEqual(['csu-bob', false]);
    expect([byAgency.assignedTo, byAgency.needsTriage]).toEqual(['parking-pat', true]);
    expect(() => assignCase(aCaseIn('closed'), csuOfficer, 'csu-bob', as(csuOfficer))).toThrow(
      CaseActionRefused,
    );
  });

  it('keeps the text of a note out of the timeline', () => {
    const text = 'The neighbour at number 14 says the driver is violent';

    const change = addNote(aRoutedEnquiry(), text, as(parkingOfficer));

    expect(change.note).toMatchObject({ text, author: actorOf(parkingOfficer) });
    expect(change.timeline.map((e) => [e.kind, e.details])).toEqual([
      ['note-added', { noteId: change.note?.id }],
    ]);
    expect(JSON.stringify(change.timeline)).not.toContain('violent');
  });
});

describe('canSee', () => {
  const sent = aReferral(PARKING);
  const accepted = aReferral(PARKING, { status: 'accepted' });
  const declined = aReferral(PARKING, { status: 'declined', declineReason: 'not-ours' });
  const elsewhere = aReferral(NOISE);

  it.each<[string, StaffPrincipal, Referral[], boolean]>([
    ['a CSU officer, a case referred nowhere', csuOfficer, [], true],
    ['a CSU officer, a case every agency declined', csuOfficer, [declined], true],
    ['an agency officer, a case referred to their agency', parkingOfficer, [sent], true],
    ['an agency officer, a case their agency accepted', parkingOfficer, [accepted, elsewhere], true],
    ['an agency officer, a case referred only elsewhere', parkingOfficer, [elsewhere], false],
    ['an agency officer, a case their agency declined', parkingOfficer, [declined, elsewhere], false],
    ['an agency officer, a case referred nowhere', parkingOfficer, [], false],
    ['an agency officer with no agency', { subject: 'x', roles: ['agency-officer'] }, [sent], false],
    [
      'a partner representative, even with a matching agency',
      { subject: 'x', roles: ['partner-representative'], organisationId: 'o', agencyId: 'parking-team' },
      [sent],
      false,
    ],
    [
      'a partnership admin, even with a matching agency',
      { subject: 'x', roles: ['partnership-admin'], agencyId: 'parking-team' },
      [sent],
      false,
    ],
  ])('%s: %s', (_who, principal, referrals, expected) => {
    expect(canSee(principal, { referrals })).toBe(expected);
  });
});

describe('deadlines', () => {
  const DUE_BY = '2027-02-09T00:00:00.000Z';

  it('works towards the earliest of the closure target and the acceptances still awaited', () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE], {
      referrals: [
        // Answered: its acceptance deadline no longer counts, though it is the earliest.
        aReferral(PARKING, { status: 'accepted', acceptBy: '2027-01-12T00:00:00.000Z' }),
        aReferral(NOISE, { acceptBy: '2027-01-14T00:00:00.000Z' }),
      ],
    });
    const allAnswered = aRoutedEnquiry([PARKING], {
      referrals: [aReferral(PARKING, { status: 'accepted' })],
    });
    const acceptanceAfterDue = aRoutedEnquiry([PARKING], {
      referrals: [aReferral(PARKING, { acceptBy: '2027-03-01T00:00:00.000Z' })],
    });

    expect(attentionBy(enquiry)).toBe('2027-01-14T00:00:00.000Z');
    expect(attentionBy(allAnswered)).toBe(DUE_BY);
    expect(attentionBy(acceptanceAfterDue)).toBe(DUE_BY);
  });

  it('has no deadline once closed', () => {
    const closed = aRoutedEnquiry([PARKING], { status: 'closed' });

    expect(attentionBy(closed)).toBeUndefined();
    expect(agencyAttentionBy(closed, 'parking-team')).toBeUndefined();
  });

  it("gives an agency its acceptance deadline until it accepts, then the case's closure target", () => {
    const waiting = aRoutedEnquiry([PARKING]);
    const accepted = aRoutedEnquiry([PARKING], { referrals: [aReferral(PARKING, { status: 'accepted' })] });
    const declined = aRoutedEnquiry([PARKING], {
      referrals: [aReferral(PARKING, { status: 'declined', declineReason: 'not-ours' })],
    });

    expect(agencyAttentionBy(waiting, 'parking-team')).toBe('2027-01-14T00:00:00.000Z');
    expect(agencyAttentionBy(accepted, 'parking-team')).toBe(DUE_BY);
    expect(agencyAttentionBy(declined, 'parking-team')).toBeUndefined();
    expect(agencyAttentionBy(waiting, 'environmental-health')).toBeUndefined();
  });

  it('is overdue only strictly after its deadline', () => {
    const listing = listingOf(aRoutedEnquiry([PARKING]));
    const deadline = new Date('2027-01-14T00:00:00.000Z');

    expect(summaryAt(listing, new Date(deadline.getTime() - 1)).overdue).toBe(false);
    expect(summaryAt(listing, deadline).overdue).toBe(false);
    expect(summaryAt(listing, new Date(deadline.getTime() + 1)).overdue).toBe(true);
  });

  it('never calls a closed case overdue', () => {
    const listing = listingOf(aRoutedEnquiry([PARKING], { status: 'closed' }));

    expect(summaryAt(listing, new Date('2028-01-01T00:00:00.000Z')).overdue).toBe(false);
  });

  it('lists a case by codes and deadlines, without personal data', () => {
    const enquiry = aRoutedEnquiry([PARKING, NOISE], {
      referrals: [aReferral(PARKING, { status: 'accepted' }), aReferral(NOISE)],
      assignedTo: 'csu-ann',
    });

    const listing = listingOf(enquiry);

    expect(listing).toEqual({
      reference: 'CSU-2027-000042',
      category: 'parking',
      sensitive: false,
      status: 'routed',
      receivedAt: enquiry.receivedAt,
      dueBy: DUE_BY,
      attentionBy: '2027-01-14T00:00:00.000Z',
      needsTriage: false,
      agencies: [
        { agencyId: 'parking-team', status: 'accepted' },
        { agencyId: 'environmental-health', status: 'sent' },
      ],
      assignedTo: 'csu-ann',
    });
  });
});

describe('publishUpdate', () => {
  it('keeps updates newest first and records each by id', () => {
    const enquiry = aRoutedEnquiry();
    const first = publishUpdate(enquiry, 'We have passed this on.', as(csuOfficer, NOW));

    const second = publishUpdate(
      first.after,
      'The parking team will visit.',
      as(parkingOfficer, new Date('2027-01-12T10:00:00.000Z')),
    );

    expect(second.after.publicUpdates.map((u) => [u.message, u.at])).toEqual([
      ['The parking team will visit.', '2027-01-12T10:00:00.000Z'],
      ['We have passed this on.', NOW.toISOString()],
    ]);
    expect(second.after.version).toBe(enquiry.version + 2);
    expect(second.timeline.map((e) => [e.kind, e.details])).toEqual([
      ['update-published', { updateId: second.after.publicUpdates[0]?.id }],
    ]);
  });

  it(`takes the ${MAX_PUBLIC_UPDATES}th update but refuses one more`, () => {
    const updates = (count: number) => Array.from({ length: count }, (_, n) => anUpdate(n));
    const almostFull = aRoutedEnquiry([PARKING], { publicUpdates: updates(MAX_PUBLIC_UPDATES - 1) });
    const full = aRoutedEnquiry([PARKING], { publicUpdates: updates(MAX_PUBLIC_UPDATES) });

    const last = publishUpdate(almostFull, 'The last one', as(csuOfficer));

    expect(last.after.publicUpdates).toHaveLength(MAX_PUBLIC_UPDATES);
    expect(() => publishUpdate(full, 'One too many', as(csuOfficer))).toThrow(CaseActionRefused);
  });
});
