import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEmailLedger } from '../../functions/adapters/dynamodb-email-ledger.ts';
import { EmailSendInProgress } from '../../functions/domain/errors.ts';
import type { EmailClaim, EmailId } from '../../functions/domain/ports.ts';
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

beforeAll(async () => {
  const { documentClient, tableName } = await aFreshTable();
  ledger = new DynamoDbEmailLedger(documentClient, tableName, 30);
});

describe('DynamoDbEmailLedger', () => {
  it('lets exactly one of several concurrent workers claim an email', async () => {
    const id = anEmailId();

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => ledger.claim(id, now, 60)));

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.outcome === 'claimed')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(EmailSendInProgress);
    }
  });

  it('reports an email marked sent as already sent, even after its lease would have expired', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60);
    await ledger.markSent(id, 'ses-message-1', now.toISOString());

    expect(await ledger.claim(id, later(1), 60)).toEqual({ outcome: 'already-sent' });
    expect(await ledger.claim(id, later(3600), 60)).toEqual({ outcome: 'already-sent' });
  });

  it('lets another worker take over once a crashed worker’s lease expires', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60);

    await expect(ledger.claim(id, later(59), 60)).rejects.toBeInstanceOf(EmailSendInProgress);
    expect((await ledger.claim(id, later(61), 60)).outcome).toBe('claimed');
  });

  it('lets the next attempt claim at once after a release', async () => {
    const id = anEmailId();
    const leaseId = leaseOf(await ledger.claim(id, now, 60));

    await ledger.release(id, leaseId);

    expect((await ledger.claim(id, later(1), 60)).outcome).toBe('claimed');
  });

  it('ignores a release by a worker whose lease was taken over, and never releases a sent email', async () => {
    const id = anEmailId();
    const stale = leaseOf(await ledger.claim(id, now, 60));
    const current = leaseOf(await ledger.claim(id, later(61), 60));

    await ledger.release(id, stale);
    await expect(ledger.claim(id, later(62), 60)).rejects.toBeInstanceOf(EmailSendInProgress);

    await ledger.markSent(id, 'm', later(63).toISOString());
    await ledger.release(id, current);
    expect(await ledger.claim(id, later(64), 60)).toEqual({ outcome: 'already-sent' });
  });

  it('keeps kinds and recipients of one enquiry apart', async () => {
    const id = anEmailId();
    await ledger.claim(id, now, 60);
    await ledger.markSent(id, 'm', now.toISOString());

    expect((await ledger.claim({ ...id, recipientId: 'wardens' }, now, 60)).outcome).toBe('claimed');
    expect(
      (await ledger.claim({ ...id, kind: 'acknowledgement', recipientId: 'enquirer' }, now, 60)).outcome,
    ).toBe('claimed');
  });
});
