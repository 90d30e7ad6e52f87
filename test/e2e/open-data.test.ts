/**
 * The open data end to end: enquiries are counted by the statistics consumer and published by
 * GET /statistics/enquiries as JSON and as a CSV a spreadsheet opens, every count 5 or more or `<5`, sensitive
 * categories never broken down. Last year is seeded as it would have happened: enquiries stored with their dates,
 * then their EnquiryReceived, EnquiryReferralAccepted and EnquiryStatusChanged events put on the local bus for
 * the real consumer to count, so its tables hold counts of 5 and more, counts of 1 to 4, and zeros.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { assert, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { firstUnpublishedMonth } from '../../functions/domain/use-cases/enquiry-statistics.ts';
import { enquiryReceived } from '../../functions/events/enquiry-received.ts';
import { EnquiryReferralAcceptedEvent } from '../../functions/events/enquiry-referral-answered.ts';
import { EnquiryStatusChangedEvent } from '../../functions/events/enquiry-status-changed.ts';
import { createEvent, type OutgoingEvent } from '../../functions/events/envelope.ts';
import { apiClient } from '../support/api-client.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';
import { anEnquiry, cloud, submitEnquiry, tableContents, waitForQuiet } from '../support/local-cloud.ts';

const month = new Date().toISOString().slice(0, 7);
/** The first month not published yet (this month, or last month in the first two days of this one). */
const unpublished = firstUnpublishedMonth(new Date());
const lastYear = String(Number(unpublished.slice(0, 4)) - 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Last year, enquiry by enquiry: January 7 (6 anti-social behaviour, 1 noise), February 2 (noise), March one of
 * a sensitive category; every other month none. Days after receipt each was accepted (if it was) and closed.
 */
const LAST_YEAR: readonly {
  month: string;
  category: string;
  sensitive?: boolean;
  acceptedAfter?: number;
  closedAfter: number;
}[] = [
  ...[3, 4, 5, 6, 7, 8].map((closedAfter) => ({
    month: '01',
    category: 'anti-social-behaviour',
    acceptedAfter: 1,
    closedAfter,
  })),
  { month: '01', category: 'noise-and-environment', acceptedAfter: 2, closedAfter: 10 },
  { month: '02', category: 'noise-and-environment', closedAfter: 4 },
  { month: '02', category: 'noise-and-environment', closedAfter: 4 },
  { month: '03', category: 'domestic-abuse', sensitive: true, closedAfter: 5 },
];

/** Stores last year's enquiries, closed as they ended, and puts their events on the bus for the consumer. */
async function seedLastYear(): Promise<void> {
  const dynamo = new DynamoDBClient({
    endpoint: cloud().dynamodb,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const bus = new EventBridgeClient({
    endpoint: cloud().aws,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const enquiries = new DynamoDbEnquiryRepository(documents, 'csp-local', 3650);
  const events: OutgoingEvent[] = [];
  try {
    for (const [i, past] of LAST_YEAR.entries()) {
      const receivedAt = `${lastYear}-${past.month}-${String(10 + i).padStart(2, '0')}T10:00:00.000Z`;
      const after = (days: number) => new Date(Date.parse(receivedAt) + days * DAY_MS).toISOString();
      const closedAt = after(past.closedAfter);
      const enquiry: Enquiry = aStoredEnquiry({
        reference: `CSU-${lastYear}-9${String(i).padStart(5, '0')}`,
        category: past.category,
        sensitive: past.sensitive ?? false,
        contact: { name: 'Seeded resident' },
        safeContact: { mayEmail: false, mayPhone: false },
        location: { postcode: 'TN23 1PL' },
        receivedAt,
        updatedAt: closedAt,
        // Routed and closed long ago: the router, seeing the event again, finds its decision made.
        version: 4,
        routing: [],
        routedTo: [],
        status: 'closed',
        closure: { reason: 'resolved', at: closedAt },
      });
      await enquiries.create(enquiry);
      // Routed long ago, so out of the outbox (create puts it there, as for a new enquiry): left in, the outbox
      // sweeper would republish it for other files, which count what it republishes.
      await documents.send(
        new UpdateCommand({
          TableName: 'csp-local',
          Key: keys.enquiry(enquiry.reference),
          UpdateExpression: 'REMOVE GSI2PK, GSI2SK',
        }),
      );
      const context = (at: string) => ({ correlationId: enquiry.reference, occurredAt: at });
      events.push(enquiryReceived(enquiry, receivedAt));
      if (past.acceptedAfter !== undefined) {
        events.push(
          createEvent(
            EnquiryReferralAcceptedEvent,
            { reference: enquiry.reference, agencyId: 'kent-police', changeId: randomUUID() },
            context(after(past.acceptedAfter)),
          ),
        );
      }
      events.push(
        createEvent(
          EnquiryStatusChangedEvent,
          {
            reference: enquiry.reference,
            from: 'in-progress',
            to: 'closed',
            reason: 'resolved',
            changeId: randomUUID(),
          },
          context(closedAt),
        ),
      );
    }
    for (let start = 0; start < events.length; start += 10) {
      const { FailedEntryCount } = await bus.send(
        new PutEventsCommand({
          Entries: events.slice(start, start + 10).map((event) => ({
            EventBusName: 'csp-local-enquiries',
            Source: event.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
          })),
        }),
      );
      expect(FailedEntryCount ?? 0).toBe(0);
    }
  } finally {
    bus.destroy();
    dynamo.destroy();
  }
}

/** A count cell as published: an exact count of 5 or more, or `<5` (which stands for 0 to 4). */
const isPublishedCount = (cell: unknown) =>
  cell === '<5' || (typeof cell === 'number' ? cell : /^\d+$/.test(String(cell)) ? Number(cell) : 0) >= 5;

beforeAll(async () => {
  for (let i = 0; i < 6; i++) await submitEnquiry({ ...anEnquiry(), category: 'noise-and-environment' });
  await submitEnquiry({ ...anEnquiry(), category: 'domestic-abuse' });
  await seedLastYear();
  await waitForQuiet();
});

describe('open data', () => {
  it('counts enquiries as they arrive, by category but never a sensitive one, and publishes a month once it is over', async () => {
    const contents = await tableContents();
    const thisMonth = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'category', from: month, to: month } },
    });
    const lastMonth = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'category' } },
    });
    const byDefault = await apiClient().GET('/statistics/enquiries');
    const monthBefore = new Date(
      Date.UTC(Number(unpublished.slice(0, 4)), Number(unpublished.slice(5, 7)) - 2, 15),
    );

    // The counters (monthly items by dimension) hold the new enquiries; the sensitive one only as a whole.
    expect(contents).toContain(`STATS#${month}`);
    expect(contents).toContain('category#noise-and-environment');
    expect(contents).not.toContain('category#domestic-abuse');
    expect(thisMonth.response.status).toBe(422);
    expect(thisMonth.error?.detail).toContain('not over yet');
    expect(lastMonth.response.status).toBe(200);
    expect(JSON.stringify(lastMonth.data)).not.toContain('domestic-abuse');
    // The operation answers JSON or CSV, so its data is typed as either: this one is JSON.
    assert(typeof lastMonth.data === 'object', 'the statistics as JSON');
    for (const row of lastMonth.data.rows) expect(isPublishedCount(row.count)).toBe(true);
    // Without a window: the last published month's year by month (in January, last year's), up to that month.
    expect(byDefault.data).toMatchObject({
      by: 'month',
      from: `${monthBefore.getUTCFullYear()}-01`,
      to: monthBefore.toISOString().slice(0, 7),
    });
  });

  it('serves last year as a CSV a spreadsheet opens: one header row, every count 5 or more or <5, the medians', async () => {
    const { data: text, response } = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'month', from: `${lastYear}-01`, to: `${lastYear}-12` } },
      headers: { Accept: 'text/csv' },
      parseAs: 'text',
    });
    // Strict parsing, as a spreadsheet reads it: every record as many fields as the header.
    const [header, ...records] = parse(text!, { relax_column_count: false }) as string[][];
    const counts = records.map((record) => record[1]);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(header).toEqual(['month', 'received', 'medianDaysToAcceptance', 'medianDaysToClosure']);
    // One header row: every other row is a month of last year.
    expect(records.map((record) => record[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => `${lastYear}-${String(i + 1).padStart(2, '0')}`),
    );
    for (const count of counts) expect(isPublishedCount(count), `count ${count}`).toBe(true);
    expect(counts.some((count) => count !== '<5')).toBe(true);
    expect(counts.some((count) => count === '<5')).toBe(true);
    // January's 7 exactly; February's 2 and March's none (its one enquiry is sensitive) both as <5.
    expect(counts.slice(0, 3)).toEqual(['7', '<5', '<5']);
    // Days to first acceptance 1,1,1,1,1,1,2 and to closure 3,4,5,6,7,8,10,4,4,5: medians 1 and 5, on every row.
    for (const record of records) expect(record.slice(2)).toEqual(['1', '5']);
  });

  it('publishes a whole year by category month by month, the sensitive category only as a whole', async () => {
    const byCategory = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'category', from: `${lastYear}-01`, to: `${lastYear}-12` } },
    });
    const sensitive = await apiClient().GET('/statistics/enquiries', {
      params: {
        query: { by: 'month', measure: 'sensitiveReceived', from: `${lastYear}-01`, to: `${lastYear}-12` },
      },
    });
    assert(typeof byCategory.data === 'object' && typeof sensitive.data === 'object', 'the tables as JSON');
    const table = byCategory.data;
    const count = (month: string, key: string) =>
      table.rows.find((row) => row.month === `${lastYear}-${month}` && row.key === key)?.count;
    const csv = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'category', from: `${lastYear}-01`, to: `${lastYear}-12` } },
      headers: { Accept: 'text/csv' },
      parseAs: 'text',
    });
    const [header, ...records] = parse(csv.data!, { relax_column_count: false }) as string[][];

    expect(byCategory.response.status).toBe(200);
    // No total over several months: two overlapping windows' totals would subtract to a month's, however small.
    expect(table).toMatchObject({ from: `${lastYear}-01`, to: `${lastYear}-12`, total: null });
    // January: 6 and 1, and the month's 7 is public (its by=month row): the 1 would be plain, so the two
    // are published together.
    expect(count('01', 'anti-social-behaviour + noise-and-environment')).toBe(7);
    expect(count('02', 'noise-and-environment')).toBe('<5');
    expect(JSON.stringify(table)).not.toContain('domestic-abuse');
    for (const row of table.rows) expect(isPublishedCount(row.count)).toBe(true);
    // Only months with counts have rows (March's one enquiry is sensitive): a month of zeros is its by=month row.
    expect([...new Set(table.rows.map((row) => row.month))]).toEqual([`${lastYear}-01`, `${lastYear}-02`]);
    expect(sensitive.data.rows.every((row) => row.count === '<5')).toBe(true);
    expect(header).toEqual([
      'month',
      'category',
      'received',
      'medianDaysToAcceptance',
      'medianDaysToClosure',
    ]);
    expect(records).toContainEqual([
      `${lastYear}-01`,
      'anti-social-behaviour + noise-and-environment',
      '7',
      '1',
      '5',
    ]);
    for (const record of records) expect(isPublishedCount(record[2]), record.join()).toBe(true);
  });

  it('refuses a malformed window, or one over a year long, with a problem naming the field', async () => {
    const malformed = await apiClient().GET('/statistics/enquiries', {
      params: { query: { from: '2026-13' } },
    });
    const tooLong = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'category', from: `${lastYear}-01`, to: `${month}` } },
    });

    expect(malformed.response.status).toBe(422);
    expect(malformed.error?.errors?.[0]?.field).toBe('from');
    expect(tooLong.response.status).toBe(422);
    expect(tooLong.error?.detail).toContain('at most 12 months');
  });
});
