/**
 * The case repository against DynamoDB Local: a change lands whole or not at all (and only on the version it was
 * made from), the CSU's and each agency's inbox are read from the index newest first, and a change's events wait
 * in an outbox until they are marked published.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbCaseRepository } from '../../functions/adapters/dynamodb-case-repository.ts';
import { DynamoDbEmailLedger } from '../../functions/adapters/dynamodb-email-ledger.ts';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import {
  type ActionContext,
  type Actor,
  acceptReferral,
  actorOf,
  addNote,
  agencyAttentionBy,
  assignCase,
  type CaseChange,
  type CaseListing,
  declineReferral,
  listingOf,
  ROUTER_ACTOR,
  referToAgency,
  routeCase,
  transitionCase,
} from '../../functions/domain/casework.ts';
import type { CaseListQuery } from '../../functions/domain/casework-ports.ts';
import { ENQUIRY_STATUSES, type Enquiry, type RoutedRecipient } from '../../functions/domain/enquiry.ts';
import { StaleVersion, ValidationFailed } from '../../functions/domain/errors.ts';
import { CSU_RECIPIENT_ID } from '../../functions/domain/partnership.ts';
import type { EmailId } from '../../functions/domain/ports.ts';
import type { StaffPrincipal } from '../../functions/domain/staff.ts';
import { EnquiryStatusChangedEvent } from '../../functions/events/enquiry-status-changed.ts';
import { createEvent, type OutgoingEvent } from '../../functions/events/envelope.ts';
import { aFreshTable } from '../support/dynamodb.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';

/** Long enough that enquiries received in 2026 are not yet past their TTL when the tests run. */
const RETENTION_DAYS = 3650;
const TARGETS = { acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 };

const POLICE: RoutedRecipient = { id: 'police', name: 'Kent Police', email: 'referrals@police.example' };
const HOUSING: RoutedRecipient = { id: 'housing', name: 'Ashford Housing', email: 'asb@housing.example' };
const CSU: RoutedRecipient = {
  id: CSU_RECIPIENT_ID,
  name: 'Community Safety Unit',
  email: 'csu@ashford.example',
};

const CSU_OFFICER: StaffPrincipal = { subject: 'csu-officer-1', roles: ['csu-officer'] };
const POLICE_OFFICER: StaffPrincipal = { subject: 'pc-1', roles: ['agency-officer'], agencyId: 'police' };
const HOUSING_OFFICER: StaffPrincipal = { subject: 'ho-1', roles: ['agency-officer'], agencyId: 'housing' };

/** An instant on Monday 2 March 2026 (GMT), e.g. `monday('09:05')`. */
const monday = (time: string) => `2026-03-02T${time}:00.000Z`;
const ROUTED_AT = monday('10:00');
const justAfter = (instant: string) => new Date(Date.parse(instant) + 1000).toISOString();

type CaseTable = Awaited<ReturnType<typeof aCaseTable>>;

async function aCaseTable() {
  const { documentClient, tableName } = await aFreshTable();
  return {
    documentClient,
    tableName,
    cases: new DynamoDbCaseRepository(documentClient, tableName),
    enquiries: new DynamoDbEnquiryRepository(documentClient, tableName, RETENTION_DAYS),
    ledger: new DynamoDbEmailLedger(documentClient, tableName, RETENTION_DAYS),
  };
}

const by = (actor: Actor, now: string): ActionContext => ({ now: new Date(now), actor, newId: randomUUID });
const as = (principal: StaffPrincipal, now: string) => by(actorOf(principal), now);

/** A new enquiry stored as intake stores it (in the outbox), read back so it carries its expiry. */
async function aReceivedCase(table: CaseTable, overrides: Partial<Enquiry> = {}): Promise<Enquiry> {
  const reference = await table.enquiries.nextReference(2026);
  const receivedAt = overrides.receivedAt ?? monday('09:00');
  await table.enquiries.create(
    aStoredEnquiry({
      reference,
      category: 'asb',
      description: 'Youths gathering at the underpass every night',
      contact: { name: 'Sam Resident', email: 'sam@resident.example' },
      statusToken: `token-${reference}`,
      receivedAt,
      ...overrides,
    }),
  );
  const stored = await table.enquiries.get(reference);
  if (!stored) throw new Error(`${reference} was not stored`);
  return stored;
}

/** Saves a change as the use cases do, and answers the case as it now stands. */
async function saved(table: CaseTable, change: CaseChange): Promise<Enquiry> {
  await table.cases.save(change);
  return change.after;
}

const routing = (enquiry: Enquiry, recipients: readonly RoutedRecipient[]) =>
  routeCase(enquiry, recipients, TARGETS, by(ROUTER_ACTOR, ROUTED_AT), CSU_RECIPIENT_ID);

async function aRoutedCase(
  table: CaseTable,
  recipients: readonly RoutedRecipient[],
  overrides: Partial<Enquiry> = {},
): Promise<Enquiry> {
  return saved(table, routing(await aReceivedCase(table, overrides), recipients));
}

function statusChangedEvent(change: CaseChange): OutgoingEvent {
  const entry = change.timeline[0];
  if (!entry) throw new Error('a change without a timeline entry');
  return createEvent(
    EnquiryStatusChangedEvent,
    {
      reference: change.after.reference,
      from: change.before.status,
      to: change.after.status,
      changeId: entry.id,
    },
    { correlationId: randomUUID(), occurredAt: entry.at },
  );
}

/** Every item in one partition, read directly: for what the port has no read for. */
async function rawItems(table: CaseTable, pk: string) {
  const { Items = [] } = await table.documentClient.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

async function rawItem(table: CaseTable, key: { PK: string; SK: string }) {
  const { Item } = await table.documentClient.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

async function inEnquiryOutbox(table: CaseTable, reference: string): Promise<boolean> {
  const entries = await table.enquiries.listInOutbox('2099-01-01T00:00:00.000Z', 1000);
  return entries.some((entry) => entry.enquiry.reference === reference);
}

const referencesOf = (listings: readonly CaseListing[]) => listings.map((listing) => listing.reference);
const agencyListing = (enquiry: Enquiry, agencyId: string): CaseListing => ({
  ...listingOf(enquiry),
  attentionBy: agencyAttentionBy(enquiry, agencyId),
});

/** Every page of a listing, following cursors; fails rather than loop if the cursors never end. */
async function everyPage(table: CaseTable, query: Omit<CaseListQuery, 'cursor'>): Promise<CaseListing[][]> {
  const pages: CaseListing[][] = [];
  let cursor: string | undefined;
  do {
    const page = await table.cases.listCases({ ...query, cursor });
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor && pages.length < 50);
  if (cursor) throw new Error('still a cursor after 50 pages');
  return pages;
}

describe('DynamoDbCaseRepository: one case', () => {
  let table: CaseTable;

  beforeAll(async () => {
    table = await aCaseTable();
  });

  it('stores a routing decision with its referrals, deadline and timeline entry, and takes the case out of the outbox', async () => {
    const received = await aReceivedCase(table);
    const wasInOutbox = await inEnquiryOutbox(table, received.reference);
    const change = routing(received, [POLICE, HOUSING, CSU]);

    await table.cases.save(change);

    const record = await table.cases.getCase(received.reference);
    expect(wasInOutbox).toBe(true);
    expect(await inEnquiryOutbox(table, received.reference)).toBe(false);
    expect(record?.enquiry).toEqual(change.after);
    expect(record?.enquiry).toMatchObject({
      status: 'routed',
      version: 2,
      updatedAt: ROUTED_AT,
      routedTo: ['police', 'housing', 'csu'],
      needsTriage: false,
    });
    // Closure within 20 working days of Monday 2 March: by the end of Monday 30 March (UK time, BST).
    expect(record?.enquiry.dueBy).toBe('2026-03-30T23:00:00.000Z');
    // Acceptance within 2 working days: by the end of Wednesday 4 March.
    expect(record?.enquiry.referrals.map((r) => [r.agencyId, r.status, r.referredAt, r.acceptBy])).toEqual([
      ['police', 'sent', ROUTED_AT, '2026-03-05T00:00:00.000Z'],
      ['housing', 'sent', ROUTED_AT, '2026-03-05T00:00:00.000Z'],
    ]);
    expect(record?.timeline).toEqual([
      {
        id: change.timeline[0]?.id,
        at: ROUTED_AT,
        actor: ROUTER_ACTOR,
        kind: 'routed',
        details: { agencyIds: ['police', 'housing'] },
      },
    ]);
    expect(record?.notes).toEqual([]);
    expect(record?.emails).toEqual([]);
  });

  it('reads the timeline and notes oldest first', async () => {
    const routed = await aRoutedCase(table, [POLICE, CSU]);
    const anotherCase = routing(await aReceivedCase(table), [POLICE, CSU]);
    const first = addNote(routed, 'Spoke to the caretaker', as(CSU_OFFICER, monday('11:00')));
    const assigned = assignCase(first.after, CSU_OFFICER, 'officer-2', as(CSU_OFFICER, monday('11:30')));
    const second = addNote(
      assigned.after,
      'Police will patrol on Friday',
      as(POLICE_OFFICER, '2026-03-03T08:15:00.000Z'),
    );
    for (const change of [first, assigned, second]) await table.cases.save(change);
    // Another case's entries, written later, stay in their own case.
    await table.cases.save(anotherCase);

    const record = await table.cases.getCase(routed.reference);

    expect(record?.notes).toEqual([first.note, second.note]);
    expect(record?.timeline.map((entry) => entry.kind)).toEqual([
      'routed',
      'note-added',
      'assigned',
      'note-added',
    ]);
    expect(record?.timeline.slice(1)).toEqual([...first.timeline, ...assigned.timeline, ...second.timeline]);
    expect(record?.enquiry).toEqual(second.after);
  });

  it('keeps an enquiry closed before routing in the outbox until the router records that it goes to nobody', async () => {
    const received = await aReceivedCase(table);
    const closed = await saved(
      table,
      transitionCase(
        received,
        CSU_OFFICER,
        { to: 'closed', reason: 'duplicate' },
        as(CSU_OFFICER, monday('09:30')),
      ),
    );
    const inOutboxWhileClosed = await inEnquiryOutbox(table, received.reference);

    const routed = await saved(table, routing(closed, [POLICE, CSU]));

    expect(inOutboxWhileClosed).toBe(true);
    expect(await inEnquiryOutbox(table, received.reference)).toBe(false);
    const record = await table.cases.getCase(received.reference);
    expect(record?.enquiry).toEqual(routed);
    expect(record?.enquiry).toMatchObject({ status: 'closed', routing: [], referrals: [], version: 3 });
    const items = await rawItems(table, `ENQUIRY#${received.reference}`);
    expect(items.filter((item) => String(item.SK).startsWith('REFERRAL#'))).toEqual([]);
  });

  it('reports each email about the case from its ledger record, sent or still sending', async () => {
    const routed = await aRoutedCase(table, [POLICE, HOUSING, CSU]);
    const topic = `ENQUIRY#${routed.reference}`;
    const toPolice: EmailId = { topic, kind: 'referral', recipientId: 'police' };
    const toHousing: EmailId = { topic, kind: 'referral', recipientId: 'housing' };
    const acknowledgement: EmailId = { topic, kind: 'acknowledgement', recipientId: 'enquirer#sam' };
    const now = new Date(ROUTED_AT);
    for (const id of [toPolice, toHousing, acknowledgement])
      await table.ledger.claim(id, now, 60, 'an-address');
    await table.ledger.markSent(toPolice, 'ses-1', monday('10:01'));
    await table.ledger.markSent(acknowledgement, 'ses-2', monday('09:01'));

    const record = await table.cases.getCase(routed.reference);

    const byKindAndRecipient = [...(record?.emails ?? [])].sort((a, b) =>
      `${a.kind}/${a.recipientId}` < `${b.kind}/${b.recipientId}` ? -1 : 1,
    );
    expect(byKindAndRecipient).toEqual([
      { kind: 'acknowledgement', recipientId: 'enquirer#sam', status: 'sent', sentAt: monday('09:01') },
      { kind: 'referral', recipientId: 'housing', status: 'sending', sentAt: undefined },
      { kind: 'referral', recipientId: 'police', status: 'sent', sentAt: monday('10:01') },
    ]);
    expect(record?.timeline).toHaveLength(1);
  });

  it('refuses a change made from a stale copy, and writes none of it', async () => {
    const routed = await aRoutedCase(table, [POLICE, CSU]);
    const accepted = await saved(
      table,
      acceptReferral(routed, POLICE_OFFICER, 'police', as(POLICE_OFFICER, monday('11:00'))),
    );
    const staleDecline = declineReferral(
      routed,
      POLICE_OFFICER,
      'police',
      'not-ours',
      as(POLICE_OFFICER, monday('11:05')),
    );
    const staleNote = addNote(routed, 'Written from a stale copy', as(CSU_OFFICER, monday('11:06')));

    await expect(table.cases.save(staleDecline, [statusChangedEvent(staleDecline)])).rejects.toBeInstanceOf(
      StaleVersion,
    );
    await expect(table.cases.save(staleNote)).rejects.toBeInstanceOf(StaleVersion);

    const record = await table.cases.getCase(routed.reference);
    const items = await rawItems(table, `ENQUIRY#${routed.reference}`);
    expect(record?.enquiry).toEqual(accepted);
    expect(record?.enquiry.version).toBe(3);
    expect(record?.timeline.map((entry) => entry.kind)).toEqual(['routed', 'referral-accepted']);
    expect(record?.notes).toEqual([]);
    expect(items.map((item) => String(item.SK).split('#')[0]).sort()).toEqual([
      'ENQUIRY',
      'REFERRAL',
      'TIMELINE',
      'TIMELINE',
    ]);
    // The stale decline would have taken the police listing out of the index.
    expect(items.find((item) => item.SK === 'REFERRAL#police')).toMatchObject({
      GSI1PK: 'AGENCY_REFERRALS#police#routed',
      agencies: [{ agencyId: 'police', status: 'accepted' }],
    });
  });

  it('lets exactly one of several concurrent changes from the same version through', async () => {
    const routed = await aRoutedCase(table, [POLICE, CSU]);
    const changes = Array.from({ length: 5 }, (_, i) =>
      addNote(routed, `Concurrent note ${i}`, as(CSU_OFFICER, monday(`11:0${i}`))),
    );

    const outcomes = await Promise.allSettled(changes.map((change) => table.cases.save(change)));

    const winners = changes.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StaleVersion);
    }
    const record = await table.cases.getCase(routed.reference);
    expect(record?.enquiry.version).toBe(3);
    expect(record?.notes).toEqual([winners[0]?.note]);
    expect(record?.timeline.slice(1)).toEqual(winners[0]?.timeline);
  });

  it('writes a note with its timeline entry, and every item of the change with the case’s expiry', async () => {
    const routed = await aRoutedCase(table, [POLICE, HOUSING, CSU]);
    const change = addNote(routed, 'Called the housing officer', as(CSU_OFFICER, monday('11:00')));

    await table.cases.save(change, [statusChangedEvent(change)]);

    const record = await table.cases.getCase(routed.reference);
    expect(record?.notes).toEqual([change.note]);
    expect(record?.timeline.at(-1)).toEqual(change.timeline[0]);
    expect(change.timeline[0]?.details).toEqual({ noteId: change.note?.id });
    const expiresAt = Math.floor(Date.parse(routed.receivedAt) / 1000) + RETENTION_DAYS * 86_400;
    expect(routed.expiresAt).toBe(expiresAt);
    const items = await rawItems(table, `ENQUIRY#${routed.reference}`);
    expect(items.map((item) => String(item.SK).split('#')[0]).sort()).toEqual([
      'ENQUIRY',
      'NOTE',
      'OUTBOX',
      'REFERRAL',
      'REFERRAL',
      'TIMELINE',
      'TIMELINE',
    ]);
    for (const item of items)
      expect({ SK: item.SK, expiresAt: item.expiresAt }).toEqual({ SK: item.SK, expiresAt });
  });

  it('records who read a case apart from it, where reading the case does not see it', async () => {
    const routed = await aRoutedCase(table, [POLICE, CSU]);
    const before = await table.cases.getCase(routed.reference);
    const access = {
      reference: routed.reference,
      at: monday('12:00'),
      subject: 'pc-1',
      role: 'agency-officer',
      agencyId: 'police',
      view: 'case',
    };

    await table.cases.recordAccess(access);

    const accessItems = await rawItems(table, `ACCESS#ENQUIRY#${routed.reference}`);
    expect(accessItems).toEqual([
      expect.objectContaining({
        PK: `ACCESS#ENQUIRY#${routed.reference}`,
        SK: expect.stringMatching(new RegExp(`^${access.at}#`)),
        ...access,
      }),
    ]);
    expect(await table.cases.getCase(routed.reference)).toEqual(before);
    const caseItems = await rawItems(table, `ENQUIRY#${routed.reference}`);
    expect(caseItems.filter((item) => item.type === 'CaseAccess')).toEqual([]);
  });

  it('answers undefined for a reference it does not hold, and for a case past its retention', async () => {
    const shortLived = new DynamoDbEnquiryRepository(table.documentClient, table.tableName, 1);
    const reference = await table.enquiries.nextReference(2021);
    const enquiry = await aReceivedCase(table);
    await shortLived.create({ ...enquiry, reference, receivedAt: '2021-05-04T09:00:00.000Z' });

    expect(await table.cases.getCase('CSU-2026-999999')).toBeUndefined();
    expect(await table.cases.getCase(reference)).toBeUndefined();
    expect(await table.cases.getCase(enquiry.reference)).toBeDefined();
  });
});

describe('DynamoDbCaseRepository: routing from what the event says', () => {
  /** The enquiry as the router guesses it from EnquiryReceived: case fields right, the enquirer's words blank. */
  const guessed = (stored: Enquiry, overrides: Partial<Enquiry> = {}): Enquiry => ({
    ...stored,
    description: '',
    contact: {},
    safeContact: { mayEmail: false, mayPhone: false },
    statusToken: '',
    location: undefined,
    ...overrides,
  });

  it('writes the case fields only, never what the enquirer sent', async () => {
    const table = await aCaseTable();
    const stored = await aReceivedCase(table, { location: { postcode: 'TN23 1PL' } });

    await table.cases.save(routing(guessed(stored), [CSU, POLICE]));

    const { enquiry } = (await table.cases.getCase(stored.reference))!;
    expect(enquiry).toMatchObject({ status: 'routed', version: 2 });
    expect([
      enquiry.description,
      enquiry.contact,
      enquiry.safeContact,
      enquiry.statusToken,
      enquiry.location,
    ]).toEqual([stored.description, stored.contact, stored.safeContact, stored.statusToken, stored.location]);
  });

  it('refuses a guess of the wrong category, even at the stored version', async () => {
    const table = await aCaseTable();
    const stored = await aReceivedCase(table);

    await expect(
      table.cases.save(routing(guessed(stored, { category: 'noise' }), [CSU])),
    ).rejects.toBeInstanceOf(StaleVersion);
    expect(await table.enquiries.get(stored.reference)).toMatchObject({ status: 'received', version: 1 });
  });
});

describe('DynamoDbCaseRepository.listCases: the CSU inbox', () => {
  let table: CaseTable;
  /** The cases by the minute past 09:00 they were received; 1 is the oldest, 8 the newest. */
  const byMinute = new Map<number, Enquiry>();
  const cases = (...minutes: number[]) =>
    minutes.map((minute) => {
      const enquiry = byMinute.get(minute);
      if (!enquiry) throw new Error(`no case received at minute ${minute}`);
      return enquiry;
    });
  const refs = (...minutes: number[]) => cases(...minutes).map((enquiry) => enquiry.reference);
  const ALL = [8, 7, 6, 5, 4, 3, 2, 1];
  const list = async (query: Partial<CaseListQuery> = {}) =>
    table.cases.listCases({ statuses: ENQUIRY_STATUSES, limit: 100, ...query });

  beforeAll(async () => {
    table = await aCaseTable();
    const received = (minute: number, category: string) =>
      aReceivedCase(table, { receivedAt: monday(`09:0${minute}`), category });
    const csu = (now: string) => as(CSU_OFFICER, now);
    // Created out of order, so references do not follow the order received.
    byMinute.set(3, await saved(table, routing(await received(3, 'asb'), [CSU])));
    byMinute.set(8, await received(8, 'asb'));
    byMinute.set(1, await received(1, 'noise'));
    let six = await saved(table, routing(await received(6, 'noise'), [POLICE, CSU]));
    six = await saved(
      table,
      acceptReferral(six, POLICE_OFFICER, 'police', as(POLICE_OFFICER, monday('11:00'))),
    );
    byMinute.set(6, await saved(table, assignCase(six, CSU_OFFICER, 'officer-3', csu(monday('11:05')))));
    const two = await saved(table, routing(await received(2, 'asb'), [POLICE, HOUSING, CSU]));
    byMinute.set(
      2,
      await saved(table, acceptReferral(two, POLICE_OFFICER, 'police', as(POLICE_OFFICER, monday('11:00')))),
    );
    const seven = await saved(table, routing(await received(7, 'asb'), [HOUSING, CSU]));
    byMinute.set(
      7,
      await saved(
        table,
        declineReferral(seven, HOUSING_OFFICER, 'housing', 'not-ours', as(HOUSING_OFFICER, monday('11:00'))),
      ),
    );
    const five = await saved(table, routing(await received(5, 'asb'), [POLICE, CSU]));
    byMinute.set(
      5,
      await saved(
        table,
        transitionCase(five, CSU_OFFICER, { to: 'closed', reason: 'resolved' }, csu(monday('11:00'))),
      ),
    );
    let four = await saved(table, routing(await received(4, 'noise'), [POLICE, CSU]));
    four = await saved(
      table,
      acceptReferral(four, POLICE_OFFICER, 'police', as(POLICE_OFFICER, monday('11:00'))),
    );
    four = await saved(table, assignCase(four, CSU_OFFICER, 'officer-2', csu(monday('11:10'))));
    byMinute.set(
      4,
      await saved(table, transitionCase(four, CSU_OFFICER, { to: 'in-progress' }, csu(monday('11:20')))),
    );
  });

  it('lists every case in the statuses asked for, newest first, as its listing', async () => {
    const page = await list();

    expect(page.items).toEqual(cases(...ALL).map(listingOf));
    expect(page.cursor).toBeUndefined();
    expect(page.items.map((listing) => listing.status)).toEqual([
      'received',
      'routed',
      'routed',
      'closed',
      'in-progress',
      'routed',
      'routed',
      'received',
    ]);
  });

  it('lists only the statuses asked for', async () => {
    expect(referencesOf((await list({ statuses: ['received'] })).items)).toEqual(refs(8, 1));
    expect(referencesOf((await list({ statuses: ['routed'] })).items)).toEqual(refs(7, 6, 3, 2));
    expect(referencesOf((await list({ statuses: ['in-progress', 'closed'] })).items)).toEqual(refs(5, 4));
  });

  it('pages through every case exactly once, in order, two at a time', async () => {
    const pages = await everyPage(table, { statuses: ENQUIRY_STATUSES, limit: 2 });

    expect(referencesOf(pages.flat())).toEqual(refs(...ALL));
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    expect(pages.slice(0, 4).map((page) => page.length)).toEqual([2, 2, 2, 2]);
  });

  it('pages through a filtered listing exactly once, in order', async () => {
    const pages = await everyPage(table, { statuses: ENQUIRY_STATUSES, needsTriage: false, limit: 2 });

    expect(referencesOf(pages.flat())).toEqual(refs(8, 6, 5, 4, 2, 1));
  });

  it('lists cases received in [receivedFrom, receivedBefore)', async () => {
    const page = await list({ receivedFrom: monday('09:03'), receivedBefore: monday('09:06') });
    const fromOnly = await list({ receivedFrom: monday('09:07') });
    const beforeOnly = await list({ receivedBefore: monday('09:02') });

    expect(referencesOf(page.items)).toEqual(refs(5, 4, 3));
    expect(referencesOf(fromOnly.items)).toEqual(refs(8, 7));
    expect(referencesOf(beforeOnly.items)).toEqual(refs(1));
  });

  it('filters on category, deadline, assignee and triage', async () => {
    const ref = async (query: Partial<CaseListQuery>) => referencesOf((await list(query)).items);

    expect(await ref({ category: 'noise' })).toEqual(refs(6, 4, 1));
    // Only case 2 still waits for an agency's answer (housing, due within two working days).
    expect(await ref({ overdueAt: '2026-03-10T00:00:00.000Z' })).toEqual(refs(2));
    expect(await ref({ overdueAt: '2026-12-31T00:00:00.000Z' })).toEqual(refs(7, 6, 4, 3, 2));
    expect(await ref({ assignedTo: 'officer-2' })).toEqual(refs(4));
    expect(await ref({ needsTriage: true })).toEqual(refs(7, 3));
    expect(await ref({ needsTriage: false })).toEqual(refs(8, 6, 5, 4, 2, 1));
    expect(await ref({ category: 'asb', needsTriage: true, statuses: ['routed'] })).toEqual(refs(7, 3));
  });

  it('gives the CSU the earliest deadline of the case', async () => {
    const [two] = cases(2);
    const housingAcceptBy = two?.referrals.find((r) => r.agencyId === 'housing')?.acceptBy;

    const listing = (await list({ statuses: ['routed'] })).items.find((l) => l.reference === two?.reference);

    expect(housingAcceptBy).toBe('2026-03-05T00:00:00.000Z');
    expect(two?.dueBy).toBe('2026-03-30T23:00:00.000Z');
    expect(listing?.attentionBy).toBe(housingAcceptBy);
  });

  it('refuses a cursor it did not hand out, and a range that ends before it starts', async () => {
    const notOurs = Buffer.from(`ENQUIRY#${refs(1)[0]}`).toString('base64url');

    await expect(list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(list({ cursor: notOurs })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(
      list({ receivedFrom: monday('09:05'), receivedBefore: monday('09:04') }),
    ).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('answers an empty page, not an error, for a cursor below receivedFrom', async () => {
    const firstSeven = await list({ limit: 7 });
    expect(referencesOf(firstSeven.items)).toEqual(refs(8, 7, 6, 5, 4, 3, 2));

    const page = await list({ receivedFrom: monday('09:03'), cursor: firstSeven.cursor });

    // No cursor either: a client following cursors until there are none must stop here.
    expect(page).toEqual({ items: [] });
  });

  it('reads the index with Query alone, never a Scan', async () => {
    const send = vi.spyOn(table.documentClient, 'send');
    try {
      await everyPage(table, { statuses: ENQUIRY_STATUSES, limit: 2 });
      await list({ category: 'noise', overdueAt: '2026-12-31T00:00:00.000Z' });
      await list({ agencyId: 'police' });

      const commands = send.mock.calls.map(([command]) => command);
      expect(commands.length).toBeGreaterThan(0);
      expect(new Set(commands.map((command) => command.constructor.name))).toEqual(new Set(['QueryCommand']));
      for (const command of commands) expect(command.input).toMatchObject({ IndexName: 'GSI1' });
    } finally {
      send.mockRestore();
    }
  });
});

describe('DynamoDbCaseRepository.listCases: a sparse filter', () => {
  let table: CaseTable;
  const byMinute = new Map<number, Enquiry>();

  beforeAll(async () => {
    table = await aCaseTable();
    // Twelve cases, alternately received and routed (two index partitions); two match the filters below.
    for (let minute = 1; minute <= 12; minute++) {
      const category = minute === 1 ? 'graffiti' : 'asb';
      const received = await aReceivedCase(table, {
        receivedAt: monday(`09:${String(minute).padStart(2, '0')}`),
        category,
      });
      byMinute.set(
        minute,
        minute % 2 === 0 ? await saved(table, routing(received, [POLICE, CSU])) : received,
      );
    }
    const eight = byMinute.get(8)!;
    byMinute.set(
      8,
      await saved(table, assignCase(eight, CSU_OFFICER, 'officer-9', as(CSU_OFFICER, monday('11:00')))),
    );
  });

  it('finds the one match among twelve, following cursors, without duplicates', async () => {
    const pages = await everyPage(table, { statuses: ENQUIRY_STATUSES, category: 'graffiti', limit: 2 });

    expect(referencesOf(pages.flat())).toEqual([byMinute.get(1)?.reference]);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
  });

  it('finds a match in the middle of a partition', async () => {
    const pages = await everyPage(table, { statuses: ENQUIRY_STATUSES, assignedTo: 'officer-9', limit: 2 });

    expect(pages.flat()).toEqual([listingOf(byMinute.get(8)!)]);
  });

  it('does not skip a newer match in one status while another status runs ahead', async () => {
    const mixed = await aCaseTable();
    const received = async (minute: string, category: string) =>
      aReceivedCase(mixed, { receivedAt: monday(`09:${minute}`), category });
    // Received: two newest do not match, then a match; routed: two older matches. Read two at a time, the
    // routed partition reaches its matches before the received one reaches its own, which is newer.
    await received('12', 'asb');
    await received('11', 'asb');
    const newer = await received('10', 'graffiti');
    const older = await saved(mixed, routing(await received('03', 'graffiti'), [CSU]));
    const oldest = await saved(mixed, routing(await received('02', 'graffiti'), [CSU]));

    const pages = await everyPage(mixed, { statuses: ENQUIRY_STATUSES, category: 'graffiti', limit: 2 });

    expect(referencesOf(pages.flat())).toEqual([newer.reference, older.reference, oldest.reference]);
  });

  it('pages through all twelve, one at a time, in order', async () => {
    const pages = await everyPage(table, { statuses: ENQUIRY_STATUSES, limit: 1 });

    const expected = [...byMinute.keys()]
      .sort((a, b) => b - a)
      .map((minute) => byMinute.get(minute)?.reference);
    expect(referencesOf(pages.flat())).toEqual(expected);
  });
});

describe('DynamoDbCaseRepository.listCases: an agency’s inbox', () => {
  const inbox = async (table: CaseTable, agencyId: string, query: Partial<CaseListQuery> = {}) =>
    (await table.cases.listCases({ statuses: ENQUIRY_STATUSES, agencyId, limit: 100, ...query })).items;

  it('lists only the cases referred to the agency, each with the agency’s own deadline', async () => {
    const table = await aCaseTable();
    const both = await aRoutedCase(table, [POLICE, HOUSING, CSU], { receivedAt: monday('09:01') });
    const housingOnly = await aRoutedCase(table, [HOUSING, CSU], { receivedAt: monday('09:02') });
    await aRoutedCase(table, [CSU], { receivedAt: monday('09:03') });
    await aReceivedCase(table, { receivedAt: monday('09:04') });
    const policeBeforeAnswering = await inbox(table, 'police');

    const accepted = await saved(
      table,
      acceptReferral(both, POLICE_OFFICER, 'police', as(POLICE_OFFICER, monday('11:00'))),
    );

    const acceptBy = (enquiry: Enquiry, agencyId: string) =>
      enquiry.referrals.find((r) => r.agencyId === agencyId)?.acceptBy;
    expect(policeBeforeAnswering).toEqual([agencyListing(both, 'police')]);
    expect(policeBeforeAnswering[0]?.attentionBy).toBe(acceptBy(both, 'police'));
    const police = await inbox(table, 'police');
    const housing = await inbox(table, 'housing');
    expect(police).toEqual([agencyListing(accepted, 'police')]);
    expect(police[0]?.attentionBy).toBe(accepted.dueBy);
    expect(police[0]?.agencies).toEqual([
      { agencyId: 'police', status: 'accepted' },
      { agencyId: 'housing', status: 'sent' },
    ]);
    expect(housing).toEqual([agencyListing(housingOnly, 'housing'), agencyListing(accepted, 'housing')]);
    expect(housing[1]?.attentionBy).toBe(acceptBy(accepted, 'housing'));
    expect(housing[1]?.agencies).toEqual(police[0]?.agencies);
    expect(await inbox(table, 'council')).toEqual([]);
  });

  it('filters an agency’s inbox on its own listings', async () => {
    const table = await aCaseTable();
    const both = await aRoutedCase(table, [POLICE, HOUSING, CSU], { receivedAt: monday('09:01') });
    const noise = await aRoutedCase(table, [POLICE, CSU], { receivedAt: monday('09:02'), category: 'noise' });
    const accepted = await saved(
      table,
      acceptReferral(both, POLICE_OFFICER, 'police', as(POLICE_OFFICER, monday('11:00'))),
    );
    await saved(table, assignCase(accepted, POLICE_OFFICER, 'pc-7', as(POLICE_OFFICER, monday('11:10'))));
    const overdueAt = '2026-03-10T00:00:00.000Z';

    // Police accepted the first case, so only the second still waits on police within two working days.
    expect(referencesOf(await inbox(table, 'police', { overdueAt }))).toEqual([noise.reference]);
    expect(referencesOf(await inbox(table, 'housing', { overdueAt }))).toEqual([both.reference]);
    expect(referencesOf(await inbox(table, 'police', { category: 'noise' }))).toEqual([noise.reference]);
    expect(referencesOf(await inbox(table, 'police', { assignedTo: 'pc-7' }))).toEqual([both.reference]);
    expect(referencesOf(await inbox(table, 'housing', { assignedTo: 'pc-7' }))).toEqual([both.reference]);
    expect(referencesOf(await inbox(table, 'housing', { category: 'noise' }))).toEqual([]);
  });

  it('drops a declined referral from the agency’s inbox, keeping the referral on record', async () => {
    const table = await aCaseTable();
    const routed = await aRoutedCase(table, [POLICE, HOUSING, CSU]);
    const housingBefore = await inbox(table, 'housing');

    const declined = await saved(
      table,
      declineReferral(routed, HOUSING_OFFICER, 'housing', 'not-ours', as(HOUSING_OFFICER, monday('11:00'))),
    );

    expect(referencesOf(housingBefore)).toEqual([routed.reference]);
    expect(await inbox(table, 'housing')).toEqual([]);
    expect(await inbox(table, 'police')).toEqual([agencyListing(declined, 'police')]);
    expect(referencesOf(await inbox(table, 'police', { needsTriage: true }))).toEqual([routed.reference]);
    const referralItem = await rawItem(table, keys.referralListing(routed.reference, 'housing'));
    expect(referralItem).toMatchObject({ agencyId: 'housing', reference: routed.reference });
    expect(referralItem?.GSI1PK).toBeUndefined();
    expect(referralItem?.GSI1SK).toBeUndefined();
    const record = await table.cases.getCase(routed.reference);
    expect(record?.enquiry.referrals.find((r) => r.agencyId === 'housing')).toMatchObject({
      status: 'declined',
      declineReason: 'not-ours',
      respondedBy: 'ho-1',
    });
  });

  it('moves the agency’s listing with the case’s status', async () => {
    const table = await aCaseTable();
    const routed = await aRoutedCase(table, [POLICE, CSU]);
    const csu = (now: string) => as(CSU_OFFICER, now);

    const inProgress = await saved(
      table,
      transitionCase(routed, CSU_OFFICER, { to: 'in-progress' }, csu(monday('11:00'))),
    );
    const whileInProgress = {
      routed: await inbox(table, 'police', { statuses: ['routed'] }),
      inProgress: await inbox(table, 'police', { statuses: ['in-progress'] }),
    };
    const closed = await saved(
      table,
      transitionCase(inProgress, CSU_OFFICER, { to: 'closed', reason: 'resolved' }, csu(monday('12:00'))),
    );

    expect(whileInProgress.routed).toEqual([]);
    expect(whileInProgress.inProgress).toEqual([agencyListing(inProgress, 'police')]);
    const closedListings = await inbox(table, 'police', { statuses: ['closed'] });
    expect(closedListings).toEqual([agencyListing(closed, 'police')]);
    expect(closedListings[0]).toMatchObject({ status: 'closed', attentionBy: undefined });
    expect(await inbox(table, 'police', { statuses: ['received', 'routed', 'in-progress'] })).toEqual([]);
    const csuClosed = await table.cases.listCases({ statuses: ['closed'], limit: 10 });
    expect(csuClosed.items).toEqual([listingOf(closed)]);
    expect((await table.cases.listCases({ statuses: ['routed', 'in-progress'], limit: 10 })).items).toEqual(
      [],
    );
  });

  it('puts a case the CSU refers on into the new agency’s inbox', async () => {
    const table = await aCaseTable();
    const routed = await aRoutedCase(table, [POLICE, CSU]);
    const council = { id: 'council', name: 'Ashford Borough Council', email: 'asb@council.example' };

    const referred = await saved(
      table,
      referToAgency(routed, council, TARGETS, as(CSU_OFFICER, monday('11:00'))),
    );

    expect(await inbox(table, 'council')).toEqual([agencyListing(referred, 'council')]);
    expect(await inbox(table, 'police')).toEqual([agencyListing(referred, 'police')]);
  });
});

describe('DynamoDbCaseRepository: the case events outbox', () => {
  async function aStatusChange(table: CaseTable, now: string, overrides: Partial<Enquiry> = {}) {
    const routed = await aRoutedCase(table, [POLICE, CSU], overrides);
    const change = transitionCase(routed, CSU_OFFICER, { to: 'in-progress' }, as(CSU_OFFICER, now));
    return { change, events: [statusChangedEvent(change)] };
  }

  it('keeps a change’s events, intact, until they are published; only those written before the cutoff', async () => {
    const table = await aCaseTable();
    const stillReceived = await aReceivedCase(table);
    const { change, events } = await aStatusChange(table, monday('11:00'));

    const outboxId = await table.cases.save(change, events);

    expect(outboxId).toEqual(expect.any(String));
    expect(await table.cases.listPendingEvents(monday('11:00'), 10)).toEqual([]);
    expect(await table.cases.listPendingEvents(justAfter(monday('11:00')), 10)).toEqual([
      { reference: change.after.reference, outboxId, events },
    ]);
    // The enquiry outbox is another partition of the same index: neither lists the other's items.
    const enquiryOutbox = await table.enquiries.listInOutbox('2099-01-01T00:00:00.000Z', 100);
    expect(enquiryOutbox.map((entry) => entry.enquiry.reference)).toEqual([stillReceived.reference]);
  });

  it('lists pending changes oldest first, at most the limit', async () => {
    const table = await aCaseTable();
    const later = await aStatusChange(table, monday('11:10'));
    const earlier = await aStatusChange(table, monday('11:00'));
    const laterId = await table.cases.save(later.change, later.events);
    const earlierId = await table.cases.save(earlier.change, earlier.events);

    const ids = async (notSince: string, limit: number) =>
      (await table.cases.listPendingEvents(notSince, limit)).map((pending) => pending.outboxId);

    expect(await ids(monday('12:00'), 10)).toEqual([earlierId, laterId]);
    expect(await ids(monday('12:00'), 1)).toEqual([earlierId]);
    expect(await ids(monday('11:05'), 10)).toEqual([earlierId]);
  });

  it('marks events published once; marking them again is harmless', async () => {
    const table = await aCaseTable();
    const { change, events } = await aStatusChange(table, monday('11:00'));
    const outboxId = (await table.cases.save(change, events))!;
    const reference = change.after.reference;

    await table.cases.markEventsPublished(reference, outboxId, monday('11:01'));
    await expect(
      table.cases.markEventsPublished(reference, outboxId, monday('11:02')),
    ).resolves.toBeUndefined();

    expect(await table.cases.listPendingEvents(monday('12:00'), 10)).toEqual([]);
    const item = await rawItem(table, keys.caseEventsOutbox(reference, outboxId));
    expect(item).toMatchObject({ publishedAt: monday('11:01'), events });
    expect(item?.GSI2PK).toBeUndefined();
    expect(item?.GSI2SK).toBeUndefined();
  });

  it('writes nothing when marking an outbox id it does not hold', async () => {
    const table = await aCaseTable();
    const { change } = await aStatusChange(table, monday('11:00'));
    await table.cases.save(change);
    const unknown = randomUUID();

    await table.cases.markEventsPublished(change.after.reference, unknown, monday('11:01'));

    expect(await rawItem(table, keys.caseEventsOutbox(change.after.reference, unknown))).toBeUndefined();
  });

  it('writes no outbox item for a change without events', async () => {
    const table = await aCaseTable();
    const { change } = await aStatusChange(table, monday('11:00'));

    const outboxId = await table.cases.save(change);

    expect(outboxId).toBeUndefined();
    expect(await table.cases.listPendingEvents(monday('12:00'), 10)).toEqual([]);
    const items = await rawItems(table, `ENQUIRY#${change.after.reference}`);
    expect(items.filter((item) => String(item.SK).startsWith('OUTBOX#'))).toEqual([]);
    expect((await table.cases.getCase(change.after.reference))?.enquiry.status).toBe('in-progress');
  });
});

describe('a transaction DynamoDB cancels for a concurrent change', () => {
  // DynamoDB Local always reports the failed version check; real DynamoDB may instead cancel a transaction
  // that races another on the same items, which only a mocked client can produce.
  it('reads as a stale version, so the API answers 412 and the router reads the case again', async () => {
    const documentClient = mockClient(DynamoDBDocumentClient);
    documentClient.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
      }),
    );
    const cases = new DynamoDbCaseRepository(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })),
      'any-table',
    );
    const received = aStoredEnquiry({ category: 'asb', receivedAt: monday('09:00') });

    try {
      await expect(cases.save(routing(received, [CSU, POLICE]))).rejects.toBeInstanceOf(StaleVersion);
    } finally {
      documentClient.restore();
    }
  });
});
