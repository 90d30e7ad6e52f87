/**
 * The casework use cases against in-memory ports: cases are submitted and routed as in production, then worked
 * by staff; each test checks what is stored, published or emailed afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { CaseChange } from '../../functions/domain/casework.ts';
import type { NewEnquiry } from '../../functions/domain/enquiry.ts';
import {
  EnquiryNotFound,
  EventsNotPublished,
  NotPermitted,
  PreconditionRequired,
  StaleVersion,
  ValidationFailed,
} from '../../functions/domain/errors.ts';
import {
  acceptCaseReferral,
  addCaseNote,
  assignCaseTo,
  declineCaseReferral,
  type InboxFilters,
  listInbox,
  publishCaseUpdate,
  referCase,
  transitionCaseTo,
  viewCase,
} from '../../functions/domain/use-cases/casework.ts';
import { type RouteEnquiryInput, routeEnquiry } from '../../functions/domain/use-cases/route-enquiry.ts';
import {
  sendClosureNotice,
  sendDeclineNotice,
  sendPublicUpdate,
} from '../../functions/domain/use-cases/send-case-emails.ts';
import { sendReferral } from '../../functions/domain/use-cases/send-enquiry-email.ts';
import { sendOverdueDigests } from '../../functions/domain/use-cases/send-overdue-digests.ts';
import { submitEnquiry } from '../../functions/domain/use-cases/submit-enquiry.ts';
import { sweepOutbox } from '../../functions/domain/use-cases/sweep-outbox.ts';
import { csuOfficer, noiseOfficer, parkingOfficer } from '../support/enquiries.ts';
import {
  aClock,
  InMemoryCases,
  InMemoryEnquiries,
  InMemoryLedger,
  RecordingMailer,
  RecordingPublisher,
  smallPartnershipReferenceData,
  testHasher,
} from '../support/in-memory-ports.ts';

/** Monday 11 January 2027, 10:00 UK time (GMT). */
const MONDAY = '2027-01-11T10:00:00.000Z';
/** Thursday 14 January 2027, 09:00: referrals made on Monday (two working days to accept) are overdue. */
const THURSDAY = '2027-01-14T09:00:00.000Z';

const ENQUIRER = {
  name: 'Sam Resident',
  email: 'sam@resident.example',
  phone: '07700 900123',
  description: 'A white van is parked across the pavement outside number 12 every night',
};

const aNewEnquiry = (overrides: Partial<NewEnquiry> = {}): NewEnquiry => ({
  category: 'parking',
  description: ENQUIRER.description,
  contact: { name: ENQUIRER.name, email: ENQUIRER.email, phone: ENQUIRER.phone },
  happeningNow: false,
  safeContact: { mayEmail: true, mayPhone: true },
  ...overrides,
});

/**
 * The small partnership with a second agency: parking goes to the parking team, noise to environmental health,
 * and 'other' to nobody but the CSU (so it waits for triage).
 */
function aReferenceData() {
  const referenceData = smallPartnershipReferenceData();
  referenceData.categories.push(
    { code: 'noise', title: 'Noise', description: 'Noise', sensitive: false },
    { code: 'other', title: 'Something else', description: 'Other', sensitive: false },
  );
  referenceData.agencies.push({
    id: 'environmental-health',
    name: 'Environmental health',
    email: 'eh@ashford.example',
  });
  referenceData.routing.push({ category: 'noise', agencyIds: ['environmental-health'] });
  return referenceData;
}

function aSystem(start = MONDAY) {
  const referenceData = aReferenceData();
  const enquiries = new InMemoryEnquiries();
  const cases = new InMemoryCases(enquiries);
  const events = new RecordingPublisher();
  const ledger = new InMemoryLedger();
  const mailer = new RecordingMailer();
  const clock = aClock(start);
  let sequence = 0;
  const newId = () => `id-${++sequence}`;
  const deps = {
    enquiries,
    cases,
    referenceData,
    events,
    clock,
    newId,
    expiresAtOf: () => 2_000_000_000,
    personalData: testHasher,
  };
  const mail = {
    ledger,
    mailer,
    clock,
    sender: 'CSU <no-reply@csp.example>',
    personalData: testHasher,
    publicApiUrl: 'https://api.example',
  };
  const mailDeps = { ...mail, enquiries, referenceData, statusPageBaseUrl: 'https://status.example' };
  const digestDeps = { ...mail, cases, referenceData };

  /** Submits an enquiry and routes it as the router would; returns its reference. */
  async function aCase(overrides: Partial<NewEnquiry> = {}): Promise<string> {
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry(overrides) });
    await routeEnquiry(deps, {
      reference: enquiry.reference,
      category: enquiry.category,
      correlationId: enquiry.reference,
    });
    return enquiry.reference;
  }
  /** The case as stored now. */
  const stored = (reference: string) => enquiries.enquiries.get(reference)!;
  /** The ETag of the case as stored now, as staff would have read it. */
  const etag = (reference: string) => `"${stored(reference).version}"`;
  const moveClockTo = (instant: string) => clock.advance((Date.parse(instant) - clock().getTime()) / 1000);
  /** The data of the events of one type published so far. */
  const published = <Data>(detailType: string) =>
    events.published.filter((e) => e.detailType === detailType).map((e) => e.detail.data as Data);

  return {
    referenceData,
    enquiries,
    cases,
    events,
    ledger,
    mailer,
    clock,
    deps,
    mailDeps,
    digestDeps,
    aCase,
    stored,
    etag,
    moveClockTo,
    published,
  };
}

type StatusChanged = { reference: string; to: string; reason?: string; updateId?: string; changeId: string };
type ReferralDeclined = { reference: string; agencyId: string; reason: string; changeId: string };

const inbox = (filters: Partial<InboxFilters> = {}): InboxFilters => ({ limit: 50, ...filters });
/** Every part of an email, to check what it must never contain. */
const everything = (email: { subject: string; text: string; html: string }) =>
  `${email.subject}\n${email.text}\n${email.html}`;
const referencesOf = (page: { items: readonly { reference: string }[] }) =>
  page.items.map((i) => i.reference);

describe('listInbox', () => {
  it('shows an agency officer only the cases referred to their agency and not declined by it', async () => {
    const { deps, aCase, etag } = aSystem();
    const parking = await aCase({ category: 'parking' });
    const noise = await aCase({ category: 'noise' });
    const declined = await aCase({ category: 'parking' });
    await declineCaseReferral(deps, parkingOfficer, {
      reference: declined,
      agencyId: 'parking-team',
      reason: 'not-ours',
      ifMatch: etag(declined),
    });

    const own = await listInbox(deps, parkingOfficer, inbox());
    const askedForAnother = await listInbox(deps, parkingOfficer, inbox({ agency: 'environmental-health' }));

    expect(referencesOf(own)).toEqual([parking]);
    expect(askedForAnother.items).toEqual([]);
    expect(referencesOf(await listInbox(deps, noiseOfficer, inbox()))).toEqual([noise]);
  });

  it('shows a CSU officer every case, newest first', async () => {
    const { deps, aCase, clock, etag } = aSystem();
    const first = await aCase({ category: 'parking' });
    clock.advance(60);
    const second = await aCase({ category: 'other' });
    clock.advance(60);
    const third = await aCase({ category: 'noise' });
    await declineCaseReferral(deps, noiseOfficer, {
      reference: third,
      agencyId: 'environmental-health',
      reason: 'not-ours',
      ifMatch: etag(third),
    });

    const page = await listInbox(deps, csuOfficer, inbox());

    expect(referencesOf(page)).toEqual([third, second, first]);
    expect(page.cursor).toBeUndefined();
  });

  describe('filters', () => {
    /** Five cases received on Monday, in different states, read on Thursday. */
    async function aWeekOfCases() {
      const system = aSystem();
      const { deps, aCase, clock, etag, moveClockTo } = system;
      const waiting = await aCase({ category: 'parking' });
      clock.advance(600);
      const noise = await aCase({ category: 'noise' });
      clock.advance(600);
      const triage = await aCase({ category: 'other' });
      clock.advance(600);
      const mine = await aCase({ category: 'parking' });
      await acceptCaseReferral(deps, parkingOfficer, {
        reference: mine,
        agencyId: 'parking-team',
        ifMatch: etag(mine),
      });
      await assignCaseTo(deps, csuOfficer, { reference: mine, ifMatch: etag(mine) });
      await transitionCaseTo(deps, csuOfficer, { reference: mine, to: 'in-progress', ifMatch: etag(mine) });
      clock.advance(600);
      const closed = await aCase({ category: 'parking' });
      await transitionCaseTo(deps, csuOfficer, {
        reference: closed,
        to: 'closed',
        reason: 'duplicate',
        ifMatch: etag(closed),
      });
      moveClockTo(THURSDAY);
      return { ...system, waiting, noise, triage, mine, closed };
    }

    it('without any, lists every case', async () => {
      const { deps, waiting, noise, triage, mine, closed } = await aWeekOfCases();

      const page = await listInbox(deps, csuOfficer, inbox());

      expect(referencesOf(page)).toEqual([closed, mine, triage, noise, waiting]);
    });

    it('by status and by category', async () => {
      const { deps, noise, mine, closed } = await aWeekOfCases();

      expect(referencesOf(await listInbox(deps, csuOfficer, inbox({ status: 'in-progress' })))).toEqual([
        mine,
      ]);
      expect(referencesOf(await listInbox(deps, csuOfficer, inbox({ status: 'closed' })))).toEqual([closed]);
      expect(referencesOf(await listInbox(deps, csuOfficer, inbox({ category: 'noise' })))).toEqual([noise]);
    });

    it('to the overdue ones: referrals not accepted in time, never a closed case', async () => {
      const { deps, waiting, noise } = await aWeekOfCases();

      const csu = await listInbox(deps, csuOfficer, inbox({ overdue: true }));
      const parking = await listInbox(deps, parkingOfficer, inbox({ overdue: true }));

      expect(referencesOf(csu)).toEqual([noise, waiting]);
      expect(csu.items.every((item) => item.overdue)).toBe(true);
      expect(referencesOf(parking)).toEqual([waiting]);
    });

    it("to the caller's own cases, and to those waiting for triage", async () => {
      const { deps, mine, triage } = await aWeekOfCases();

      const assigned = await listInbox(deps, csuOfficer, inbox({ assignedToMe: true }));
      const assignedToSomeoneElse = await listInbox(
        deps,
        { ...csuOfficer, subject: 'csu-bob' },
        inbox({ assignedToMe: true }),
      );
      const needsTriage = await listInbox(deps, csuOfficer, inbox({ needsTriage: true }));

      expect(referencesOf(assigned)).toEqual([mine]);
      expect(assignedToSomeoneElse.items).toEqual([]);
      expect(referencesOf(needsTriage)).toEqual([triage]);
    });
  });

  it('pages through every case once, in order', async () => {
    const { deps, aCase, clock } = aSystem();
    const references: string[] = [];
    for (let n = 0; n < 5; n++) {
      references.push(await aCase());
      clock.advance(60);
    }

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listInbox(deps, csuOfficer, inbox({ limit: 2, cursor }));
      pages.push(referencesOf(page));
      cursor = page.cursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...references].reverse());
    expect(new Set(pages.flat()).size).toBe(5);
  });
});

describe('viewCase', () => {
  it('records one access for every read, with who read it and for which agency', async () => {
    const { deps, cases, aCase, clock } = aSystem();
    const reference = await aCase();

    const record = await viewCase(deps, csuOfficer, reference);
    clock.advance(60);
    await viewCase(deps, parkingOfficer, reference);

    expect(record.enquiry.reference).toBe(reference);
    expect(record.timeline.map((e) => e.kind)).toEqual(['routed']);
    expect(cases.accesses).toEqual([
      { reference, at: MONDAY, subject: 'csu-ann', role: 'csu-officer', agencyId: undefined, view: 'case' },
      {
        reference,
        at: '2027-01-11T10:01:00.000Z',
        subject: 'parking-pat',
        role: 'agency-officer',
        agencyId: 'parking-team',
        view: 'case',
      },
    ]);
  });

  it('answers an officer of another agency with not found, and records no access', async () => {
    const { deps, cases, aCase } = aSystem();
    const reference = await aCase({ category: 'parking' });

    await expect(viewCase(deps, noiseOfficer, reference)).rejects.toBeInstanceOf(EnquiryNotFound);
    expect(cases.accesses).toEqual([]);
  });

  it('answers a malformed or unknown reference with not found', async () => {
    const { deps, cases } = aSystem();

    await expect(viewCase(deps, csuOfficer, 'not-a-reference')).rejects.toBeInstanceOf(EnquiryNotFound);
    await expect(viewCase(deps, csuOfficer, 'CSU-2027-999999')).rejects.toBeInstanceOf(EnquiryNotFound);
    expect(cases.accesses).toEqual([]);
  });
});

describe('changing a case', () => {
  it('needs If-Match, and changes nothing without it', async () => {
    const { deps, aCase, stored } = aSystem();
    const reference = await aCase();
    const before = stored(reference);

    await expect(assignCaseTo(deps, csuOfficer, { reference })).rejects.toBeInstanceOf(PreconditionRequired);
    expect(stored(reference)).toBe(before);
  });

  it('refuses a version read before the last change, and answers with the new version', async () => {
    const { deps, aCase, stored, etag } = aSystem();
    const reference = await aCase();
    const read = etag(reference);

    const result = await assignCaseTo(deps, csuOfficer, { reference, officer: 'csu-bob', ifMatch: read });
    const stale = assignCaseTo(deps, csuOfficer, { reference, officer: 'csu-cat', ifMatch: read });
    const older = assignCaseTo(deps, csuOfficer, { reference, officer: 'csu-cat', ifMatch: '"1"' });

    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    await expect(older).rejects.toBeInstanceOf(StaleVersion);
    expect(result.version).toBe(stored(reference).version);
    expect(`"${result.version}"`).not.toBe(read);
    expect(result.summary).toMatchObject({ reference, assignedTo: 'csu-bob' });
    expect(stored(reference).assignedTo).toBe('csu-bob');
  });

  it('answers an officer of another agency with not found, whatever the version, and changes nothing', async () => {
    const { deps, aCase, stored, etag } = aSystem();
    const reference = await aCase({ category: 'parking' });
    const before = stored(reference);

    const changes = [
      transitionCaseTo(deps, noiseOfficer, { reference, to: 'in-progress', ifMatch: etag(reference) }),
      acceptCaseReferral(deps, noiseOfficer, { reference, agencyId: 'parking-team', ifMatch: '"99"' }),
    ];

    for (const change of changes) await expect(change).rejects.toBeInstanceOf(EnquiryNotFound);
    expect(stored(reference)).toBe(before);
  });

  it('saves a declining agency its note as part of the one change', async () => {
    const { deps, cases, aCase, stored, etag } = aSystem();
    const reference = await aCase();
    const version = stored(reference).version;

    const result = await declineCaseReferral(deps, parkingOfficer, {
      reference,
      agencyId: 'parking-team',
      reason: 'insufficient-information',
      note: 'No registration number given',
      ifMatch: etag(reference),
    });

    expect(result.version).toBe(version + 1);
    expect(cases.notes.get(reference)?.map((n) => n.text)).toEqual(['No registration number given']);
    expect(cases.timeline.get(reference)?.map((e) => e.kind)).toEqual([
      'routed',
      'referral-declined',
      'note-added',
    ]);
  });

  it('publishes events with codes and ids only: no personal data, no note, no message', async () => {
    const { deps, events, aCase, etag } = aSystem();
    const reference = await aCase();
    events.published.length = 0;
    const note = 'Neighbour at number 14 says the driver is violent';
    const message = 'An officer will call round on Friday';
    const work = [
      () =>
        acceptCaseReferral(deps, parkingOfficer, {
          reference,
          agencyId: 'parking-team',
          ifMatch: etag(reference),
        }),
      () => addCaseNote(deps, parkingOfficer, { reference, text: note, ifMatch: etag(reference) }),
      () =>
        referCase(deps, csuOfficer, {
          reference,
          agencyId: 'environmental-health',
          note,
          ifMatch: etag(reference),
        }),
      () =>
        declineCaseReferral(deps, noiseOfficer, {
          reference,
          agencyId: 'environmental-health',
          reason: 'other',
          note,
          ifMatch: etag(reference),
        }),
      () => publishCaseUpdate(deps, csuOfficer, { reference, message, ifMatch: etag(reference) }),
      () =>
        transitionCaseTo(deps, csuOfficer, {
          reference,
          to: 'in-progress',
          publicMessage: message,
          ifMatch: etag(reference),
        }),
      () =>
        transitionCaseTo(deps, csuOfficer, {
          reference,
          to: 'closed',
          reason: 'resolved',
          publicMessage: message,
          ifMatch: etag(reference),
        }),
    ];

    for (const change of work) await change();

    expect(events.published.map((e) => e.detailType)).toEqual([
      'EnquiryReferralAccepted',
      'EnquiryReferralRequested',
      'EnquiryReferralDeclined',
      'EnquiryUpdatePublished',
      'EnquiryStatusChanged',
      'EnquiryUpdatePublished',
      'EnquiryStatusChanged',
    ]);
    const serialised = JSON.stringify(events.published);
    for (const secret of [
      ENQUIRER.name,
      ENQUIRER.email,
      ENQUIRER.phone,
      ENQUIRER.description,
      note,
      message,
    ]) {
      expect(serialised).not.toContain(secret);
    }
  });

  it('announces a message given on closing only with the closure, but one given on another move as an update too', async () => {
    const { deps, aCase, etag, stored, published } = aSystem();
    const reference = await aCase();

    await transitionCaseTo(deps, csuOfficer, {
      reference,
      to: 'in-progress',
      publicMessage: 'We are looking into it',
      ifMatch: etag(reference),
    });
    const progressUpdate = stored(reference).publicUpdates[0]!;
    await transitionCaseTo(deps, csuOfficer, {
      reference,
      to: 'closed',
      reason: 'resolved',
      publicMessage: 'The van has been moved',
      ifMatch: etag(reference),
    });
    const closingUpdate = stored(reference).publicUpdates[0]!;

    expect(published<StatusChanged>('EnquiryStatusChanged').map((e) => [e.to, e.updateId])).toEqual([
      ['in-progress', progressUpdate.id],
      ['closed', closingUpdate.id],
    ]);
    expect(published<{ updateId: string }>('EnquiryUpdatePublished').map((e) => e.updateId)).toEqual([
      progressUpdate.id,
    ]);
  });

  it('saves the change when the bus is down, and the sweeper publishes its events after the grace period', async () => {
    const { deps, cases, events, aCase, etag, stored, clock } = aSystem();
    const reference = await aCase();
    const version = stored(reference).version;
    events.failNext = 1;

    const result = await transitionCaseTo(deps, csuOfficer, {
      reference,
      to: 'closed',
      reason: 'withdrawn',
      ifMatch: etag(reference),
    });

    expect(result).toMatchObject({ published: false, version: version + 1 });
    expect(result.publishError).toBeInstanceOf(EventsNotPublished);
    expect(stored(reference)).toMatchObject({ status: 'closed', version: version + 1 });
    const waiting = [...cases.pendingEvents.values()];
    expect(waiting.map((p) => [p.reference, p.events.map((e) => e.detailType)])).toEqual([
      [reference, ['EnquiryStatusChanged']],
    ]);

    events.published.length = 0;
    clock.advance(30);
    const early = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });
    clock.advance(31);
    const late = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });

    expect(early.caseEventsPublished).toEqual([]);
    expect(late).toEqual({
      republished: [],
      failed: [],
      stuck: [],
      caseEventsPublished: [reference],
      backlog: 0,
    });
    expect(events.published).toEqual(waiting[0]?.events);
    expect(cases.pendingEvents.size).toBe(0);
  });
});

describe('referCase', () => {
  it('is for the CSU only, whichever door the request came through', async () => {
    const { deps, aCase, stored, etag } = aSystem();
    const reference = await aCase();
    const before = stored(reference);
    await expect(
      referCase(deps, parkingOfficer, {
        reference,
        agencyId: 'environmental-health',
        ifMatch: etag(reference),
      }),
    ).rejects.toBeInstanceOf(NotPermitted);
    expect(stored(reference)).toBe(before);
  });

  it('refuses an agency the partnership does not have, changing nothing', async () => {
    const { deps, aCase, stored, etag } = aSystem();
    const reference = await aCase();
    const before = stored(reference);

    const refused = referCase(deps, csuOfficer, {
      reference,
      agencyId: 'fire-service',
      ifMatch: etag(reference),
    });

    await expect(refused).rejects.toBeInstanceOf(ValidationFailed);
    expect(stored(reference)).toBe(before);
  });

  it('asks for the referral email to the agency, which the mailer then sends to its mailbox', async () => {
    const { deps, mailDeps, mailer, events, aCase, etag, published } = aSystem();
    const reference = await aCase({ category: 'parking' });
    events.published.length = 0;

    await referCase(deps, csuOfficer, {
      reference,
      agencyId: 'environmental-health',
      ifMatch: etag(reference),
    });
    const [requested] = published<{ reference: string; recipientId: string }>('EnquiryReferralRequested');
    const sent = await sendReferral(mailDeps, requested!);

    expect(published('EnquiryReferralRequested')).toEqual([
      { reference, recipientId: 'environmental-health' },
    ]);
    expect(sent.outcome).toBe('sent');
    expect(mailer.sent.map((e) => e.to)).toEqual(['eh@ashford.example']);
  });
});

describe('routeEnquiry', () => {
  it('records one referral per agency, due from routing, and the closure target, due from receipt', async () => {
    const { deps, clock, stored, published } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry({ category: 'parking' }) });
    const reference = enquiry.reference;
    // The router is a day late: received on Monday, routed on Tuesday.
    clock.advance(24 * 60 * 60);

    const result = await routeEnquiry(deps, { reference, category: 'parking', correlationId: reference });

    expect(result).toMatchObject({ outcome: 'routed', missingAgencyIds: [] });
    const routed = stored(reference);
    expect(routed.referrals.map((r) => [r.agencyId, r.status, r.referredAt, r.acceptBy])).toEqual([
      // Two working days from Tuesday 12 January: the end of Thursday.
      ['parking-team', 'sent', '2027-01-12T10:00:00.000Z', '2027-01-15T00:00:00.000Z'],
    ]);
    // Twenty working days from Monday's receipt: the end of Monday 8 February.
    expect(routed.dueBy).toBe('2027-02-09T00:00:00.000Z');
    expect(routed).toMatchObject({ status: 'routed', needsTriage: false, version: 2 });
    expect(published<{ recipientId: string }>('EnquiryReferralRequested').map((e) => e.recipientId)).toEqual([
      'csu',
      'parking-team',
    ]);
  });

  /** What the router gets from the EnquiryReceived event the api published for `reference`. */
  function receivedEvent(published: RecordingPublisher['published'], reference: string) {
    const event = published.find(
      (e) =>
        e.detailType === 'EnquiryReceived' &&
        (e.detail.data as { reference: string }).reference === reference,
    );
    return { ...(event?.detail.data as RouteEnquiryInput), correlationId: reference };
  }

  it('routes from the event alone, leaving what the enquirer sent exactly as stored', async () => {
    const { deps, events, stored } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry({ category: 'parking' }) });
    const readsBefore = { ...stored(enquiry.reference) };
    const reads: string[] = [];
    const countingEnquiries = Object.assign(Object.create(deps.enquiries), {
      get: async (reference: string) => {
        reads.push(reference);
        return deps.enquiries.get(reference);
      },
    });

    const result = await routeEnquiry(
      { ...deps, enquiries: countingEnquiries },
      receivedEvent(events.published, enquiry.reference),
    );

    const routed = stored(enquiry.reference);
    expect(result).toMatchObject({ outcome: 'routed' });
    expect(routed).toMatchObject({ status: 'routed', version: 2, expiresAt: readsBefore.expiresAt });
    expect(routed.referrals.map((r) => r.agencyId)).toEqual(['parking-team']);
    expect([routed.description, routed.contact, routed.safeContact, routed.statusToken]).toEqual([
      readsBefore.description,
      readsBefore.contact,
      readsBefore.safeContact,
      readsBefore.statusToken,
    ]);
    // The event said enough: the enquiry was not read before its routing was recorded.
    expect(reads).toEqual([]);
  });

  it('falls back to reading the enquiry when the event no longer describes it', async () => {
    const { deps, events, stored, etag } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry({ category: 'parking' }) });
    await transitionCaseTo(deps, csuOfficer, {
      reference: enquiry.reference,
      to: 'in-progress',
      ifMatch: etag(enquiry.reference),
    });

    const result = await routeEnquiry(deps, receivedEvent(events.published, enquiry.reference));

    expect(result).toMatchObject({ outcome: 'routed' });
    expect(stored(enquiry.reference)).toMatchObject({ status: 'in-progress', version: 3 });
  });

  it('routes nothing for an event naming another category, however complete the event', async () => {
    const { deps, events, stored } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry({ category: 'parking' }) });
    const forged = { ...receivedEvent(events.published, enquiry.reference), category: 'noise' };

    const result = await routeEnquiry(deps, forged);

    expect(result).toEqual({ outcome: 'enquiry-not-found' });
    expect(stored(enquiry.reference)).toMatchObject({ status: 'received', version: 1, referrals: [] });
  });

  it('reads again and routes when staff change the enquiry between its read and its write', async () => {
    const { deps, cases, events, enquiries, stored, etag } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    const reference = enquiry.reference;
    let raced = false;
    const racingCases = {
      async save(change: CaseChange) {
        if (!raced) {
          raced = true;
          // The CSU takes the enquiry in hand after the router read it.
          await transitionCaseTo(deps, csuOfficer, {
            reference,
            to: 'in-progress',
            ifMatch: etag(reference),
          });
        }
        return cases.save(change);
      },
    };

    const result = await routeEnquiry(
      { ...deps, cases: racingCases },
      { reference, category: 'parking', correlationId: reference },
    );

    expect(result).toMatchObject({ outcome: 'routed', recipients: [{ id: 'csu' }, { id: 'parking-team' }] });
    expect(stored(reference)).toMatchObject({ status: 'in-progress', version: 3 });
    expect(stored(reference).referrals.map((r) => r.agencyId)).toEqual(['parking-team']);
    expect(cases.timeline.get(reference)?.map((e) => e.kind)).toEqual(['status-changed', 'routed']);
    expect(enquiries.outbox.has(reference)).toBe(false);
    expect(events.published.filter((e) => e.detailType === 'EnquiryReferralRequested')).toHaveLength(2);
  });

  it('gives up when the enquiry keeps changing under it, leaving it in the outbox', async () => {
    const { deps, cases, enquiries, stored } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    const reference = enquiry.reference;
    let attempts = 0;
    const alwaysRacing = {
      async save(change: CaseChange) {
        attempts++;
        // Someone else saves first every time.
        enquiries.enquiries.set(reference, { ...stored(reference), version: stored(reference).version + 1 });
        return cases.save(change);
      },
    };

    const routing = routeEnquiry(
      { ...deps, cases: alwaysRacing },
      { reference, category: 'parking', correlationId: reference },
    );

    await expect(routing).rejects.toBeInstanceOf(StaleVersion);
    expect(attempts).toBe(3);
    expect(stored(reference).routing).toBeUndefined();
    expect(enquiries.outbox.has(reference)).toBe(true);
  });

  it('reuses the recorded routing when delivered again, after the routing table changed', async () => {
    const { deps, referenceData, events, aCase, stored } = aSystem();
    const reference = await aCase({ category: 'parking' });
    const routed = stored(reference);
    referenceData.routing.splice(0, 1, { category: 'parking', agencyIds: ['environmental-health'] });
    events.published.length = 0;

    const again = await routeEnquiry(deps, { reference, category: 'parking', correlationId: reference });

    expect(again).toMatchObject({ outcome: 'routed', recipients: routed.routing });
    expect(stored(reference)).toBe(routed);
    expect(events.published.map((e) => (e.detail.data as { recipientId: string }).recipientId)).toEqual([
      'csu',
      'parking-team',
    ]);
  });
});

describe('case emails', () => {
  describe('sendPublicUpdate', () => {
    it('emails the enquirer each update once, however often asked, without repeating their description', async () => {
      const { deps, mailDeps, mailer, aCase, etag, published } = aSystem();
      const reference = await aCase();
      await publishCaseUpdate(deps, csuOfficer, {
        reference,
        message: 'The parking team will visit tomorrow',
        ifMatch: etag(reference),
      });
      const [event] = published<{ reference: string; updateId: string }>('EnquiryUpdatePublished');

      const outcomes = [await sendPublicUpdate(mailDeps, event!), await sendPublicUpdate(mailDeps, event!)];

      expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'already-sent']);
      expect(mailer.sent.map((e) => [e.to, e.replyTo])).toEqual([[ENQUIRER.email, 'csu@ashford.example']]);
      expect(mailer.sent[0]?.content.text).toContain('The parking team will visit tomorrow');
      expect(everything(mailer.sent[0]!.content)).not.toContain(ENQUIRER.description);
    });

    it.each<[string, Partial<NewEnquiry>]>([
      ['who did not say email is safe', { safeContact: { mayEmail: false, mayPhone: true } }],
      ['who gave no email address', { contact: { name: ENQUIRER.name, phone: ENQUIRER.phone } }],
    ])('does not email an enquirer %s', async (_who, overrides) => {
      const { deps, mailDeps, mailer, aCase, etag, stored } = aSystem();
      const reference = await aCase(overrides);
      await publishCaseUpdate(deps, csuOfficer, {
        reference,
        message: 'An update',
        ifMatch: etag(reference),
      });

      const outcome = await sendPublicUpdate(mailDeps, {
        reference,
        updateId: stored(reference).publicUpdates[0]!.id,
      });

      expect(outcome).toEqual({ outcome: 'skipped', reason: 'no-consent-to-email' });
      expect(mailer.sent).toEqual([]);
    });
  });

  describe('sendClosureNotice', () => {
    it('tells the enquirer once per closure, so a case closed again after reopening is told again', async () => {
      const { deps, mailDeps, mailer, aCase, etag, published } = aSystem();
      const reference = await aCase();
      const close = (reason: 'resolved' | 'no-further-action', publicMessage?: string) =>
        transitionCaseTo(deps, csuOfficer, {
          reference,
          to: 'closed',
          reason,
          publicMessage,
          ifMatch: etag(reference),
        });
      await close('resolved', 'The van has been moved on');
      await transitionCaseTo(deps, csuOfficer, { reference, to: 'in-progress', ifMatch: etag(reference) });
      await close('no-further-action');
      const closures = published<StatusChanged>('EnquiryStatusChanged').filter((e) => e.to === 'closed');

      const outcomes = [];
      for (const closure of [closures[0]!, closures[0]!, closures[1]!, closures[1]!]) {
        outcomes.push((await sendClosureNotice(mailDeps, closure)).outcome);
      }

      expect(closures[0]?.changeId).not.toBe(closures[1]?.changeId);
      expect(outcomes).toEqual(['sent', 'already-sent', 'sent', 'already-sent']);
      expect(mailer.sent.map((e) => e.to)).toEqual([ENQUIRER.email, ENQUIRER.email]);
      expect(mailer.sent[0]?.content.text).toContain('The van has been moved on');
      expect(mailer.sent[1]?.content.text).toContain('decided no further action is needed');
      for (const email of mailer.sent) expect(everything(email.content)).not.toContain(ENQUIRER.description);
    });

    it('does not email an enquirer who did not say email is safe', async () => {
      const { deps, mailDeps, mailer, aCase, etag, published } = aSystem();
      const reference = await aCase({ safeContact: { mayEmail: false, mayPhone: true } });
      await transitionCaseTo(deps, csuOfficer, {
        reference,
        to: 'closed',
        reason: 'resolved',
        ifMatch: etag(reference),
      });
      const [closure] = published<StatusChanged>('EnquiryStatusChanged');

      const outcome = await sendClosureNotice(mailDeps, closure!);

      expect(outcome).toEqual({ outcome: 'skipped', reason: 'no-consent-to-email' });
      expect(mailer.sent).toEqual([]);
    });
  });

  describe('sendDeclineNotice', () => {
    it('tells the CSU mailbox once, naming the agency and reason but nothing the enquirer or the agency wrote', async () => {
      const { deps, mailDeps, mailer, aCase, etag, published } = aSystem();
      const reference = await aCase();
      await declineCaseReferral(deps, parkingOfficer, {
        reference,
        agencyId: 'parking-team',
        reason: 'already-known',
        note: 'We spoke to Sam Resident last week',
        ifMatch: etag(reference),
      });
      const [declined] = published<ReferralDeclined>('EnquiryReferralDeclined');

      const outcomes = [
        await sendDeclineNotice(mailDeps, declined!),
        await sendDeclineNotice(mailDeps, declined!),
      ];

      expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'already-sent']);
      expect(mailer.sent.map((e) => e.to)).toEqual(['csu@ashford.example']);
      const email = everything(mailer.sent[0]!.content);
      expect(email).toContain(reference);
      expect(email).toContain('Parking team');
      expect(email).toContain('Already known to this agency');
      expect(email).toContain(`https://api.example/console/cases/${reference}`);
      for (const secret of [
        ENQUIRER.name,
        ENQUIRER.email,
        ENQUIRER.phone,
        ENQUIRER.description,
        'spoke to',
      ]) {
        expect(email).not.toContain(secret);
      }
    });
  });
});

describe('a sensitive enquiry', () => {
  /** Domestic abuse routed to the parking team (marked safeguarding) and environmental health (not). */
  function aSafeguardingSystem() {
    const system = aSystem();
    system.referenceData.categories.push({
      code: 'domestic-abuse',
      title: 'Domestic abuse',
      description: 'Domestic abuse',
      sensitive: true,
    });
    const parkingTeam = system.referenceData.agencies.findIndex((a) => a.id === 'parking-team');
    system.referenceData.agencies[parkingTeam] = {
      ...system.referenceData.agencies[parkingTeam]!,
      safeguarding: true,
    };
    system.referenceData.routing.push({
      category: 'domestic-abuse',
      agencyIds: ['parking-team', 'environmental-health'],
    });
    return system;
  }

  it('goes only to safeguarding agencies, by emails that say nothing but the reference and a link', async () => {
    const { aCase, stored, events, mailDeps, mailer } = aSafeguardingSystem();

    const reference = await aCase({ category: 'domestic-abuse', happeningNow: true });
    const requested = events.published
      .filter((e) => e.detailType === 'EnquiryReferralRequested')
      .map((e) => e.detail.data as { reference: string; recipientId: string });
    for (const request of requested) await sendReferral(mailDeps, request);

    expect(stored(reference).referrals.map((r) => r.agencyId)).toEqual(['parking-team']);
    expect(mailer.sent.map((e) => e.to)).toEqual(['csu@ashford.example', 'parking@ashford.example']);
    for (const email of mailer.sent) {
      expect(email.content.subject).toBe(`Enquiry ${reference} needs your attention`);
      for (const secret of [
        ENQUIRER.name,
        ENQUIRER.email,
        ENQUIRER.phone,
        ENQUIRER.description,
        'Domestic abuse',
      ]) {
        expect(everything(email.content)).not.toContain(secret);
      }
      expect(email.content.text).toContain(`https://api.example/console/cases/${reference}`);
    }
  });

  it('is listed in the overdue digest without its category', async () => {
    const { aCase, digestDeps, mailer } = aSafeguardingSystem();
    const reference = await aCase({ category: 'domestic-abuse' });

    await sendOverdueDigests(digestDeps, { at: new Date(THURSDAY) });

    const digests = mailer.sent.filter((e) => e.content.text.includes(reference));
    expect(digests.map((e) => e.to).sort()).toEqual(['csu@ashford.example', 'parking@ashford.example']);
    for (const digest of digests) {
      expect(everything(digest.content)).toContain('Sensitive enquiry');
      expect(everything(digest.content)).not.toContain('Domestic abuse');
    }
  });
});

describe('sendOverdueDigests', () => {
  /** Referrals made on Monday 11 January 2027: two to be overdue by Thursday, one accepted, one made later. */
  async function aWeekOfReferrals() {
    const system = aSystem();
    const { deps, aCase, clock, etag } = system;
    const parkingLate = await aCase({ category: 'parking' });
    const noiseLate = await aCase({ category: 'noise' });
    const accepted = await aCase({ category: 'parking' });
    await acceptCaseReferral(deps, parkingOfficer, {
      reference: accepted,
      agencyId: 'parking-team',
      ifMatch: etag(accepted),
    });
    clock.advance(2 * 24 * 60 * 60);
    // Made on Wednesday: due to be accepted by the end of Friday.
    const recent = await aCase({ category: 'parking' });
    return { ...system, parkingLate, noiseLate, accepted, recent };
  }

  const referencesIn = (text: string) => [...new Set(text.match(/CSU-\d{4}-\d{6}/g))].sort();

  it('emails each agency its own overdue referrals and the CSU all of them, once a day', async () => {
    const { digestDeps, mailer, parkingLate, noiseLate } = await aWeekOfReferrals();
    const thursday = new Date(THURSDAY);

    const first = await sendOverdueDigests(digestDeps, { at: thursday });
    const again = await sendOverdueDigests(digestDeps, { at: new Date('2027-01-14T16:00:00.000Z') });

    expect(first).toEqual({
      outcome: 'ran',
      date: '2027-01-14',
      digests: { csu: 'sent', 'parking-team': 'sent', 'environmental-health': 'sent' },
      failed: [],
    });
    expect(again).toMatchObject({
      outcome: 'ran',
      digests: {
        csu: 'already-sent',
        'parking-team': 'already-sent',
        'environmental-health': 'already-sent',
      },
    });
    const digests = Object.fromEntries(mailer.sent.map((e) => [e.to, referencesIn(e.content.text)]));
    expect(mailer.sent).toHaveLength(3);
    expect(digests).toEqual({
      'csu@ashford.example': [parkingLate, noiseLate].sort(),
      'parking@ashford.example': [parkingLate],
      'eh@ashford.example': [noiseLate],
    });
    for (const email of mailer.sent) {
      expect(everything(email.content)).not.toContain(ENQUIRER.name);
      expect(everything(email.content)).not.toContain(ENQUIRER.description);
    }
  });

  it('sends nothing when nothing is overdue', async () => {
    const { digestDeps, mailer } = await aWeekOfReferrals();

    // Wednesday afternoon: Monday's referrals are due by the end of the day.
    const result = await sendOverdueDigests(digestDeps, { at: new Date('2027-01-13T15:00:00.000Z') });

    expect(result).toEqual({ outcome: 'ran', date: '2027-01-13', digests: {}, failed: [] });
    expect(mailer.sent).toEqual([]);
  });

  it.each([
    ['a Saturday', '2027-01-16T09:00:00.000Z', '2027-01-16'],
    ['a bank holiday (Good Friday)', '2027-03-26T09:00:00.000Z', '2027-03-26'],
  ])('sends nothing on %s, though cases are overdue', async (_day, at, date) => {
    const { digestDeps, mailer } = await aWeekOfReferrals();

    const result = await sendOverdueDigests(digestDeps, { at: new Date(at) });

    expect(result).toEqual({ outcome: 'not-a-working-day', date });
    expect(mailer.sent).toEqual([]);
  });
});
