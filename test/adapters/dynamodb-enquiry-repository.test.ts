/** The enquiry repository against DynamoDB Local, with the table the local cloud and CDK define. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { ValidationFailed } from '../../functions/domain/errors.ts';
import { IdempotencyKeyTaken } from '../../functions/domain/ports.ts';
import { aFreshTable } from '../support/dynamodb.ts';

let repository: DynamoDbEnquiryRepository;
let year = 2000;

beforeAll(async () => {
  const { documentClient, tableName } = await aFreshTable();
  repository = new DynamoDbEnquiryRepository(documentClient, tableName, 30);
});

async function aStoredEnquiry(overrides: Partial<Enquiry> = {}): Promise<Enquiry> {
  const enquiry: Enquiry = {
    reference: await repository.nextReference(2026),
    category: 'parking',
    description: 'Van on the pavement',
    contact: { email: 'sam@resident.example' },
    happeningNow: false,
    safeContact: { mayEmail: true, mayPhone: false },
    status: 'received',
    statusToken: 'token',
    receivedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
  await repository.create(enquiry);
  return enquiry;
}

describe('DynamoDbEnquiryRepository', () => {
  it('hands out consecutive references per year, each year starting at 1', async () => {
    year += 1;
    const first = await repository.nextReference(year);
    const second = await repository.nextReference(year);
    const nextYear = await repository.nextReference(year + 1);

    expect([first, second, nextYear]).toEqual([
      `CSU-${year}-000001`,
      `CSU-${year}-000002`,
      `CSU-${year + 1}-000001`,
    ]);
    year += 1;
  });

  it('never hands out the same reference to concurrent callers', async () => {
    year += 1;
    const references = await Promise.all(Array.from({ length: 25 }, () => repository.nextReference(year)));
    expect(new Set(references).size).toBe(25);
  });

  it('stores and reads back an enquiry, absent optional fields staying absent', async () => {
    const stored = await aStoredEnquiry({ location: { postcode: 'TN23 1PL' } });

    const read = await repository.get(stored.reference);

    expect(read).toEqual(stored);
  });

  it('writes the enquiry and its idempotency record together, and refuses a second use of the key', async () => {
    const enquiry = await aStoredEnquiry();
    const reference = await repository.nextReference(2026);
    const record = { keyHash: `key-${reference}`, requestHash: 'h1', reference, expiresAt: 4_000_000_000 };
    await repository.create({ ...enquiry, reference }, record);
    const otherReference = await repository.nextReference(2026);

    await expect(
      repository.create({ ...enquiry, reference: otherReference }, { ...record, reference: otherReference }),
    ).rejects.toBeInstanceOf(IdempotencyKeyTaken);
    expect(await repository.get(otherReference)).toBeUndefined();
    expect(await repository.findIdempotencyRecord(record.keyHash)).toEqual({
      keyHash: record.keyHash,
      requestHash: 'h1',
      reference,
    });
  });

  it('ignores an idempotency record whose TTL has passed but which DynamoDB has not yet deleted', async () => {
    const enquiry = await aStoredEnquiry();
    const reference = await repository.nextReference(2026);
    await repository.create(
      { ...enquiry, reference },
      { keyHash: `old-${reference}`, requestHash: 'h', reference, expiresAt: 1 },
    );

    expect(await repository.findIdempotencyRecord(`old-${reference}`)).toBeUndefined();
  });

  it('lists unpublished enquiries received before a cutoff until they are marked published', async () => {
    const old = await aStoredEnquiry({ receivedAt: '2001-01-01T00:00:00.000Z' });
    const recent = await aStoredEnquiry({ receivedAt: '2001-01-01T00:10:00.000Z' });

    const before = (await repository.listUnpublished('2001-01-01T00:05:00.000Z', 100)).map(
      (e) => e.reference,
    );
    await repository.markPublished(old.reference, new Date().toISOString());
    const after = (await repository.listUnpublished('2001-01-01T00:15:00.000Z', 100)).map((e) => e.reference);

    expect(before).toContain(old.reference);
    expect(before).not.toContain(recent.reference);
    expect(after).toContain(recent.reference);
    expect(after).not.toContain(old.reference);
  });

  it('records routing once: a second decision gets the first back, and the status moves to routed', async () => {
    const enquiry = await aStoredEnquiry();
    const first = [{ id: 'csu', name: 'CSU', email: 'csu@ashford.example' }];
    const second = [{ id: 'police', name: 'Police', email: 'police@kent.example' }];

    const recorded = await repository.recordRouting(enquiry.reference, first, new Date().toISOString());
    const again = await repository.recordRouting(enquiry.reference, second, new Date().toISOString());

    expect(recorded).toEqual(first);
    expect(again).toEqual(first);
    expect(await repository.get(enquiry.reference)).toMatchObject({ status: 'routed', routedTo: ['csu'] });
  });

  it('agrees on one routing decision when deliveries race', async () => {
    const enquiry = await aStoredEnquiry();
    const decisions = ['a', 'b', 'c', 'd'].map((id) => [{ id, name: id, email: `${id}@x.example` }]);

    const results = await Promise.all(
      decisions.map((d) => repository.recordRouting(enquiry.reference, d, new Date().toISOString())),
    );

    expect(new Set(results.map((r) => r[0]!.id)).size).toBe(1);
  });

  it('lists enquiries by status newest first, page by page, without a Scan', async () => {
    const category = `cat-${Date.now()}`;
    const stored: Enquiry[] = [];
    for (let i = 0; i < 5; i++) {
      stored.push(
        await aStoredEnquiry({ category, status: 'closed', receivedAt: `2002-0${i + 1}-01T00:00:00.000Z` }),
      );
    }

    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await repository.listByStatus('closed', { limit: 2, cursor });
      pages.push(page.items.map((e) => e.reference));
      cursor = page.cursor;
    } while (cursor);

    expect(pages.flat().filter((r) => stored.some((s) => s.reference === r))).toEqual(
      stored.map((s) => s.reference).reverse(),
    );
    expect(pages[0]).toHaveLength(2);
  });

  it('rejects a cursor it did not issue with a validation error', async () => {
    await expect(
      repository.listByStatus('closed', { limit: 2, cursor: 'not-a-cursor' }),
    ).rejects.toBeInstanceOf(ValidationFailed);
  });
});

describe('DynamoDbEnquiryRepository.listByStatus with dates', () => {
  it('returns only enquiries received in [from, before), newest first', async () => {
    const day = (d: number) => `2003-03-0${d}T12:00:00.000Z`;
    const stored: Enquiry[] = [];
    for (const d of [1, 2, 3, 4])
      stored.push(await aStoredEnquiry({ status: 'in-progress', receivedAt: day(d) }));

    const page = await repository.listByStatus('in-progress', {
      limit: 50,
      receivedFrom: day(2),
      receivedBefore: day(4),
    });

    const ours = page.items.map((e) => e.reference).filter((r) => stored.some((s) => s.reference === r));
    expect(ours).toEqual([stored[2]!.reference, stored[1]!.reference]);
  });
});

describe('DynamoDbEnquiryRepository idempotency records past their TTL', () => {
  it('lets a new request reuse a key whose record expired but was not yet deleted', async () => {
    const enquiry = await aStoredEnquiry();
    const first = await repository.nextReference(2026);
    const keyHash = `expired-${first}`;
    await repository.create(
      { ...enquiry, reference: first },
      { keyHash, requestHash: 'a', reference: first, expiresAt: 1 },
    );
    const second = await repository.nextReference(2026);

    await repository.create(
      { ...enquiry, reference: second },
      { keyHash, requestHash: 'b', reference: second, expiresAt: 4_000_000_000 },
    );

    expect(await repository.findIdempotencyRecord(keyHash)).toEqual({
      keyHash,
      requestHash: 'b',
      reference: second,
    });
    expect(await repository.get(second)).toBeDefined();
  });
});
