/**
 * The open data end to end: enquiries submitted through the API are counted by the statistics consumer and
 * published by GET /statistics/enquiries as JSON and as a CSV a spreadsheet opens, every count 5 or more or
 * `<5`, sensitive categories never broken down.
 */
import { parse } from 'csv-parse/sync';
import { assert, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { anEnquiry, submitEnquiry, tableContents, waitForQuiet } from '../support/local-cloud.ts';

const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  for (let i = 0; i < 6; i++) await submitEnquiry({ ...anEnquiry(), category: 'noise-and-environment' });
  await submitEnquiry({ ...anEnquiry(), category: 'domestic-abuse' });
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
    for (const row of lastMonth.data.rows) expect(row.count === '<5' || row.count >= 5).toBe(true);
  });

  it('serves a CSV with one header row that a spreadsheet opens, every count 5 or more or <5', async () => {
    const year = month.slice(0, 4);
    const { data: text, response } = await apiClient().GET('/statistics/enquiries', {
      params: { query: { by: 'month', from: `${year}-01`, to: `${year}-12` } },
      headers: { Accept: 'text/csv' },
      parseAs: 'text',
    });
    const records = parse(text!) as string[][];

    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(records[0]).toEqual(['month', 'received']);
    expect(records.slice(1).every((record) => record.length === 2)).toBe(true);
    for (const [, count] of records.slice(1)) expect(count === '<5' || Number(count) >= 5).toBe(true);
  });

  it('refuses a malformed window with a problem naming the field', async () => {
    const { response, error } = await apiClient().GET('/statistics/enquiries', {
      params: { query: { from: '2026-13' } },
    });

    expect(response.status).toBe(422);
    expect(error?.errors?.[0]?.field).toBe('from');
  });
});
