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

  it('lists outbox enquiries due before a cutoff, defers them, and drops them once routed', async () => {
    const old = await aStoredEnquiry({ receivedAt: '2001-01-01T00:00:00.000Z' });
    const recent = await aStoredEnquiry({ receivedAt: '2001-01-01T00:10:00.000Z' });
    const refs = async (cutoff: string) =>
      (await repository.listInOutbox(cutoff, 100)).map((e) => [e.enquiry.reference, e.attempts]);

    const due = await refs('2001-01-01T00:05:00.000Z');
    await repository.deferOutbox(old.reference, '2001-01-01T00:20:00.000Z');
    const afterDeferral = await refs('2001-01-01T00:15:00.000Z');
    await repository.recordRouting(recent.reference, 'parking', [], '2001-01-01T00:16:00.000Z');
    const afterRouting = await refs('2001-01-01T00:30:00.000Z');

    expect(due).toContainEqual([old.reference, 0]);
    expect(due.map(([r]) => r)).not.toContain(recent.reference);
    expect(afterDeferral).toContainEqual([recent.reference, 0]);
    expect(afterDeferral.map(([r]) => r)).not.toContain(old.reference);
    expect(afterRouting).toContainEqual([old.reference, 1]);
    expect(afterRouting.map(([r]) => r)).not.toContain(recent.reference);
  });

  it('never puts a routed enquiry back in the outbox when a sweep defers it late', async () => {
    const enquiry = await aStoredEnquiry({ receivedAt: '2001-02-01T00:00:00.000Z' });
    await repository.recordRouting(enquiry.reference, 'parking', [], new Date().toISOString());

    await repository.deferOutbox(enquiry.reference, '2001-02-01T00:05:00.000Z');

    const listed = (await repository.listInOutbox('2001-03-01T00:00:00.000Z', 100)).map(
      (e) => e.enquiry.reference,
    );
    expect(listed).not.toContain(enquiry.reference);
  });

  it('reads several enquiries in one call, leaving out references it does not hold', async () => {
    const a = await aStoredEnquiry();
    const b = await aStoredEnquiry({ category: 'noise' });

    const found = await repository.getMany([a.reference, b.reference, a.reference, 'CSU-1999-000001']);

    expect([...found.keys()].sort()).toEqual([a.reference, b.reference].sort());
    expect(found.get(b.reference)).toMatchObject({ category: 'noise', contact: a.contact });
  });

  it('records routing once: a second decision gets the first back, and the status moves to routed', async () => {
    const enquiry = await aStoredEnquiry();
    const first = [{ id: 'csu', name: 'CSU', email: 'csu@ashford.example' }];
    const second = [{ id: 'police', name: 'Police', email: 'police@kent.example' }];

    const recorded = await repository.recordRouting(
      enquiry.reference,
      'parking',
      first,
      new Date().toISOString(),
    );
    const again = await repository.recordRouting(
      enquiry.reference,
      'parking',
      second,
      new Date().toISOString(),
    );

    expect(recorded).toEqual(first);
    expect(again).toEqual(first);
    expect(await repository.get(enquiry.reference)).toMatchObject({ status: 'routed', routedTo: ['csu'] });
    const routedPage = await repository.listByStatus('routed', { limit: 100 });
    expect(routedPage.items.map((e) => e.reference)).toContain(enquiry.reference);
  });

  it('routes nothing for a reference it does not hold, or a category the enquiry does not have', async () => {
    const enquiry = await aStoredEnquiry();
    const recipients = [{ id: 'csu', name: 'CSU', email: 'csu@ashford.example' }];

    const missing = await repository.recordRouting('CSU-1999-000002', 'parking', recipients, 'now');
    const wrongCategory = await repository.recordRouting(enquiry.reference, 'noise', recipients, 'now');

    expect(missing).toBeUndefined();
    expect(wrongCategory).toBeUndefined();
    expect(await repository.get(enquiry.reference)).toMatchObject({ status: 'received', routing: undefined });
  });

  it('records routing without moving the status of an enquiry staff already moved on', async () => {
    const enquiry = await aStoredEnquiry({ status: 'in-progress' });
    const recipients = [{ id: 'csu', name: 'CSU', email: 'csu@ashford.example' }];

    const recorded = await repository.recordRouting(enquiry.reference, 'parking', recipients, 'now');

    expect(recorded).toEqual(recipients);
    expect(await repository.get(enquiry.reference)).toMatchObject({
      status: 'in-progress',
      routedTo: ['csu'],
    });
    const due = (await repository.listInOutbox('9999', 1000)).map((e) => e.enquiry.reference);
    expect(due).not.toContain(enquiry.reference);
  });

  it('agrees on one routing decision when deliveries race', async () => {
    const enquiry = await aStoredEnquiry();
    const decisions = ['a', 'b', 'c', 'd'].map((id) => [{ id, name: id, email: `${id}@x.example` }]);

    const results = await Promise.all(
      decisions.map((d) =>
        repository.recordRouting(enquiry.reference, 'parking', d, new Date().toISOString()),
      ),
    );

    expect(new Set(results.map((r) => r?.[0]?.id)).size).toBe(1);
    expect(results[0]).toBeDefined();
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
