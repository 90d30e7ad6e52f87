/**
 * Data protection in the table, against DynamoDB Local: a person's enquiries found by the keyed hashes of
 * their email and phone (sparse indexes, nothing else in them), anonymisation that leaves neither the hashes
 * nor the request fingerprint behind, and the audit trail read back newest first by enquiry, actor and month.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditTrail } from '../../functions/adapters/dynamodb-audit-trail.ts';
import { DynamoDbCaseRepository } from '../../functions/adapters/dynamodb-case-repository.ts';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { auditItem, keys, TABLE_SCHEMA } from '../../functions/adapters/table-keys.ts';
import type { AuditQuery, AuditRecord } from '../../functions/domain/audit.ts';
import { type Actor, addNote, ROUTER_ACTOR, routeCase } from '../../functions/domain/casework.ts';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { ValidationFailed } from '../../functions/domain/errors.ts';
import { CSU_RECIPIENT_ID } from '../../functions/domain/partnership.ts';
import { anonymised } from '../../functions/domain/retention.ts';
import { ensureTable } from '../../local/dynamodb-local.ts';
import { aFreshTable } from '../support/dynamodb.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';

const RETENTION_DAYS = 3650;
const CSU = { id: CSU_RECIPIENT_ID, name: 'Community Safety Unit', email: 'csu@ashford.example' };
const ANN: Actor = { subject: 'csu-ann', role: 'csu-officer' };
const PAT: Actor = { subject: 'parking-pat', role: 'agency-officer', agencyId: 'parking-team' };

type Table = Awaited<ReturnType<typeof aTable>>;

async function aTable() {
  const { documentClient, tableName } = await aFreshTable();
  return {
    documentClient,
    tableName,
    cases: new DynamoDbCaseRepository(documentClient, tableName),
    enquiries: new DynamoDbEnquiryRepository(documentClient, tableName, RETENTION_DAYS),
    // The trail's "now", from which the whole trail is read back month by month.
    audit: new DynamoDbAuditTrail(documentClient, tableName, () => new Date('2026-04-15T12:00:00.000Z')),
  };
}

async function aStored(table: Table, overrides: Partial<Enquiry> = {}): Promise<Enquiry> {
  const reference = await table.enquiries.nextReference(2026);
  await table.enquiries.create(aStoredEnquiry({ reference, ...overrides }));
  const stored = await table.enquiries.get(reference);
  if (!stored) throw new Error(`${reference} was not stored`);
  return stored;
}

describe('finding a person’s enquiries by keyed hash', () => {
  let table: Table;
  beforeAll(async () => {
    table = await aTable();
  });

  it('finds every enquiry with the email hash, or the phone hash, and no other', async () => {
    const first = await aStored(table, { subjectKeys: { email: 'hash-of-sam', phone: 'hash-of-07700' } });
    const second = await aStored(table, {
      subjectKeys: { email: 'hash-of-sam' },
      receivedAt: '2026-11-27T10:00:00.000Z',
    });
    const phoneOnly = await aStored(table, { subjectKeys: { phone: 'hash-of-07700' } });
    await aStored(table, { subjectKeys: { email: 'hash-of-someone-else' } });
    await aStored(table, {});

    expect((await table.cases.findBySubject('email', 'hash-of-sam')).sort()).toEqual(
      [first.reference, second.reference].sort(),
    );
    expect((await table.cases.findBySubject('phone', 'hash-of-07700')).sort()).toEqual(
      [first.reference, phoneOnly.reference].sort(),
    );
    expect(await table.cases.findBySubject('email', 'hash-of-nobody')).toEqual([]);
    expect(await table.cases.findBySubject('phone', 'hash-of-sam')).toEqual([]);
  });

  it('reads the subject keys back with the enquiry, and holds no address in the index', async () => {
    const stored = await aStored(table, { subjectKeys: { email: 'hash-a', phone: 'hash-b' } });
    expect(stored.subjectKeys).toEqual({ email: 'hash-a', phone: 'hash-b' });

    const { Items = [] } = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: TABLE_SCHEMA.subjectEmail.name,
        KeyConditionExpression: 'subjectEmailHash = :hash',
        ExpressionAttributeValues: { ':hash': 'hash-a' },
      }),
    );
    expect(Items).toHaveLength(1);
    // Keys only: nothing the enquirer sent is copied into the index.
    expect(JSON.stringify(Items)).not.toContain('sam@resident.example');
    expect(Object.keys(Items[0] ?? {}).sort()).toEqual(['PK', 'SK', 'receivedAt', 'subjectEmailHash']);
  });
});

describe('anonymising a case in the table', () => {
  let table: Table;
  beforeAll(async () => {
    table = await aTable();
  });

  it('removes the subject keys, the notes’ text and the request fingerprint; the key still names the reference', async () => {
    const stored = await aStored(table, {
      subjectKeys: { email: 'hash-of-erin', phone: 'hash-of-phone' },
      idempotencyKeyHash: 'key-hash-1',
    });
    // Written as intake writes an enquiry with an Idempotency-Key: the record beside it.
    const withKey = await aStoredWithIdempotency(table, 'key-hash-2', {
      subjectKeys: { email: 'hash-of-erin' },
    });
    const routed = routeCase(
      withKey,
      [CSU],
      { acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 },
      { now: new Date('2026-11-26T11:00:00.000Z'), actor: ROUTER_ACTOR, newId: randomUUID },
      CSU_RECIPIENT_ID,
    );
    await table.cases.save(routed);
    const noted = addNote(routed.after, 'Spoke to Erin’s neighbour at number 4', {
      now: new Date('2026-11-26T12:00:00.000Z'),
      actor: ANN,
      newId: randomUUID,
    });
    await table.cases.save(noted);
    const record = await table.cases.getCase(withKey.reference);
    if (!record) throw new Error('not stored');

    await table.cases.anonymise(record, anonymised(record.enquiry, '2026-11-27T00:00:00.000Z', 'withdrawn'));

    expect(await table.cases.findBySubject('email', 'hash-of-erin')).toEqual([stored.reference]);
    const after = await table.cases.getCase(withKey.reference);
    expect(after?.enquiry.subjectKeys).toBeUndefined();
    expect(after?.enquiry.idempotencyKeyHash).toBeUndefined();
    expect(after?.notes.map((note) => note.text)).toEqual(['[removed]']);
    const { Item } = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: keys.idempotency('key-hash-2') }),
    );
    expect(Item).toMatchObject({ reference: withKey.reference });
    expect(Item).not.toHaveProperty('requestHash');
    // A retry with the key can no longer match its request: the record says which enquiry it made, no more.
    expect(await table.enquiries.findIdempotencyRecord('key-hash-2')).toEqual({
      keyHash: 'key-hash-2',
      requestHash: '',
      reference: withKey.reference,
    });
  });

  it('anonymises an enquiry whose idempotency record TTL already removed', async () => {
    const stored = await aStored(table, { idempotencyKeyHash: 'never-written' });
    const record = await table.cases.getCase(stored.reference);
    if (!record) throw new Error('not stored');

    await table.cases.anonymise(record, anonymised(stored, '2026-11-27T00:00:00.000Z'));

    expect((await table.cases.getCase(stored.reference))?.enquiry.anonymisedAt).toBe(
      '2026-11-27T00:00:00.000Z',
    );
  });
});

async function aStoredWithIdempotency(table: Table, keyHash: string, overrides: Partial<Enquiry>) {
  const reference = await table.enquiries.nextReference(2026);
  const enquiry = aStoredEnquiry({ reference, idempotencyKeyHash: keyHash, ...overrides });
  await table.enquiries.create(enquiry, {
    keyHash,
    requestHash: 'fingerprint-of-the-request',
    reference,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  const stored = await table.enquiries.get(reference);
  if (!stored) throw new Error(`${reference} was not stored`);
  return stored;
}

describe('DynamoDbAuditTrail', () => {
  let table: Table;
  let reference: string;
  let other: string;
  /** Every record written, newest first, as the trail should list them. */
  const expected: { at: string; kind: AuditRecord['kind']; who: string; enquiry?: string }[] = [];

  const read = async (ref: string, at: string, actor: Actor, view = 'case') => {
    await table.cases.recordAccess({
      reference: ref,
      at,
      subject: actor.subject,
      role: actor.role,
      agencyId: actor.agencyId,
      view,
    });
    expected.push({ at, kind: 'case-read', who: actor.subject, enquiry: ref });
  };

  beforeAll(async () => {
    table = await aTable();
    const first = await aStored(table, { receivedAt: '2026-02-10T09:00:00.000Z' });
    const second = await aStored(table, { receivedAt: '2026-02-10T09:30:00.000Z' });
    reference = first.reference;
    other = second.reference;
    // Routed by the router (a change) in February, read and noted by staff in February to April.
    const routed = routeCase(
      first,
      [CSU],
      { acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 },
      { now: new Date('2026-02-10T09:01:00.000Z'), actor: ROUTER_ACTOR, newId: randomUUID },
      CSU_RECIPIENT_ID,
    );
    await table.cases.save(routed);
    expected.push({
      at: '2026-02-10T09:01:00.000Z',
      kind: 'case-change',
      who: ROUTER_ACTOR.subject,
      enquiry: reference,
    });
    await read(reference, '2026-02-11T10:00:00.000Z', ANN);
    await read(other, '2026-02-11T10:05:00.000Z', ANN);
    await read(reference, '2026-02-12T08:00:00.000Z', PAT);
    const noted = addNote(routed.after, 'Called back', {
      now: new Date('2026-03-03T14:00:00.000Z'),
      actor: ANN,
      newId: randomUUID,
    });
    await table.cases.save(noted);
    expected.push({
      at: '2026-03-03T14:00:00.000Z',
      kind: 'case-change',
      who: ANN.subject,
      enquiry: reference,
    });
    await read(reference, '2026-04-01T09:00:00.000Z', ANN, 'subject-access');
    // A partnership record changed by an admin, in March: written as every audited change writes its entry.
    await table.documentClient.send(
      new PutCommand({
        TableName: table.tableName,
        Item: auditItem({
          entity: 'CHAIR_TERM#2026-04-01',
          action: 'appoint',
          actor: 'admin-ada',
          at: '2026-03-20T16:00:00.000Z',
          before: null,
          after: { organisationId: 'kent-police' },
        }),
      }),
    );
    expected.sort((a, b) => (a.at < b.at ? 1 : -1));
  });

  /** Every page of a query, following cursors. */
  async function everyPage(query: Omit<AuditQuery, 'cursor'>) {
    const pages: AuditRecord[][] = [];
    let cursor: string | undefined;
    do {
      const page = await table.audit.list({ ...query, cursor });
      pages.push(page.items);
      cursor = page.cursor;
    } while (cursor && pages.length < 30);
    if (cursor) throw new Error('still a cursor after 30 pages');
    return pages;
  }
  const summary = (records: readonly AuditRecord[]) =>
    records.map((record) => ({
      at: record.at,
      kind: record.kind,
      who: record.actor.subject,
      ...('enquiry' in record ? { enquiry: record.enquiry } : {}),
    }));

  it('lists one enquiry’s reads and changes together, newest first, page by page', async () => {
    const pages = await everyPage({ enquiry: reference, limit: 2 });

    expect(pages.every((page) => page.length <= 2)).toBe(true);
    expect(summary(pages.flat())).toEqual(expected.filter((record) => record.enquiry === reference));
  });

  it('says what each record is: a read with its view, a change with its codes', async () => {
    const { items } = await table.audit.list({ enquiry: reference, limit: 10 });

    expect(items[0]).toEqual({
      kind: 'case-read',
      at: '2026-04-01T09:00:00.000Z',
      actor: ANN,
      enquiry: reference,
      view: 'subject-access',
    });
    expect(items.find((record) => record.kind === 'case-change' && record.change === 'note-added')).toEqual({
      kind: 'case-change',
      at: '2026-03-03T14:00:00.000Z',
      actor: ANN,
      enquiry: reference,
      change: 'note-added',
      details: { noteId: expect.any(String) },
    });
    // Never the note's text.
    expect(JSON.stringify(items)).not.toContain('Called back');
  });

  it('lists what one actor did, across enquiries, newest first', async () => {
    const pages = await everyPage({ actor: ANN.subject, limit: 2 });

    expect(summary(pages.flat())).toEqual(expected.filter((record) => record.who === ANN.subject));
  });

  it('filters one enquiry by actor', async () => {
    const { items } = await table.audit.list({ enquiry: reference, actor: PAT.subject, limit: 10 });

    expect(summary(items)).toEqual([
      { at: '2026-02-12T08:00:00.000Z', kind: 'case-read', who: PAT.subject, enquiry: reference },
    ]);
  });

  it('lists the whole trail month by month, newest first, with partnership record changes', async () => {
    const pages = await everyPage({ limit: 3 });
    const all = pages.flat();

    const governance = all.filter((record) => record.kind === 'record-change');
    expect(governance).toEqual([
      expect.objectContaining({
        actor: { subject: 'admin-ada' },
        entity: 'CHAIR_TERM#2026-04-01',
        action: 'appoint',
      }),
    ]);
    expect(summary(all.filter((record) => record.kind !== 'record-change'))).toEqual(expected);
    expect(all.map((record) => record.at)).toEqual([...all.map((record) => record.at)].sort().reverse());
  });

  it('keeps to [from, before)', async () => {
    const { items } = await table.audit.list({
      from: '2026-02-11T10:05:00.000Z',
      before: '2026-03-03T14:00:00.000Z',
      limit: 50,
    });

    expect(items.map((record) => record.at)).toEqual(
      ['2026-03-20T16:00:00.000Z', '2026-02-12T08:00:00.000Z', '2026-02-11T10:05:00.000Z'].filter(
        (at) => at < '2026-03-03T14:00:00.000Z',
      ),
    );
  });

  it('refuses a cursor it did not hand out', async () => {
    await expect(
      table.audit.list({ limit: 5, cursor: Buffer.from('PK#anything').toString('base64url') }),
    ).rejects.toBeInstanceOf(ValidationFailed);
  });
});

describe('a local table kept in .data from before the subject indexes', () => {
  it('gains the missing indexes on the next start, keeping its items', async () => {
    const { client, documentClient, tableName } = await aFreshTable();
    const oldTable = `${tableName}-old`;
    const { partitionKey, sortKey, byStatusIndex, outboxIndex } = TABLE_SCHEMA;
    await client.send(
      new CreateTableCommand({
        TableName: oldTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [partitionKey, sortKey, 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [byStatusIndex, outboxIndex].map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await documentClient.send(new PutCommand({ TableName: oldTable, Item: { PK: 'KEPT', SK: 'ITEM' } }));

    expect(await ensureTable(client, oldTable)).toBe('updated');
    expect(await ensureTable(client, oldTable)).toBe('existed');

    const { Table } = await client.send(new DescribeTableCommand({ TableName: oldTable }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual([
      'GSI1',
      'GSI2',
      'SubjectEmail',
      'SubjectPhone',
    ]);
    const kept = await documentClient.send(
      new GetCommand({ TableName: oldTable, Key: { PK: 'KEPT', SK: 'ITEM' } }),
    );
    expect(kept.Item).toBeDefined();
  });
});
