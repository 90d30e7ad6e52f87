/**
 * `npm run fire-schedule -- <name> [--at <ISO time>]`: runs a schedule's target now on the running local cloud,
 * as if it had been scheduled at `--at` (default now), e.g. `--at 2027-04-01T00:05:00Z` to see a chair rotation.
 */
import { parseArgs } from 'node:util';
import { SCHEDULES } from '../functions/topology.ts';
import { portsFromEnv } from './ports.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { at: { type: 'string' } } });
const name = positionals[0];
if (!name || !(name in SCHEDULES)) {
  process.stderr.write(
    `Usage: npm run fire-schedule -- <name> [--at <ISO time>]\nSchedules: ${Object.keys(SCHEDULES).join(', ')}\n`,
  );
  process.exit(2);
}
if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) {
  process.stderr.write(`--at must be a date or time, e.g. 2027-04-01T00:05:00Z\n`);
  process.exit(2);
}
const url = `http://127.0.0.1:${portsFromEnv().aws}/_local/schedules/${encodeURIComponent(name)}/fire`;
try {
  const response = await fetch(url, {
    method: 'POST',
    body: JSON.stringify({ scheduledTime: values.at ? new Date(values.at).toISOString() : undefined }),
  });
  const body = (await response.json()) as { result?: { ok: boolean; value?: unknown; error?: string } };
  if (!body.result?.ok) {
    process.stderr.write(`Schedule ${name} failed: ${body.result?.error ?? JSON.stringify(body)}\n`);
    process.exit(1);
  }
  process.stdout.write(`Fired ${name}: ${JSON.stringify(body.result.value)}\n`);
} catch {
  process.stderr.write(`The local cloud is not running at ${url}: start it with npm start.\n`);
  process.exit(1);
}
