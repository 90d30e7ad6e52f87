import { beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbEmailLedger,
  DynamoDbSuppressionList,
} from '../../functions/adapters/dynamodb-email-ledger.ts';
import { EmailSendInProgress } from '../../functions/domain/errors.ts';
import type { DeliveryReport, EmailClaim, EmailId } from '../../functions/domain/ports.ts';
import { aFreshTable } from '../support/dynamodb.ts';

let ledger: DynamoDbEmailLedger;
let counter = 0;
const anEmailId = (): EmailId => ({
  topic: `ENQUIRY#CSU-2026-${String(++counter).padStart(6, '0')}`,
  kind: 'referral',
  recipientId: 'police',
});
const now = new Date('2026-11-26T10:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const leaseOf = (claim: EmailClaim) => {
  if (claim.outcome !== 'claimed') throw new Error(`expected a claim, got ${claim.outcome}`);
  return claim.leaseId;
};

/** The keyed hash of the recipient's address, as the mailer passes it: on no suppression list here. */
const ADDRESS = 'hash-of-a-deliverable-address';
let suppressions: DynamoDbSuppressionList;

beforeAll(async () => {
  const { documentClient, tableName } = await aFreshTable();
  ledger = new DynamoDbEmailLedger(documentClient, tableName, 30);
  suppressions = new DynamoDbSuppressionList(documentClient, tableName);
});

describe('DynamoDbEmailLedger', () => {
  it('lets exactly one of several concurrent workers claim an email', async () => {
    const id = anEmailId();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => ledger.claim(id, now, 60, ADDRESS)),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.outcome === 'claimed')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(EmailSendInProgress);
    }
  });

  it('reports an email marked sent as already sent, even after its lease would have expired', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60, ADDRESS);
    await ledger.markSent(id, 'ses-message-1', now.toISOString());

    expect(await ledger.claim(id, later(1), 60, ADDRESS)).toEqual({ outcome: 'already-sent' });
    expect(await ledger.claim(id, later(3600), 60, ADDRESS)).toEqual({ outcome: 'already-sent' });
  });

  it('lets another worker take over once a crashed worker’s lease expires', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60, ADDRESS);

    await expect(ledger.claim(id, later(59), 60, ADDRESS)).rejects.toBeInstanceOf(EmailSendInProgress);
    expect((await ledger.claim(id, later(61), 60, ADDRESS)).outcome).toBe('claimed');
  });

  it('lets the next attempt claim at once after a release', async () => {
    const id = anEmailId();
    const leaseId = leaseOf(await ledger.claim(id, now, 60, ADDRESS));

    await ledger.release(id, leaseId);

    expect((await ledger.claim(id, later(1), 60, ADDRESS)).outcome).toBe('claimed');
  });

  it('ignores a release by a worker whose lease was taken over, and never releases a sent email', async () => {
    const id = anEmailId();
    const stale = leaseOf(await ledger.claim(id, now, 60, ADDRESS));
    const current = leaseOf(await ledger.claim(id, later(61), 60, ADDRESS));

    await ledger.release(id, stale);
    await expect(ledger.claim(id, later(62), 60, ADDRESS)).rejects.toBeInstanceOf(EmailSendInProgress);

    await ledger.markSent(id, 'm', later(63).toISOString());
    await ledger.release(id, current);
    expect(await ledger.claim(id, later(64), 60, ADDRESS)).toEqual({ outcome: 'already-sent' });
  });

  it('keeps kinds and recipients of one enquiry apart', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60, ADDRESS);
    await ledger.markSent(id, 'm', now.toISOString());

    expect((await ledger.claim({ ...id, recipientId: 'wardens' }, now, 60, ADDRESS)).outcome).toBe('claimed');
    expect(
      (await ledger.claim({ ...id, kind: 'acknowledgement', recipientId: 'enquirer' }, now, 60, ADDRESS))
        .outcome,
    ).toBe('claimed');
  });

  it('records a suppressed address’s email as suppressed, never claimed, and says so again later', async () => {
    const id = anEmailId();
    await suppressions.suppress('hash-of-a-dead-mailbox', { reason: 'bounce', at: now.toISOString() });
    await suppressions.suppress('hash-of-a-dead-mailbox', {
      reason: 'complaint',
      at: later(5).toISOString(),
    });

    expect(await ledger.claim(id, now, 60, 'hash-of-a-dead-mailbox')).toEqual({ outcome: 'suppressed' });
    expect(await ledger.claim(id, later(3600), 60, 'hash-of-a-dead-mailbox')).toEqual({
      outcome: 'suppressed',
    });
    // The same email to another, deliverable address is not held back by it.
    expect((await ledger.claim({ ...id, recipientId: 'other' }, now, 60, ADDRESS)).outcome).toBe('claimed');
  });

  it('still reports an email sent before its address was suppressed as sent, and one in flight as in flight', async () => {
    const sent = anEmailId();
    const inFlight = anEmailId();
    await ledger.claim(sent, now, 60, 'hash-of-a-mailbox-that-died-later');
    await ledger.markSent(sent, 'ses-before-the-bounce', now.toISOString());
    await ledger.claim(inFlight, now, 60, 'hash-of-a-mailbox-that-died-later');
    // A bounce of another email puts the address on the list; then the first request is delivered again.
    await suppressions.suppress('hash-of-a-mailbox-that-died-later', {
      reason: 'bounce',
      at: later(5).toISOString(),
    });

    expect(await ledger.claim(sent, later(10), 60, 'hash-of-a-mailbox-that-died-later')).toEqual({
      outcome: 'already-sent',
    });
    await expect(
      ledger.claim(inFlight, later(10), 60, 'hash-of-a-mailbox-that-died-later'),
    ).rejects.toBeInstanceOf(EmailSendInProgress);
    // Once the in-flight one's lease has run out, it is never sent: it is recorded as suppressed.
    expect(await ledger.claim(inFlight, later(61), 60, 'hash-of-a-mailbox-that-died-later')).toEqual({
      outcome: 'suppressed',
    });
  });

  it('records what the provider reports, keeping the most final word whatever the order', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60, ADDRESS);
    await ledger.markSent(id, 'ses-1', now.toISOString());
    const report = (outcome: DeliveryReport['outcome'], bounceType?: string) =>
      ledger.recordDelivery(id, { outcome, at: later(10).toISOString(), bounceType });

    expect(await report('delayed')).toBe(true);
    expect(await report('bounced', 'Transient')).toBe(true);
    expect(await report('delivered')).toBe(true);
    expect(await report('delivered')).toBe(false);
    expect(await report('delayed')).toBe(false);
    expect(await report('complained')).toBe(true);
    expect(await report('bounced', 'Permanent')).toBe(false);
  });

  it('records nothing for an email it never sent (another stage’s, or a stranger’s)', async () => {
    expect(await ledger.recordDelivery(anEmailId(), { outcome: 'delivered', at: now.toISOString() })).toBe(
      false,
    );
  });
});
