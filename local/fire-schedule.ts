/** `npm run fire-schedule -- <name>`: runs a schedule's target now on the running local cloud. */
import { SCHEDULES } from '../functions/topology.ts';
import { portsFromEnv } from './ports.ts';

const name = process.argv[2];
if (!name || !(name in SCHEDULES)) {
  process.stderr.write(
    `Usage: npm run fire-schedule -- <name>\nSchedules: ${Object.keys(SCHEDULES).join(', ')}\n`,
  );
  process.exit(2);
}
const url = `http://127.0.0.1:${portsFromEnv().aws}/_local/schedules/${encodeURIComponent(name)}/fire`;
try {
  const response = await fetch(url, { method: 'POST' });
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
