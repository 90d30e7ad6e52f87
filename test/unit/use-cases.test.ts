/** The use cases against in-memory ports: each test checks the state they leave behind. */
import { describe, expect, it } from 'vitest';
import type { NewEnquiry } from '../../functions/domain/enquiry.ts';
import {
  EmailNotAccepted,
  EmailSendInProgress,
  IdempotencyKeyReused,
  UnknownCategory,
} from '../../functions/domain/errors.ts';
import { routeEnquiry } from '../../functions/domain/use-cases/route-enquiry.ts';
import { sendAcknowledgement, sendReferral } from '../../functions/domain/use-cases/send-enquiry-email.ts';
import { submitEnquiry } from '../../functions/domain/use-cases/submit-enquiry.ts';
import { sweepOutbox } from '../../functions/domain/use-cases/sweep-outbox.ts';
import {
  aClock,
  InMemoryEnquiries,
  InMemoryLedger,
  InMemoryReferenceData,
  RecordingMailer,
  RecordingPublisher,
} from '../support/in-memory-ports.ts';

function aSystem() {
  const referenceData = new InMemoryReferenceData(
    {
      id: 'ashford',
      name: 'Ashford CSP',
      csuName: 'Ashford CSU',
      csuMailbox: 'csu@ashford.example',
      urgentPhone: '01233 331111',
      urgentPhoneHours: 'weekends',
    },
    [{ code: 'parking', title: 'Parking', description: 'Parking', sensitive: false }],
    [{ id: 'parking-team', name: 'Parking team', email: 'parking@ashford.example' }],
    [{ category: 'parking', agencyIds: ['parking-team'] }],
  );
  const enquiries = new InMemoryEnquiries();
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
    deps: { enquiries, referenceData, events, clock },
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
  it('stores the enquiry, publishes EnquiryReceived without personal data, and clears the outbox mark', async () => {
    const { deps, enquiries, events } = aSystem();

    const result = await submitEnquiry(deps, { enquiry: aNewEnquiry() });

    expect(result).toMatchObject({ published: true, replayed: false });
    expect(enquiries.enquiries.get(result.enquiry.reference)).toMatchObject({ status: 'received' });
    expect(enquiries.unpublished.size).toBe(0);
    expect(events.published.map((e) => e.detail.data)).toEqual([
      {
        reference: result.enquiry.reference,
        category: 'parking',
        acknowledgementRequested: true,
        happeningNow: false,
      },
    ]);
    expect(JSON.stringify(events.published)).not.toContain('sam@resident.example');
  });

  it('keeps the enquiry, marked unpublished, when publishing fails', async () => {
    const { deps, enquiries, events } = aSystem();
    events.failNext = 1;

    const result = await submitEnquiry(deps, { enquiry: aNewEnquiry() });

    expect(result.published).toBe(false);
    expect(enquiries.enquiries.has(result.enquiry.reference)).toBe(true);
    expect([...enquiries.unpublished]).toEqual([result.enquiry.reference]);
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

describe('sweepOutbox', () => {
  it('republishes enquiries older than the grace period and leaves younger ones to their request', async () => {
    const { deps, enquiries, events, clock } = aSystem();
    events.failNext = 1;
    const old = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    clock.advance(300);
    events.failNext = 1;
    const young = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    clock.advance(10);

    const result = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });

    expect(result).toEqual({ republished: [old.enquiry.reference], failed: [] });
    expect([...enquiries.unpublished]).toEqual([young.enquiry.reference]);
    expect(events.published.map((e) => (e.detail.data as { reference: string }).reference)).toEqual([
      old.enquiry.reference,
    ]);
  });

  it('goes on past an enquiry it cannot publish', async () => {
    const { deps, enquiries, events, clock } = aSystem();
    events.failNext = 2;
    const a = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    const b = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    clock.advance(120);
    events.failNext = 1;

    const result = await sweepOutbox(deps, { graceSeconds: 60, batchSize: 10 });

    expect(result).toEqual({ republished: [b.enquiry.reference], failed: [a.enquiry.reference] });
    expect([...enquiries.unpublished]).toEqual([a.enquiry.reference]);
  });
});

describe('routeEnquiry', () => {
  it('requests one referral per recipient, CSU first, and reuses the recorded decision when run again', async () => {
    const { deps, events, referenceData } = aSystem();
    const { enquiry } = await submitEnquiry(deps, { enquiry: aNewEnquiry() });
    events.published.length = 0;

    await routeEnquiry(deps, { reference: enquiry.reference, correlationId: enquiry.reference });
    referenceData.routing.splice(0, 1, { category: 'parking', agencyIds: [] });
    await routeEnquiry(deps, { reference: enquiry.reference, correlationId: enquiry.reference });

    const requested = events.published.map((e) => (e.detail.data as { recipientId: string }).recipientId);
    expect(requested).toEqual(['csu', 'parking-team', 'csu', 'parking-team']);
  });
});

describe('sending emails', () => {
  async function aRoutedEnquiry(overrides: Partial<NewEnquiry> = {}) {
    const system = aSystem();
    const { enquiry } = await submitEnquiry(system.deps, { enquiry: aNewEnquiry(overrides) });
    await routeEnquiry(system.deps, { reference: enquiry.reference, correlationId: enquiry.reference });
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
