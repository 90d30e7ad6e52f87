/** The enquiry repository against DynamoDB Local, with the table the local cloud and CDK define. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCaseRepository } from '../../functions/adapters/dynamodb-case-repository.ts';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { ROUTER_ACTOR, routeCase } from '../../functions/domain/casework.ts';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { IdempotencyKeyTaken } from '../../functions/domain/ports.ts';
import { aFreshTable } from '../support/dynamodb.ts';
import { aStoredEnquiry as anEnquiryRecord } from '../support/enquiries.ts';

let repository: DynamoDbEnquiryRepository;
let table: Awaited<ReturnType<typeof aFreshTable>>;
let cases: DynamoDbCaseRepository;
let year = 2000;

beforeAll(async () => {
  table = await aFreshTable();
  const { documentClient, tableName } = table;
  repository = new DynamoDbEnquiryRepository(documentClient, tableName, 30);
  cases = new DynamoDbCaseRepository(documentClient, tableName);
});

/** Routes a stored enquiry to the CSU alone, as the router would. */
async function route(enquiry: Enquiry) {
  await cases.save(
    routeCase(
      enquiry,
      [{ id: 'csu', name: 'CSU', email: 'csu@ashford.example' }],
      { acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 },
      { now: new Date(), actor: ROUTER_ACTOR, newId: () => crypto.randomUUID() },
      'csu',
    ),
  );
}

async function aStoredEnquiry(overrides: Partial<Enquiry> = {}): Promise<Enquiry> {
  const now = new Date().toISOString();
  const enquiry = anEnquiryRecord({
    reference: await repository.nextReference(2026),
    description: 'Van on the pavement',
    contact: { email: 'sam@resident.example' },
    statusToken: 'token',
    receivedAt: now,
    updatedAt: now,
    ...overrides,
  });
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

    expect(read).toEqual({ ...stored, expiresAt: expect.any(Number) });
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
    const old = await aStoredEnquiry({ receivedAt: '2021-01-01T00:00:00.000Z' });
    const recent = await aStoredEnquiry({ receivedAt: '2021-01-01T00:10:00.000Z' });
    const refs = async (cutoff: string) =>
      (await repository.listInOutbox(cutoff, 100)).map((e) => [e.enquiry.reference, e.attempts]);

    const due = await refs('2021-01-01T00:05:00.000Z');
    await repository.deferOutbox(old.reference, '2021-01-01T00:20:00.000Z');
    const afterDeferral = await refs('2021-01-01T00:15:00.000Z');
    await route(recent);
    const afterRouting = await refs('2021-01-01T00:30:00.000Z');

    expect(due).toContainEqual([old.reference, 0]);
    expect(due.map(([r]) => r)).not.toContain(recent.reference);
    expect(afterDeferral).toContainEqual([recent.reference, 0]);
    expect(afterDeferral.map(([r]) => r)).not.toContain(old.reference);
    expect(afterRouting).toContainEqual([old.reference, 1]);
    expect(afterRouting.map(([r]) => r)).not.toContain(recent.reference);
  });

  it('counts outbox enquiries received before a time, deferred or not, up to a limit, and no routed one', async () => {
    const before = '2020-06-01T00:00:00.000Z';
    const counted = async (atMost = 100) => repository.countInOutbox(before, atMost);
    const start = await counted();
    const deferred = await aStoredEnquiry({ receivedAt: '2020-01-02T00:00:00.000Z' });
    await repository.deferOutbox(deferred.reference, '2999-01-01T00:00:00.000Z');
    await aStoredEnquiry({ receivedAt: '2020-03-02T00:00:00.000Z' });
    const routed = await aStoredEnquiry({ receivedAt: '2020-04-01T00:00:00.000Z' });
    await route(routed);
    await aStoredEnquiry({ receivedAt: before });

    expect(start).toBe(0);
    expect(await counted()).toBe(2);
    expect(await counted(1)).toBe(1);
  });

  it('reads an enquiry’s outline for statistics without any of its personal data', async () => {
    const enquiry = await aStoredEnquiry({
      location: { postcode: 'TN23 1PL', address: '1 High Street', latitude: 51.1, longitude: 0.8 },
    });

    const outline = await repository.getOutline(enquiry.reference);

    expect(outline).toEqual({
      reference: enquiry.reference,
      category: enquiry.category,
      sensitive: false,
      receivedAt: enquiry.receivedAt,
      postcode: 'TN23 1PL',
    });
    expect(await repository.getOutline('CSU-1999-000001')).toBeUndefined();
  });

  it('never puts a routed enquiry back in the outbox when a sweep defers it late', async () => {
    const enquiry = await aStoredEnquiry({ receivedAt: '2021-02-01T00:00:00.000Z' });
    await route(enquiry);

    await repository.deferOutbox(enquiry.reference, '2021-02-01T00:05:00.000Z');

    const listed = (await repository.listInOutbox('2021-03-01T00:00:00.000Z', 100)).map(
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
});

describe('DynamoDbEnquiryRepository flags', () => {
  it('reads back an enquiry not to be acknowledged, so a republished event still leaves it unacknowledged', async () => {
    const limited = await aStoredEnquiry({ acknowledgementLimited: true });
    const ordinary = await aStoredEnquiry();

    expect((await repository.get(limited.reference))?.acknowledgementLimited).toBe(true);
    expect((await repository.get(ordinary.reference))?.acknowledgementLimited).toBeUndefined();
  });
});

describe('DynamoDbEnquiryRepository.recordAcknowledgement', () => {
  const HOUR = 60 * 60 * 1000;
  /** Three in any 24 hours, as the public form allows. */
  const record = (hash: string, at: string | Date) =>
    repository.recordAcknowledgement(hash, { at: new Date(at), limit: 3, seconds: 24 * 60 * 60 });

  it('records three, limits the fourth, and allows one again 24 hours after the first', async () => {
    const hash = `hash-${crypto.randomUUID()}`;
    const first = new Date('2026-11-26T10:00:00.000Z');

    const allowed = [
      await record(hash, first),
      await record(hash, new Date(first.getTime() + HOUR)),
      await record(hash, new Date(first.getTime() + 2 * HOUR)),
      await record(hash, new Date(first.getTime() + 3 * HOUR)),
      await record(hash, new Date(first.getTime() + 24 * HOUR - 1)),
      await record(hash, new Date(first.getTime() + 24 * HOUR)),
      await record(hash, new Date(first.getTime() + 24 * HOUR + 1)),
      await record(hash, new Date(first.getTime() + 25 * HOUR)),
    ];

    expect(allowed).toEqual([true, true, true, false, false, true, false, true]);
  });

  it('does not start again at midnight', async () => {
    const hash = `hash-${crypto.randomUUID()}`;

    const beforeMidnight = [
      await record(hash, '2026-11-26T23:57:00Z'),
      await record(hash, '2026-11-26T23:58:00Z'),
      await record(hash, '2026-11-26T23:59:00Z'),
    ];
    const afterMidnight = await record(hash, '2026-11-27T00:01:00Z');

    expect(beforeMidnight).toEqual([true, true, true]);
    expect(afterMidnight).toBe(false);
  });

  it('limits each address on its own', async () => {
    const hash = `hash-${crypto.randomUUID()}`;
    for (const minute of [1, 2, 3]) await record(hash, `2026-11-26T10:0${minute}:00Z`);

    expect(await record(`${hash}-other`, '2026-11-26T10:04:00Z')).toBe(true);
    expect(await record(hash, '2026-11-26T10:04:00Z')).toBe(false);
  });

  it('allows exactly three of many concurrent acknowledgements', async () => {
    const hash = `hash-${crypto.randomUUID()}`;

    const allowed = await Promise.all(
      Array.from({ length: 10 }, (_, i) => record(hash, new Date(Date.UTC(2026, 10, 26, 10, 0, i)))),
    );

    expect(allowed.filter(Boolean)).toHaveLength(3);
  });

  it('gives a place back when released, and keeps one item per address with a TTL of a day after the latest', async () => {
    const hash = `hash-${crypto.randomUUID()}`;
    const third = new Date('2026-11-26T10:03:00Z');
    await record(hash, '2026-11-26T10:01:00Z');
    await record(hash, '2026-11-26T10:02:00Z');
    await record(hash, third);

    await repository.releaseAcknowledgement(hash, third);
    const afterRelease = await record(hash, '2026-11-26T10:04:00Z');
    const item = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: { PK: `ACK_COUNT#${hash}`, SK: 'RECENT' } }),
    );

    expect(afterRelease).toBe(true);
    expect(item.Item?.times).toEqual([
      '2026-11-26T10:01:00.000Z',
      '2026-11-26T10:02:00.000Z',
      '2026-11-26T10:04:00.000Z',
    ]);
    expect(item.Item?.expiresAt).toBe(Date.parse('2026-11-27T10:04:00Z') / 1000);
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
