/**
 * The open data end to end: enquiries submitted through the API are counted by the statistics consumer and
 * published by GET /statistics/enquiries as JSON and as a CSV a spreadsheet opens, every count 5 or more or
 * `<5`, sensitive categories never broken down.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anEnquiry,
  callApi,
  cloud,
  submitEnquiry,
  tableContents,
  waitForQuiet,
} from '../support/local-cloud.ts';

const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  for (let i = 0; i < 6; i++) await submitEnquiry(anEnquiry({ category: 'noise-and-environment' }));
  await submitEnquiry(anEnquiry({ category: 'domestic-abuse' }));
  await waitForQuiet();
});

describe('open data', () => {
  it('counts enquiries as they arrive, by category but never a sensitive one, and publishes a month once it is over', async () => {
    const contents = await tableContents();
    const thisMonth = await callApi<{ detail: string }>(
      `/statistics/enquiries?by=category&from=${month}&to=${month}`,
    );
    const lastMonth = await callApi<{ rows: { key: string; count: number | string }[] }>(
      '/statistics/enquiries?by=category',
    );

    // The counters (monthly items by dimension) hold the new enquiries; the sensitive one only as a whole.
    expect(contents).toContain(`STATS#${month}`);
    expect(contents).toContain('category#noise-and-environment');
    expect(contents).not.toContain('category#domestic-abuse');
    expect(thisMonth.status).toBe(422);
    expect(thisMonth.body.detail).toContain('not over yet');
    expect(lastMonth.status).toBe(200);
    expect(JSON.stringify(lastMonth.body)).not.toContain('domestic-abuse');
    for (const row of lastMonth.body.rows)
      expect(row.count === '<5' || (row.count as number) >= 5).toBe(true);
  });

  it('serves a CSV with one header row that a spreadsheet opens, every count 5 or more or <5', async () => {
    const year = month.slice(0, 4);
    const response = await fetch(
      `${cloud().api}/statistics/enquiries?by=month&from=${year}-01&to=${year}-12`,
      {
        headers: { Accept: 'text/csv' },
      },
    );
    const text = await response.text();
    const records = parse(text) as string[][];

    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(records[0]).toEqual(['month', 'received']);
    expect(records.slice(1).every((record) => record.length === 2)).toBe(true);
    for (const [, count] of records.slice(1)) expect(count === '<5' || Number(count) >= 5).toBe(true);
  });

  it('refuses a malformed window with a problem naming the field', async () => {
    const response = await callApi<{ errors: { field: string }[] }>('/statistics/enquiries?from=2026-13');

    expect(response.status).toBe(422);
    expect(response.body.errors[0]?.field).toBe('from');
  });
});
