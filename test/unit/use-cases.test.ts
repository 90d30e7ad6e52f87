/** The use cases against in-memory ports: each test checks the state they leave behind. */
import { describe, expect, it } from 'vitest';
import type { NewEnquiry } from '../../functions/domain/enquiry.ts';
import {
  EmailNotAccepted,
  EmailSendInProgress,
  EmailSentNotRecorded,
  IdempotencyKeyReused,
  UnknownCategory,
} from '../../functions/domain/errors.ts';
import { routeEnquiry } from '../../functions/domain/use-cases/route-enquiry.ts';
import {
  EMAIL_LEASE_SECONDS,
  MARK_SENT_MARGIN_MS,
  MARK_SENT_MAX_PAUSE_MS,
  sendAcknowledgement,
  sendReferral,
} from '../../functions/domain/use-cases/send-enquiry-email.ts';
import { submitEnquiry } from '../../functions/domain/use-cases/submit-enquiry.ts';
import { OUTBOX_BACKLOG_AGE_SECONDS, sweepOutbox } from '../../functions/domain/use-cases/sweep-outbox.ts';
import {
  SUPPRESSED_BOUNCE_TYPE,
  sendReferralOrReturnToTriage,
} from '../../functions/domain/use-cases/undelivered-referral.ts';
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

function aSystem() {
  const referenceData = smallPartnershipReferenceData();

  const enquiries = new InMemoryEnquiries();
  const cases = new InMemoryCases(enquiries);
  const events = new RecordingPublisher();
  const ledger = new InMemoryLedger();
  const mailer = new RecordingMailer();
  const clock = aClock();
  const mailDeps = {
    enquiries,
    referenceData,
    ledger,
    mailer,
    clock,
    sender: 'CSU <no-reply@csp.example>',
    personalData: testHasher,
    statusPageBaseUrl: 'https://api.example',
    publicApiUrl: 'https://api.example',
  };
  return {
    enquiries,
    referenceData,
    events,
    ledger,
    mailer,
    clock,
    mailDeps,
    cases,
    deps: {
      enquiries,
      cases,
      referenceData,
      events,
      clock,
      expiresAtOf: () => 2_000_000_000,
      personalData: testHasher,
    },
  };
}

const aNewEnquiry = (overrides: Partial<NewEnquiry> = {}): NewEnquiry => ({
  category: 'parking',
  description: 'Van on the pavement',
  contact: { email: 'sam@resident.example' },
  happeningNow: false,
  safeContact: { mayEmail: true, mayPhone: false },
  ...overrides,
});

describe('submitEnquiry', () => {
  it('stores the enquiry in the outbox and publishes EnquiryReceived without personal data', async () => {
    const { deps, enquiries, events } = aSystem();

    const result = await submitEnquiry(deps, { enquiry: aNewEnquiry() });

    expect(result).toMatchObject({ published: true, replayed: false });
    expect(enquiries.enquiries.get(result.enquiry.reference)).toMatchObject({ status: 'received' });
    // Only the router's receipt takes it out of the outbox: a published event may still be lost.
    expect([...enquiries.outbox.keys()]).toEqual([result.enquiry.reference]);
    expect(events.published.map((e) => e.detail.data)).toEqual([
      {
        reference: result.enquiry.reference,
        category: 'parking',
        acknowledgementRequested: true,
        happeningNow: false,
        receivedAt: result.enquiry.receivedAt,
        sensitive: false,
      },
    ]);
    expect(JSON.stringify(events.published)).not.toContain('sam@resident.example');
  });

  it('keeps the enquiry, in the outbox, when publishing fails', async () => {
    const { deps, enquiries, events } = aSystem();
    events.failNext = 1;

    const result = await submitEnquiry(deps, { enquiry: aNewEnquiry() });

    expect(result.published).toBe(false);
    expect(enquiries.enquiries.has(result.enquiry.reference)).toBe(true);
    expect([...enquiries.outbox.keys()]).toEqual([result.enquiry.reference]);
  });

  it('answers a retry with the same key from the first result, whatever the key order of the body', async () => {
    const { deps, enquiries, events } = aSystem();
    const first = await submitEnquiry(deps, { enquiry: aNewEnquiry(), idempotencyKey: 'k1' });
    const reordered = Object.fromEntries(Object.entries(aNewEnquiry()).reverse()) as unknown as NewEnquiry;

    const retry = await submitEnquiry(deps, { enquiry: reordered, idempotencyKey: 'k1' });

    expect(retry).toMatchObject({ replayed: true, enquiry: { reference: first.enquiry.reference } });
    expect(enquiries.enquiries.size).toBe(1);
    expect(events.published).toHaveLength(1);
  });

  it('refuses the same key with a different body, and an unknown category, storing nothing', async () => {
    const { deps, enquiries } = aSystem();
    await submitEnquiry(deps, { enquiry: aNewEnquiry(), idempotencyKey: 'k1' });

    await expect(
      submitEnquiry(deps, { enquiry: aNewEnquiry({ description: 'Other' }), idempotencyKey: 'k1' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
    await expect(submitEnquiry(deps, { enquiry: aNewEnquiry({ category: 'ufo' }) })).rejects.toBeInstanceOf(
      UnknownCategory,
    );
    expect(enquiries.enquiries.size).toBe(1);
  });
});

describe('acknowledgements per address', () => {
  it('acknowledges an address at most three times a day, however it is written, then only stores and routes', async () => {
    const { deps, events, enquiries, clock, mailDeps, mailer } = aSystem();
    const spellings = [
      'sam@resident.example',
      'Sam@Resident.example',
      ' SAM@RESIDENT.EXAMPLE ',
      'sam@resident.example',
    ];

    const submitted = [];
    for (const email of spellings) {
      submitted.push(await submitEnquiry(deps, { enquiry: aNewEnquiry({ contact: { email } }) }));
    }
    clock.advance(24 * 60 * 60);
    const nextDay = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    for (const { enquiry } of submitted)
      await sendAcknowledgement(mailDeps, { reference: enquiry.reference });

    const requested = events.published.map(
      (e) => (e.detail.data as { acknowledgementRequested: boolean }).acknowledgementRequested,
    );
    expect(requested).toEqual([true, true, true, false, true]);
    expect(submitted.map((r) => r.enquiry.acknowledgementLimited ?? false)).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(nextDay.enquiry.acknowledgementLimited).toBeUndefined();
    // Stored and in the outbox like any other: routed as usual, only not acknowledged.
    expect(enquiries.outbox.has(submitted[3]!.enquiry.reference)).toBe(true);
    expect(mailer.sent).toHaveLength(3);
    // Counted by a keyed hash: the address itself is nowhere in the counter's key.
    expect([...enquiries.acknowledgementTimes.keys()].join()).not.toMatch(/resident/i);
  });

  it('counts a rolling 24 hours, not a calendar day: midnight gives no new acknowledgements', async () => {
    const { deps, clock } = aSystem();
    const submitFromSam = async () =>
      (await submitEnquiry(deps, { enquiry: aNewEnquiry({ contact: { email: 'sam@resident.example' } }) }))
        .enquiry.acknowledgementLimited ?? false;

    clock.advance(13 * 60 * 60 + 59 * 60); // 23:59 on 26 November (GMT)
    const beforeMidnight = [await submitFromSam(), await submitFromSam(), await submitFromSam()];
    clock.advance(2 * 60); // 00:01 on 27 November
    const afterMidnight = await submitFromSam();
    clock.advance(24 * 60 * 60 - 2 * 60); // 24 hours after the first
    const aDayLater = await submitFromSam();

    expect(beforeMidnight).toEqual([false, false, false]);
    expect(afterMidnight).toBe(true);
    expect(aDayLater).toBe(false);
  });

  it('gives the address its acknowledgement back when the enquiry could not be stored', async () => {
    const { deps, enquiries } = aSystem();
    const fromSam = () => aNewEnquiry({ contact: { email: 'sam@resident.example' } });
    await submitEnquiry(deps, { enquiry: fromSam() });
    await submitEnquiry(deps, { enquiry: fromSam() });
    const create = enquiries.create.bind(enquiries);
    enquiries.create = async () => {
      throw new Error('table unavailable');
    };

    await expect(submitEnquiry(deps, { enquiry: fromSam() })).rejects.toThrow('table unavailable');
    enquiries.create = create;
    const third = await submitEnquiry(deps, { enquiry: fromSam() });

    expect(third.enquiry.acknowledgementLimited).toBeUndefined();
  });

  it('gives the address its acknowledgement back when no reference could be numbered', async () => {
    const { deps, enquiries } = aSystem();
    const fromSam = () => aNewEnquiry({ contact: { email: 'sam@resident.example' } });
    const nextReference = enquiries.nextReference.bind(enquiries);
    enquiries.nextReference = async () => {
      throw new Error('counter unavailable');
    };

    // A client retrying a failing service three times must not use up the address's places.
    for (let i = 0; i < 3; i++) {
      await expect(submitEnquiry(deps, { enquiry: fromSam() })).rejects.toThrow('counter unavailable');
    }
    enquiries.nextReference = nextReference;
    const stored = await submitEnquiry(deps, { enquiry: fromSam() });

    expect(stored.enquiry.acknowledgementLimited).toBeUndefined();
    expect([...enquiries.acknowledgementTimes.values()].map((times) => times.length)).toEqual([1]);
  });

  it('counts nothing for an enquirer who gave no address or said email is not safe', async () => {
    const { deps, enquiries } = aSystem();

    await submitEnquiry(deps, {
      enquiry: aNewEnquiry({ safeContact: { mayEmail: false, mayPhone: false } }),
    });
    await submitEnquiry(deps, { enquiry: aNewEnquiry({ contact: {} }) });

    expect(enquiries.acknowledgementTimes.size).toBe(0);
  });
});

describe('sweepOutbox', () => {
  it('republishes enquiries the router has not received after the grace period, and leaves younger ones', async () => {
    const { deps, enquiries, events, clock } = aSystem();
    events.failNext = 1;
    const old = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    clock.advance(300);
    events.failNext = 1;
    const young = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    clock.advance(10);

    const result = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });

    expect(result).toEqual({
      republished: [old.enquiry.reference],
      failed: [],
      stuck: [],
      caseEventsPublished: [],
      // Received 310 s ago and still not routed.
      backlog: 1,
    });
    expect(events.published.map((e) => (e.detail.data as { reference: string }).reference)).toEqual([
      old.enquiry.reference,
    ]);
    // Still in the outbox until the router receives it, but not due again for another grace period.
    expect(enquiries.outbox.get(old.enquiry.reference)?.attempts).toBe(1);
    expect(enquiries.outbox.get(young.enquiry.reference)?.attempts).toBe(0);
  });

  it('waits twice as long before each further republish, at most an hour, and reports an enquiry stuck', async () => {
    const { deps, enquiries, events, clock } = aSystem();
    events.failNext = 1;
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    const sweepTimes: number[] = [];
    let stuck: string[] = [];

    for (let minute = 1; minute <= 24 * 60; minute++) {
      clock.advance(60);
      const result = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });
      if (result.republished.length > 0) sweepTimes.push(minute);
      if (result.stuck.length > 0 && stuck.length === 0) stuck = result.stuck;
    }

    // Each wait is grace × 2^attempts (1, 2, 4 … minutes, at most 60), taken by the first sweep strictly after.
    const gaps = sweepTimes.slice(1).map((t, i) => t - sweepTimes[i]!);
    expect(gaps.slice(0, 8)).toEqual([2, 3, 5, 9, 17, 33, 61, 61]);
    expect(Math.max(...gaps)).toBe(61);
    expect(stuck).toEqual([enquiry.reference]);
    expect(enquiries.outbox.get(enquiry.reference)?.attempts).toBe(sweepTimes.length);
    expect(events.published).toHaveLength(sweepTimes.length);
  });

  it('counts as backlog the enquiries over five minutes old the router has not received, republished or not', async () => {
    const { deps, events, clock } = aSystem();
    events.failNext = 2;
    await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    const routed = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    await routeEnquiry(deps, {
      reference: routed.enquiry.reference,
      category: 'parking',
      correlationId: 'c',
    });
    clock.advance(OUTBOX_BACKLOG_AGE_SECONDS - 60);
    events.failNext = 1;
    await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    events.failNext = 10;

    const early = await sweepOutbox(deps, { graceSeconds: 30, batchSize: 10 });
    clock.advance(60);
    const atFiveMinutes = await sweepOutbox(deps, { graceSeconds: 30, batchSize: 10 });
    clock.advance(60);
    const later = await sweepOutbox(deps, { graceSeconds: 30, batchSize: 10 });

    // The first enquiry has been received five minutes ago only at the second sweep (strictly older counts);
    // the routed one never counts, the young one not yet.
    expect([early.backlog, atFiveMinutes.backlog, later.backlog]).toEqual([0, 0, 1]);
    expect(later.failed.length).toBeGreaterThan(0);
  });

  it('stops republishing once the router has received the enquiry', async () => {
    const { deps, enquiries, events, clock } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    await routeEnquiry(deps, { reference: enquiry.reference, category: 'parking', correlationId: 'c' });
    events.published.length = 0;
    clock.advance(600);

    const result = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });

    expect(result.republished).toEqual([]);
    expect(enquiries.outbox.size).toBe(0);
    expect(events.published).toEqual([]);
  });

  it('goes on past an enquiry it cannot publish', async () => {
    const { deps, enquiries, events, clock } = aSystem();
    events.failNext = 2;
    const a = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    const b = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    clock.advance(120);
    events.failNext = 1;

    const result = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });

    expect(result).toEqual({
      republished: [b.enquiry.reference],
      failed: [a.enquiry.reference],
      stuck: [],
      caseEventsPublished: [],
      backlog: 0,
    });
    expect(enquiries.outbox.get(a.enquiry.reference)?.attempts).toBe(0);
    expect(enquiries.outbox.get(b.enquiry.reference)?.attempts).toBe(1);
  });
});

describe('routeEnquiry', () => {
  it('requests one referral per recipient, CSU first, and reuses the recorded decision when run again', async () => {
    const { deps, events, referenceData, enquiries } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    events.published.length = 0;
    const input = { reference: enquiry.reference, category: 'parking', correlationId: enquiry.reference };

    await routeEnquiry(deps, input);
    referenceData.routing.splice(0, 1, { category: 'parking', agencyIds: [] });
    await routeEnquiry(deps, input);

    const requested = events.published.map((e) => (e.detail.data as { recipientId: string }).recipientId);
    expect(requested).toEqual(['csu', 'parking-team', 'csu', 'parking-team']);
    expect(enquiries.enquiries.get(enquiry.reference)?.status).toBe('routed');
    expect(enquiries.outbox.size).toBe(0);
  });

  it('routes nothing when the event names another category than the enquiry has', async () => {
    const { deps, events, enquiries } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    events.published.length = 0;

    const result = await routeEnquiry(deps, {
      reference: enquiry.reference,
      category: 'domestic-abuse',
      correlationId: enquiry.reference,
    });

    expect(result).toEqual({ outcome: 'enquiry-not-found' });
    expect(events.published).toEqual([]);
    expect(enquiries.enquiries.get(enquiry.reference)?.routing).toBeUndefined();
    expect(enquiries.outbox.has(enquiry.reference)).toBe(true);
  });
});

describe('sending emails', () => {
  async function aRoutedEnquiry(overrides: Partial<NewEnquiry> = {}) {
    const system = aSystem();
    const { enquiry } = await submitEnquiry(system.deps, { enquiry: aNewEnquiry(overrides) });
    await routeEnquiry(system.deps, {
      reference: enquiry.reference,
      category: enquiry.category,
      correlationId: enquiry.reference,
    });
    return { ...system, reference: enquiry.reference };
  }

  it('acknowledges once, however often asked', async () => {
    const { mailDeps, mailer, reference } = await aRoutedEnquiry();

    const outcomes = [
      await sendAcknowledgement(mailDeps, { reference }),
      await sendAcknowledgement(mailDeps, { reference }),
    ];

    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'already-sent']);
    expect(mailer.sent.map((e) => [e.to, e.replyTo, e.from])).toEqual([
      ['sam@resident.example', 'csu@ashford.example', 'CSU <no-reply@csp.example>'],
    ]);
  });

  it('keeps trying to record a sent email while the ledger is unreachable, and never sends it twice', async () => {
    const { mailDeps, mailer, ledger, clock, reference } = await aRoutedEnquiry();
    const pauses: number[] = [];
    const patient = {
      ...mailDeps,
      sleep: async (ms: number) => {
        pauses.push(ms);
        clock.advance(ms / 1000);
      },
    };
    ledger.failMarkSent = 6;

    const first = await sendAcknowledgement(patient, { reference });
    const again = await sendAcknowledgement(patient, { reference });

    expect(first.outcome).toBe('sent');
    expect(again.outcome).toBe('already-sent');
    expect(mailer.sent).toHaveLength(1);
    expect(ledger.markSentCalls).toBe(7);
    // Growing pauses, never longer than the cap.
    expect(pauses).toEqual([100, 200, 400, 800, 1600, 3200]);
  });

  it('gives up recording before its lease ends, saying the email may go again', async () => {
    const { mailDeps, mailer, ledger, clock, reference } = await aRoutedEnquiry();
    let waited = 0;
    const patient = {
      ...mailDeps,
      sleep: async (ms: number) => {
        waited += ms;
        clock.advance(ms / 1000);
      },
    };
    ledger.failMarkSent = 1_000;

    await expect(sendAcknowledgement(patient, { reference })).rejects.toBeInstanceOf(EmailSentNotRecorded);

    expect(mailer.sent).toHaveLength(1);
    // It waited as long as the lease allowed, and stopped short of its end.
    expect(waited).toBeLessThanOrEqual(EMAIL_LEASE_SECONDS * 1000 - MARK_SENT_MARGIN_MS);
    expect(waited).toBeGreaterThan(EMAIL_LEASE_SECONDS * 1000 - MARK_SENT_MARGIN_MS - MARK_SENT_MAX_PAUSE_MS);
  });

  it('stops retrying the record when its invocation must finish, even with lease to spare', async () => {
    const { mailDeps, ledger, clock, reference } = await aRoutedEnquiry();
    let waited = 0;
    const patient = {
      ...mailDeps,
      mustFinishBy: clock().getTime() + 3_000,
      sleep: async (ms: number) => {
        waited += ms;
        clock.advance(ms / 1000);
      },
    };
    ledger.failMarkSent = 1_000;

    await expect(sendAcknowledgement(patient, { reference })).rejects.toBeInstanceOf(EmailSentNotRecorded);

    expect(waited).toBeLessThanOrEqual(3_000);
  });

  it('never sends to an address on the suppression list, however it is written, and records it suppressed', async () => {
    const { mailDeps, mailer, ledger, reference } = await aRoutedEnquiry({
      contact: { email: 'Sam@Resident.example' },
    });
    await ledger.suppress(await testHasher.hash('email', 'sam@resident.example'), { reason: 'complaint' });

    const outcomes = [
      await sendAcknowledgement(mailDeps, { reference }),
      await sendAcknowledgement(mailDeps, { reference }),
    ];

    expect(outcomes).toEqual([{ outcome: 'suppressed' }, { outcome: 'suppressed' }]);
    expect(mailer.sent).toEqual([]);
    // The referral to the agency, another address, still goes.
    expect((await sendReferral(mailDeps, { reference, recipientId: 'parking-team' })).outcome).toBe('sent');
  });

  it('sends a referral to a suppressed agency mailbox nowhere: the case goes back to triage and the CSU is alerted once', async () => {
    const { mailDeps, cases, mailer, ledger, enquiries, reference } = await aRoutedEnquiry();
    await ledger.suppress(await testHasher.hash('email', 'parking@ashford.example'), { reason: 'bounce' });
    const deps = { ...mailDeps, cases };

    const first = await sendReferralOrReturnToTriage(deps, { reference, recipientId: 'parking-team' });
    const again = await sendReferralOrReturnToTriage(deps, { reference, recipientId: 'parking-team' });

    expect(first).toEqual({ outcome: 'suppressed', referralUndelivered: true });
    expect(again).toEqual({ outcome: 'suppressed', referralUndelivered: true });
    const stored = enquiries.enquiries.get(reference);
    expect(stored?.needsTriage).toBe(true);
    expect(stored?.referrals.find((r) => r.agencyId === 'parking-team')?.undelivered).toMatchObject({
      bounceType: SUPPRESSED_BOUNCE_TYPE,
    });
    expect(cases.timeline.get(reference)?.filter((e) => e.kind === 'referral-undelivered')).toHaveLength(1);
    // Nothing to the dead mailbox; one alert to the CSU however often the referral is retried.
    expect(mailer.sent.map((e) => [e.to, e.content.subject])).toEqual([
      ['csu@ashford.example', `Referral not delivered: ${reference} to Parking team`],
    ]);
  });

  it('changes nothing about the case when a referral to a live mailbox is sent', async () => {
    const { mailDeps, cases, enquiries, reference } = await aRoutedEnquiry();
    const before = enquiries.enquiries.get(reference);

    const result = await sendReferralOrReturnToTriage(
      { ...mailDeps, cases },
      { reference, recipientId: 'parking-team' },
    );

    expect(result.outcome).toBe('sent');
    expect(enquiries.enquiries.get(reference)).toEqual(before);
  });

  it('does not send the case to triage when the suppressed mailbox is the CSU’s own copy', async () => {
    const { mailDeps, cases, mailer, ledger, enquiries, reference } = await aRoutedEnquiry();
    await ledger.suppress(await testHasher.hash('email', 'csu@ashford.example'), { reason: 'bounce' });

    const result = await sendReferralOrReturnToTriage(
      { ...mailDeps, cases },
      { reference, recipientId: 'csu' },
    );

    expect(result).toEqual({ outcome: 'suppressed', referralUndelivered: false });
    expect(enquiries.enquiries.get(reference)?.needsTriage).toBe(false);
    expect(mailer.sent).toEqual([]);
  });

  it('does not acknowledge an enquirer who did not say email is safe', async () => {
    const { mailDeps, mailer, reference } = await aRoutedEnquiry({
      safeContact: { mayEmail: false, mayPhone: false },
    });

    expect(await sendAcknowledgement(mailDeps, { reference })).toEqual({
      outcome: 'skipped',
      reason: 'no-consent-to-email',
    });
    expect(mailer.sent).toEqual([]);
  });

  it('sends a referral only to a recipient recorded on the enquiry', async () => {
    const { mailDeps, mailer, reference } = await aRoutedEnquiry();

    const unknown = await sendReferral(mailDeps, { reference, recipientId: 'someone-else' });
    const routed = await sendReferral(mailDeps, { reference, recipientId: 'parking-team' });

    expect(unknown).toEqual({ outcome: 'skipped', reason: 'recipient-not-routed' });
    expect(routed.outcome).toBe('sent');
    expect(mailer.sent.map((e) => e.to)).toEqual(['parking@ashford.example']);
  });

  it('frees a refused send for the next attempt, but holds one whose fate is unknown until its lease ends', async () => {
    const { mailDeps, mailer, reference } = await aRoutedEnquiry();

    mailer.failWith = new EmailNotAccepted('Throttling');
    await expect(sendReferral(mailDeps, { reference, recipientId: 'csu' })).rejects.toBeInstanceOf(
      EmailNotAccepted,
    );
    const afterRefusal = await sendReferral(mailDeps, { reference, recipientId: 'csu' });

    mailer.failWith = new Error('socket hang up');
    await expect(sendReferral(mailDeps, { reference, recipientId: 'parking-team' })).rejects.toThrow(
      'socket hang up',
    );
    const afterTimeout = sendReferral(mailDeps, { reference, recipientId: 'parking-team' });

    expect(afterRefusal.outcome).toBe('sent');
    await expect(afterTimeout).rejects.toBeInstanceOf(EmailSendInProgress);
  });
});
