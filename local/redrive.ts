/**
 * `npm run redrive -- <queue>`: moves every message in a queue's dead-letter queue back onto the queue of the
 * running local cloud, to be delivered again (on AWS: SQS StartMessageMoveTask, see the README's runbook).
 * The consumers are idempotent, so an email already sent is not sent again.
 */
import { QUEUES } from '../functions/topology.ts';
import { portsFromEnv } from './ports.ts';

const name = process.argv[2];
if (!name || !(name in QUEUES)) {
  process.stderr.write(`Usage: npm run redrive -- <queue>\nQueues: ${Object.keys(QUEUES).join(', ')}\n`);
  process.exit(2);
}
const url = `http://127.0.0.1:${portsFromEnv().aws}/_local/queues/${encodeURIComponent(name)}/redrive`;
try {
  const response = await fetch(url, { method: 'POST' });
  const body = (await response.json()) as { moved?: number; message?: string };
  if (!response.ok) {
    process.stderr.write(`Redrive of ${name} failed: ${body.message ?? response.status}\n`);
    process.exit(1);
  }
  process.stdout.write(`Moved ${body.moved} message(s) from the ${name} dead-letter queue back to ${name}\n`);
} catch {
  process.stderr.write(`The local cloud is not running at ${url}: start it with npm start.\n`);
  process.exit(1);
}
