/**
 * The open data end to end: enquiries submitted through the API are counted by the statistics consumer and
 * published by GET /statistics/enquiries as JSON and as a CSV a spreadsheet opens, every count 5 or more or
 * `<5`, sensitive categories never broken down.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { anEnquiry, callApi, cloud, submitEnquiry, waitForQuiet } from '../support/local-cloud.ts';

const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  for (let i = 0; i < 6; i++) await submitEnquiry(anEnquiry({ category: 'noise-and-environment' }));
  await submitEnquiry(anEnquiry({ category: 'domestic-abuse' }));
  await waitForQuiet();
});

describe('open data', () => {
  it('counts enquiries by category as they arrive, never listing a sensitive category', async () => {
    const table = await callApi<{
      rows: { key: string; count: number | string }[];
      total: number | string;
    }>(`/statistics/enquiries?by=category&from=${month}&to=${month}`);

    expect(table.status).toBe(200);
    const noise = table.body.rows.find((row) => row.key.split(' + ').includes('noise-and-environment'));
    expect(typeof noise?.count === 'number' && noise.count >= 6).toBe(true);
    expect(JSON.stringify(table.body)).not.toContain('domestic-abuse');
    for (const row of table.body.rows) expect(row.count === '<5' || (row.count as number) >= 5).toBe(true);
  });

  it('serves a CSV with one header row that a spreadsheet opens, every count 5 or more or <5', async () => {
    const response = await fetch(`${cloud().api}/statistics/enquiries?by=month&from=2026-01&to=${month}`, {
      headers: { Accept: 'text/csv' },
    });
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
