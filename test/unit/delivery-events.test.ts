/**
 * Delivery reports: SES's events read as SES writes them, our email id carried in a tag and read back, the
 * report recorded (the most final word kept), addresses suppressed by keyed hash only for a hard bounce or a
 * complaint, and a referral that bounced for good sent back to the CSU with one alert.
 */
import { describe, expect, it } from 'vitest';
import { deliveryRank } from '../../functions/adapters/dynamodb-email-ledger.ts';
import { decodeEmailId, encodeEmailId } from '../../functions/adapters/email-tags.ts';
import { markReferralUndelivered, ROUTER_ACTOR } from '../../functions/domain/casework.ts';
import { undeliveredReferralEmail } from '../../functions/domain/casework-emails.ts';
import type { DeliveryReport, EmailId } from '../../functions/domain/ports.ts';
import {
  type DeliveryReportInput,
  recordDeliveryReport,
  suppresses,
} from '../../functions/domain/use-cases/record-delivery-report.ts';
import { routeEnquiry } from '../../functions/domain/use-cases/route-enquiry.ts';
import { sendReferral } from '../../functions/domain/use-cases/send-enquiry-email.ts';
import { submitEnquiry } from '../../functions/domain/use-cases/submit-enquiry.ts';
import { EnquiryReferralUndeliveredEvent } from '../../functions/events/enquiry-referral-answered.ts';
import { EMAIL_ID_TAG, parseSesDeliveryEvent } from '../../functions/events/ses-delivery-event.ts';
import { simulatedSesEvents } from '../../local/aws-endpoint.ts';
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

const referralId: EmailId = {
  topic: 'ENQUIRY#CSU-2026-000001',
  kind: 'referral',
  recipientId: 'parking-team',
};

describe('the email id tag', () => {
  it('reads back what it wrote, in the characters SES allows in a tag', () => {
    const tag = encodeEmailId(referralId);

    expect(tag).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeEmailId(tag)).toEqual(referralId);
  });

  it('reads nothing from a tag this system did not write', () => {
    expect(decodeEmailId('not-ours')).toBeUndefined();
    expect(decodeEmailId(Buffer.from('["T","postcard","x"]').toString('base64url'))).toBeUndefined();
    expect(decodeEmailId(Buffer.from('[1,"referral","x"]').toString('base64url'))).toBeUndefined();
  });
});

describe('parseSesDeliveryEvent', () => {
  const tags = { [EMAIL_ID_TAG]: ['tag-value'] };
  const mail = { timestamp: '2026-11-26T10:00:00.000Z', messageId: 'm-1', tags };

  it('reads a hard bounce: outcome, type, when, and the addresses it names', () => {
    const report = parseSesDeliveryEvent('Email Bounced', {
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        timestamp: '2026-11-26T10:00:05.000Z',
        bouncedRecipients: [{ emailAddress: 'dead@agency.example' }],
      },
    });

    expect(report).toEqual({
      emailTag: 'tag-value',
      outcome: 'bounced',
      at: '2026-11-26T10:00:05.000Z',
      bounceType: 'Permanent',
      recipients: ['dead@agency.example'],
    });
  });

  it('reads a complaint and a delivery', () => {
    expect(
      parseSesDeliveryEvent('Email Complaint Received', {
        mail,
        complaint: {
          timestamp: '2026-11-26T11:00:00.000Z',
          complainedRecipients: [{ emailAddress: 'sam@x.example' }],
        },
      }),
    ).toMatchObject({ outcome: 'complained', recipients: ['sam@x.example'], at: '2026-11-26T11:00:00.000Z' });
    expect(
      parseSesDeliveryEvent('Email Delivered', { mail, delivery: { timestamp: '2026-11-26T10:00:01.000Z' } }),
    ).toMatchObject({ outcome: 'delivered', recipients: [], at: '2026-11-26T10:00:01.000Z' });
  });

  it('reads a send: SES took the email on, when its mail says', () => {
    expect(parseSesDeliveryEvent('Email Sent', { eventType: 'Send', mail, send: {} })).toEqual({
      emailTag: 'tag-value',
      outcome: 'sent',
      at: '2026-11-26T10:00:00.000Z',
      bounceType: undefined,
      recipients: [],
    });
  });

  it('ignores events of other types, and emails not tagged by us', () => {
    expect(parseSesDeliveryEvent('Email Opened', { mail })).toBeUndefined();
    expect(parseSesDeliveryEvent('Email Delivered', { mail: { ...mail, tags: {} } })).toBeUndefined();
    expect(parseSesDeliveryEvent('Email Delivered', null)).toBeUndefined();
  });

  it('reads every event the local SES endpoint publishes for the simulator’s addresses', () => {
    const events = (to: string) =>
      simulatedSesEvents({ recipients: [to], tags, messageId: 'm', source: 'csu@x.example' }).map((entry) =>
        parseSesDeliveryEvent(String(entry.DetailType), JSON.parse(String(entry.Detail))),
      );

    expect(events('bounce+label@simulator.amazonses.com')).toEqual([
      expect.objectContaining({ outcome: 'sent' }),
      expect.objectContaining({
        outcome: 'bounced',
        bounceType: 'Permanent',
        recipients: ['bounce+label@simulator.amazonses.com'],
      }),
    ]);
    expect(events('suppressionlist@simulator.amazonses.com')).toEqual([
      expect.objectContaining({ outcome: 'sent' }),
      expect.objectContaining({ outcome: 'bounced', bounceType: 'Permanent' }),
    ]);
    expect(events('complaint@simulator.amazonses.com').map((e) => e?.outcome)).toEqual([
      'sent',
      'delivered',
      'complained',
    ]);
    expect(events('ooto@simulator.amazonses.com').map((e) => e?.outcome)).toEqual(['sent', 'delivered']);
    expect(events('police@kent.example').map((e) => e?.outcome)).toEqual(['sent', 'delivered']);
  });

  it('publishes one send per email, however many recipients it has', () => {
    const outcomes = simulatedSesEvents({
      recipients: ['a@x.example', 'b@x.example'],
      tags,
      messageId: 'm',
      source: 'csu@x.example',
    }).map((entry) => entry.DetailType);

    expect(outcomes).toEqual(['Email Sent', 'Email Delivered', 'Email Delivered']);
  });
});

describe('deliveryRank', () => {
  const at = '2026-11-26T10:00:00.000Z';
  const reports: DeliveryReport[] = [
    { outcome: 'delayed', at },
    { outcome: 'bounced', bounceType: 'Transient', at },
    { outcome: 'delivered', at },
    { outcome: 'bounced', bounceType: 'Permanent', at },
    { outcome: 'rejected', at },
    { outcome: 'complained', at },
  ];

  it('ranks a send below every other word from SES', () => {
    for (const report of reports) {
      expect(deliveryRank({ outcome: 'sent', at }), report.outcome).toBeLessThan(deliveryRank(report));
    }
  });

  it('lets a delay or a soft bounce still end delivered, and a delivery be complained about', () => {
    const rank = (i: number) => deliveryRank(reports[i]!);
    expect(rank(0)).toBeLessThan(rank(2));
    expect(rank(1)).toBeLessThan(rank(2));
    expect(rank(2)).toBeLessThan(rank(3));
    expect(rank(2)).toBeLessThan(rank(5));
  });
});

describe('suppresses', () => {
  it('holds back an address after a hard bounce or a complaint, never after a soft bounce or a delay', () => {
    const at = '2026-11-26T10:00:00.000Z';
    expect(suppresses({ outcome: 'bounced', bounceType: 'Permanent', at })).toBe('bounce');
    expect(suppresses({ outcome: 'complained', at })).toBe('complaint');
    expect(suppresses({ outcome: 'bounced', bounceType: 'Transient', at })).toBeUndefined();
    expect(suppresses({ outcome: 'bounced', bounceType: 'Undetermined', at })).toBeUndefined();
    expect(suppresses({ outcome: 'delayed', at })).toBeUndefined();
    expect(suppresses({ outcome: 'delivered', at })).toBeUndefined();
    expect(suppresses({ outcome: 'rejected', at })).toBeUndefined();
    expect(suppresses({ outcome: 'sent', at })).toBeUndefined();
  });
});

describe('recordDeliveryReport', () => {
  async function aReferralSent() {
    const referenceData = smallPartnershipReferenceData();
    const enquiries = new InMemoryEnquiries();
    const cases = new InMemoryCases(enquiries);
    const events = new RecordingPublisher();
    const ledger = new InMemoryLedger();
    const clock = aClock();
    const deps = {
      enquiries,
      cases,
      referenceData,
      events,
      clock,
      expiresAtOf: () => 2_000_000_000,
      personalData: testHasher,
    };
    const { enquiry } = await submitEnquiry(deps, {
      enquiry: {
        category: 'parking',
        description: 'Van on the pavement',
        contact: { email: 'sam@resident.example' },
        happeningNow: false,
        safeContact: { mayEmail: true, mayPhone: false },
      },
    });
    await routeEnquiry(deps, { reference: enquiry.reference, category: 'parking', correlationId: 'c' });
    const mailDeps = {
      enquiries,
      referenceData,
      ledger,
      mailer: new RecordingMailer(),
      clock,
      sender: 'CSU <no-reply@csp.example>',
      personalData: testHasher,
      statusPageBaseUrl: 'https://status.example',
      publicApiUrl: 'https://api.example',
    };
    await sendReferral(mailDeps, { reference: enquiry.reference, recipientId: 'parking-team' });
    events.published.length = 0;
    const reportDeps = { ledger, suppressions: ledger, personalData: testHasher, cases, events, clock };
    const report = (overrides: Partial<DeliveryReportInput>) =>
      recordDeliveryReport(reportDeps, {
        emailId: { topic: `ENQUIRY#${enquiry.reference}`, kind: 'referral', recipientId: 'parking-team' },
        outcome: 'delivered',
        at: '2026-11-26T10:05:00.000Z',
        recipients: [],
        correlationId: 'delivery-event-1',
        ...overrides,
      });
    return { reference: enquiry.reference, enquiries, ledger, events, report };
  }

  it('records a delivery, and changes nothing else', async () => {
    const { report, ledger, events, enquiries, reference } = await aReferralSent();

    expect(await report({})).toEqual({ recorded: true, suppressed: 0, referralUndelivered: false });

    expect([...ledger.records.values()][0]?.delivery).toMatchObject({ outcome: 'delivered' });
    expect(ledger.suppressedAddresses.size).toBe(0);
    expect(events.published).toEqual([]);
    expect(enquiries.enquiries.get(reference)?.needsTriage).toBe(false);
  });

  it('suppresses a referral mailbox that bounced for good, marks the referral undelivered and asks for one alert', async () => {
    const { report, ledger, events, enquiries, reference } = await aReferralSent();
    const bounce = {
      outcome: 'bounced' as const,
      bounceType: 'Permanent',
      recipients: ['Parking@Ashford.example'],
    };

    const first = await report(bounce);
    const again = await report(bounce);

    expect(first).toEqual({ recorded: true, suppressed: 1, referralUndelivered: true });
    expect(again).toEqual({ recorded: false, suppressed: 1, referralUndelivered: true });
    expect([...ledger.suppressedAddresses]).toEqual([
      [await testHasher.hash('email', 'parking@ashford.example'), 'bounce'],
    ]);
    const stored = enquiries.enquiries.get(reference);
    expect(stored?.needsTriage).toBe(true);
    expect(stored?.referrals.find((r) => r.agencyId === 'parking-team')?.undelivered).toMatchObject({
      bounceType: 'Permanent',
    });
    // The alert is requested each time; the mailer's ledger sends it once.
    expect(events.published.map((e) => [e.detailType, e.detail.data])).toEqual([
      [
        EnquiryReferralUndeliveredEvent.detailType,
        { reference, agencyId: 'parking-team', bounceType: 'Permanent' },
      ],
      [
        EnquiryReferralUndeliveredEvent.detailType,
        { reference, agencyId: 'parking-team', bounceType: 'Permanent' },
      ],
    ]);
  });

  it('takes a send as no news (the mailer marked the email sent when SES took it): no write, before or after', async () => {
    const { report, ledger, events } = await aReferralSent();
    const delivery = () => [...ledger.records.values()][0]?.delivery;

    const sent = await report({ outcome: 'sent' });
    const afterSend = delivery();
    const delivered = await report({ outcome: 'delivered' });
    const lateSend = await report({ outcome: 'sent', at: '2026-11-26T10:06:00.000Z' });

    expect([sent.recorded, delivered.recorded, lateSend.recorded]).toEqual([false, true, false]);
    expect(afterSend).toBeUndefined();
    expect([...ledger.records.values()][0]?.status).toBe('sent');
    expect(delivery()).toMatchObject({ outcome: 'delivered', at: '2026-11-26T10:05:00.000Z' });
    expect(ledger.suppressedAddresses.size).toBe(0);
    expect(events.published).toEqual([]);
  });

  it('keeps a hard bounce when the send is reported after it', async () => {
    const { report, ledger } = await aReferralSent();

    await report({ outcome: 'bounced', bounceType: 'Permanent', recipients: ['parking@ashford.example'] });
    const lateSend = await report({ outcome: 'sent' });

    expect(lateSend.recorded).toBe(false);
    expect([...ledger.records.values()][0]?.delivery).toMatchObject({
      outcome: 'bounced',
      bounceType: 'Permanent',
    });
  });

  it('does not suppress or alert for a soft bounce', async () => {
    const { report, ledger, events } = await aReferralSent();

    const result = await report({
      outcome: 'bounced',
      bounceType: 'Transient',
      recipients: ['parking@ashford.example'],
    });

    expect(result).toEqual({ recorded: true, suppressed: 0, referralUndelivered: false });
    expect(ledger.suppressedAddresses.size).toBe(0);
    expect(events.published).toEqual([]);
  });

  it('suppresses an enquirer who complained, without touching the case', async () => {
    const { report, ledger, events, enquiries, reference } = await aReferralSent();

    const result = await report({
      emailId: { topic: `ENQUIRY#${reference}`, kind: 'acknowledgement', recipientId: 'enquirer' },
      outcome: 'complained',
      recipients: ['sam@resident.example'],
    });

    expect(result).toEqual({ recorded: false, suppressed: 1, referralUndelivered: false });
    expect(ledger.suppressedAddresses.get(await testHasher.hash('email', 'sam@resident.example'))).toBe(
      'complaint',
    );
    expect(events.published).toEqual([]);
    expect(enquiries.enquiries.get(reference)?.needsTriage).toBe(false);
  });

  it('asks for no alert about a referral the case does not hold', async () => {
    const { report, events, reference } = await aReferralSent();

    const result = await report({
      emailId: { topic: `ENQUIRY#${reference}`, kind: 'referral', recipientId: 'long-gone-agency' },
      outcome: 'bounced',
      bounceType: 'Permanent',
      recipients: ['gone@agency.example'],
    });

    expect(result).toEqual({ recorded: false, suppressed: 1, referralUndelivered: false });
    expect(events.published).toEqual([]);
  });

  it('never marks the CSU’s own copy undelivered (nobody would read the alert)', async () => {
    const { report, events } = await aReferralSent();

    const result = await report({
      emailId: { topic: referralId.topic, kind: 'referral', recipientId: 'csu' },
      outcome: 'bounced',
      bounceType: 'Permanent',
      recipients: ['csu@ashford.example'],
    });

    expect(result.referralUndelivered).toBe(false);
    expect(events.published).toEqual([]);
  });
});

describe('markReferralUndelivered', () => {
  it('marks the referral and sends the case to triage; a no-op for an unknown or already marked one', () => {
    const context = { now: new Date('2026-11-26T10:00:00Z'), actor: ROUTER_ACTOR, newId: () => 'id' };
    const base = {
      reference: 'CSU-2026-000001',
      category: 'parking',
      sensitive: false,
      status: 'routed' as const,
      version: 2,
      statusToken: 't',
      receivedAt: '2026-11-26T09:00:00Z',
      updatedAt: '2026-11-26T09:00:00Z',
      description: 'd',
      contact: {},
      happeningNow: false,
      safeContact: { mayEmail: false, mayPhone: false },
      needsTriage: false,
      publicUpdates: [],
      referrals: [
        {
          agencyId: 'parking-team',
          agencyName: 'Parking',
          status: 'sent' as const,
          referredAt: '2026-11-26T09:00:00Z',
          referredBy: 'system:router',
          acceptBy: '2026-11-28T00:00:00Z',
        },
      ],
    };

    const change = markReferralUndelivered(base, 'parking-team', 'Permanent', context);

    expect(change?.after).toMatchObject({ needsTriage: true, version: 3 });
    expect(change?.timeline).toEqual([
      expect.objectContaining({
        kind: 'referral-undelivered',
        details: { agencyId: 'parking-team', bounceType: 'Permanent' },
      }),
    ]);
    expect(markReferralUndelivered(base, 'someone-else', 'Permanent', context)).toBeUndefined();
    expect(markReferralUndelivered(change!.after, 'parking-team', 'Permanent', context)).toBeUndefined();
  });
});

describe('undeliveredReferralEmail', () => {
  it('tells the CSU which referral failed and what to do, with the case link and nothing personal', () => {
    const email = undeliveredReferralEmail({
      reference: 'CSU-2026-000123',
      agencyName: 'Kent Police',
      bounceType: 'Permanent',
      caseUrl: 'https://api.example/enquiries/CSU-2026-000123',
      partnership: { csuName: 'Ashford Community Safety Unit' },
    });

    expect(email.subject).toBe('Referral not delivered: CSU-2026-000123 to Kent Police');
    expect(email.text).toContain('Bounce: Permanent: the mailbox does not exist or refuses our email');
    expect(email.text).toContain('back in the Ashford Community Safety Unit triage queue');
    expect(email.text).toContain('https://api.example/enquiries/CSU-2026-000123');
    expect(email.html).toContain('<a href="https://api.example/enquiries/CSU-2026-000123">');
  });
});
