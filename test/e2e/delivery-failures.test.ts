/**
 * At-least-once delivery under failure: no enquiry is lost when PutEvents fails or its event is lost, an SES
 * outage of 2 hours ends with every email sent once, and an email SES keeps rejecting is retried, then
 * dead-lettered, without holding up or duplicating the others.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { enquiryReceived } from '../../functions/events/enquiry-received.ts';
import { backoffSeconds, QUEUES } from '../../functions/topology.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import {
  anEnquiry,
  cloud,
  compressRetryBackoff,
  deadLetters,
  emailsFor,
  FAST_RETRIES,
  fireSchedule,
  redrive,
  sesRejections,
  setFaults,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

const agencyEmail = (id: string) => ASHFORD.agencies.find((a) => a.id === id)!.email;

afterEach(async () => {
  await setFaults();
});

/**
 * Submits an enquiry under `faults`, then runs the outbox sweeper twice, waiting for the queues each time;
 * returns what was emailed about it at each step.
 */
async function submitThenSweepTwice(faults: Parameters<typeof setFaults>[0]) {
  await setFaults(faults);
  const enquiry = anEnquiry({ category: 'noise-and-environment' });
  const { status, body } = await submitEnquiry(enquiry);
  await waitForQuiet();
  const beforeSweep = await emailsFor(body.reference);
  const firstSweep = await fireSchedule('enquiry-outbox-sweeper');
  await waitForQuiet();
  const afterSweep = await emailsFor(body.reference);
  const secondSweep = await fireSchedule('enquiry-outbox-sweeper');
  await waitForQuiet();
  const afterSecondSweep = await emailsFor(body.reference);
  const expectedRecipients = [
    ASHFORD.partnership.csuMailbox,
    agencyEmail('abc-environmental'),
    enquiry.email,
  ];
  return { status, beforeSweep, firstSweep, afterSweep, secondSweep, afterSecondSweep, expectedRecipients };
}

describe.each([
  {
    when: 'PutEvents fails after the enquiry is stored',
    faults: { eventBridgeFailNextEntries: 1 },
  },
  {
    // The API's publish succeeds and is lost; the acknowledgement is lost with it (one event, two rules).
    when: 'EnquiryReceived is published but never reaches the router',
    faults: { eventBridgeDropNextEntries: 1 },
  },
])('when $when', ({ faults }) => {
  it('still answers 201; the outbox sweeper republishes it once, and each email goes once', async () => {
    const run = await submitThenSweepTwice(faults);

    expect(run.status).toBe(201);
    expect(run.beforeSweep).toEqual([]);
    expect(run.firstSweep).toEqual({ ok: true, value: { republished: 1 } });
    expect(run.afterSweep.map((e) => e.destination.to[0]).sort()).toEqual(run.expectedRecipients.sort());
    // The router's receipt took it out of the outbox: nothing left to republish, nothing sent twice.
    expect(run.secondSweep).toEqual({ ok: true, value: { republished: 0 } });
    expect(run.afterSecondSweep).toHaveLength(run.afterSweep.length);
  });
});

/** Hours of back-off pass in seconds. */
const RETRY_SCALE = FAST_RETRIES;

describe('when SES refuses every send for 2 hours (an outage)', () => {
  // Slower than FAST_RETRIES: the SDK's own retries of a throttled call take real seconds, and the scaled
  // outage must outlast several of the queue's retries of each email.
  const OUTAGE_SCALE = 0.001;

  it('keeps retrying every email, and once SES is back sends each exactly once; nothing is dead-lettered', async () => {
    const undo = await compressRetryBackoff(OUTAGE_SCALE);
    try {
      await setFaults({ sesThrottleAll: true });
      const dlqBefore = (await deadLetters('mail')).length;
      const enquiry = anEnquiry({ category: 'scams-and-trading-standards' });
      const { body } = await submitEnquiry(enquiry);
      const routed = ASHFORD.routing.find((r) => r.category === 'scams-and-trading-standards')!.agencyIds;
      const expected = [ASHFORD.partnership.csuMailbox, ...routed.map(agencyEmail), enquiry.email]
        .map((address) => address.toLowerCase())
        .sort();
      // Two hours of outage, in scaled time.
      await new Promise((resolve) => setTimeout(resolve, 2 * 60 * 60 * 1000 * OUTAGE_SCALE));
      const sentMeanwhile = await emailsFor(body.reference);
      const refusedMeanwhile = await sesRejections();
      await setFaults();
      await waitForQuiet();

      const recipients = (await emailsFor(body.reference)).flatMap((e) => e.destination.to).sort();
      expect(sentMeanwhile).toEqual([]);
      // The outage met every email, and the queue (not only the SDK's three tries) retried them.
      for (const address of expected) expect(refusedMeanwhile[address], address).toBeGreaterThan(0);
      const refusals = Object.values(refusedMeanwhile).reduce((n, count) => n + count, 0);
      expect(refusals).toBeGreaterThan(3 * expected.length);
      expect(recipients).toEqual(expected);
      expect(await deadLetters('mail')).toHaveLength(dlqBefore);
    } finally {
      await undo();
    }
  });
});

describe('when SES keeps refusing one recipient past the retry horizon', () => {
  it('backs off up to maxReceiveCount, dead-letters it, delivers the rest once; a redrive then sends it once', async () => {
    const rejected = agencyEmail('kcc-trading-standards');
    const undo = await compressRetryBackoff(RETRY_SCALE);
    try {
      await setFaults({ sesRejectRecipients: [rejected] });
      const dlqBefore = (await deadLetters('mail')).length;

      const { body } = await submitEnquiry(anEnquiry({ category: 'scams-and-trading-standards' }));
      await waitForQuiet();

      const emails = await emailsFor(body.reference);
      expect(emails.map((e) => e.destination.to[0])).not.toContain(rejected);
      expect(emails.filter((e) => e.destination.to[0] === ASHFORD.partnership.csuMailbox)).toHaveLength(1);
      const dead = (await deadLetters('mail')).slice(dlqBefore);
      expect(dead).toHaveLength(1);
      expect(dead[0]!.receiveCount).toBe(QUEUES.mail.maxReceiveCount);
      // Each failed receive backed off exponentially (ChangeMessageVisibility), as the topology says.
      expect(dead[0]!.visibilityChanges).toEqual(
        Array.from({ length: QUEUES.mail.maxReceiveCount }, (_, i) =>
          backoffSeconds(i + 1, QUEUES.mail.retryBackoff),
        ),
      );
      const event = JSON.parse(dead[0]!.body) as {
        detail: { data: { reference: string; recipientId: string } };
      };
      expect(event.detail.data).toEqual({ reference: body.reference, recipientId: 'kcc-trading-standards' });
      // Every receive really reached SES: a refused send releases its claim instead of blocking the retries.
      expect(await sesRejections()).toEqual({ [rejected]: QUEUES.mail.maxReceiveCount });

      // The mailbox works again: the operator redrives the dead-letter queue, and the email goes once.
      await setFaults();
      expect(await redrive('mail')).toBe(dlqBefore + 1);
      await waitForQuiet();
      expect((await emailsFor(body.reference)).filter((e) => e.destination.to[0] === rejected)).toHaveLength(
        1,
      );
      expect(await deadLetters('mail')).toHaveLength(0);
    } finally {
      await undo();
    }
  });
});

describe('when EnquiryReceived is delivered again (at-least-once)', () => {
  it('routes and emails nothing a second time', async () => {
    const enquiry = anEnquiry({ category: 'older-or-vulnerable-people' });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const first = await emailsFor(body.reference);
    const duplicate = enquiryReceived(
      {
        ...enquiry,
        contact: { email: enquiry.email },
        reference: body.reference,
        sensitive: false,
        status: 'received',
        version: 1,
        statusToken: 'irrelevant',
        receivedAt: body.receivedAt,
        updatedAt: body.receivedAt,
        referrals: [],
        needsTriage: false,
        publicUpdates: [],
      },
      new Date().toISOString(),
    );
    const bus = new EventBridgeClient({
      endpoint: cloud().aws,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    for (let i = 0; i < 3; i++) {
      await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'csp-local-enquiries',
              Source: duplicate.source,
              DetailType: duplicate.detailType,
              Detail: JSON.stringify(duplicate.detail),
            },
          ],
        }),
      );
    }
    await waitForQuiet();

    expect(first).toHaveLength(4); // CSU, Age UK, wardens, acknowledgement
    expect((await emailsFor(body.reference)).map((e) => e.messageId).sort()).toEqual(
      first.map((e) => e.messageId).sort(),
    );
  });
});
