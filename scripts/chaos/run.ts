/**
 * `npm run chaos [-- --enquiries 10000 --concurrency 16]`: sends enquiries through the real local cloud while
 * faults are injected, waits until every queue is idle, and writes CHAOS.md: the emails expected, delivered,
 * lost, sent twice, suppressed and dead-lettered, and every 5xx answered. Faults, in order as the load runs:
 * 30 % of PutEvents fail throughout; SES throttles every send for 2 minutes; DynamoDB Local is killed and
 * restarted; the local cloud itself is killed with `kill -9` and restarted on the same data. Bounce, complaint
 * and out-of-office addresses of SES's mailbox simulator are mixed in. A client retries with its
 * Idempotency-Key after a 503 (as Retry-After says) or a dropped connection, as a good client does.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/clients/dynamodb.ts';
import { type CloudProcess, startCloudProcess } from '../../local/cloud-process.ts';
import { freePorts, portVariables } from '../../local/ports.ts';
import { ASHFORD } from '../seed/ashford.ts';

const { values } = parseArgs({
  options: {
    enquiries: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    output: { type: 'string', default: 'CHAOS.md' },
  },
});
const ENQUIRIES = Number(values.enquiries);
const CONCURRENCY = Number(values.concurrency);
/** Queue waits (visibility, back-off) pass this much faster than real time, so the run fits in minutes. */
const TIME_SCALE = 0.05;
const SES_OUTAGE_MS = 2 * 60 * 1000;
const DYNAMODB_DOWN_SECONDS = 15;

const log = (message: string) =>
  process.stderr.write(`[chaos] ${new Date().toISOString().slice(11, 19)} ${message}\n`);

const started = Date.now();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'csp-chaos-'));
const env = {
  ...portVariables(await freePorts()),
  CSP_DATA_DIR: dataDir,
  CSP_LOCAL_TIME_SCALE: String(TIME_SCALE),
  CSP_OUTBOX_GRACE_SECONDS: '10',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};
/** The local cloud's output (handler logs carry references, never personal data), kept when anything is lost. */
const cloudLogFile = path.join(dataDir, 'cloud.log');
const cloudLog = createWriteStream(cloudLogFile, { flags: 'a' });
let cloud: CloudProcess = await startCloudProcess({ args: [], env, output: cloudLog, logFile: cloudLogFile });
log(`local cloud up (data in ${dataDir}); ${ENQUIRIES} enquiries, ${CONCURRENCY} at a time`);

// Faults live in the cloud's memory: set again after the restart.
const faults: Record<string, unknown> = { eventBridgeFailRate: 0.3 };
const applyFaults = () =>
  fetch(`${cloud.urls.control}/faults`, { method: 'PUT', body: JSON.stringify(faults) }).catch(
    () => undefined,
  );
await applyFaults();

/** The categories offered, with the simulator's addresses mixed in for some enquirers. */
const categories = ASHFORD.categories.map((c) => c.code);
function addressFor(i: number): string {
  const roll = i % 50;
  if (roll === 7) return `bounce+${i}@simulator.amazonses.com`;
  if (roll === 17) return `complaint+${i}@simulator.amazonses.com`;
  if (roll === 27) return `ooto+${i}@simulator.amazonses.com`;
  // The same dead address again and again: after its first bounce, the rest are suppressed (or limited).
  if (roll === 37) return 'bounce+shared@simulator.amazonses.com';
  return `chaos.${i}@resident.example`;
}

interface Accepted {
  readonly reference: string;
  readonly acknowledgement: string;
  readonly address: string;
}
const accepted: Accepted[] = [];
const statuses = new Map<number, number>();
const fiveHundreds: { status: number; retryAfter: boolean }[] = [];
let connectionErrors = 0;
let givenUp = 0;
let submitted = 0;

async function submit(i: number): Promise<void> {
  const key = randomUUID();
  const address = addressFor(i);
  const body = JSON.stringify({
    category: categories[i % categories.length],
    description: `Chaos run enquiry ${i}: something is happening on the corner most evenings`,
    name: `Chaos Tester ${i}`,
    email: address,
    safeContact: { mayEmail: true, mayPhone: false },
  });
  for (let attempt = 0; attempt < 120; attempt++) {
    let wait = 1000;
    try {
      const response = await fetch(`${cloud.urls.api}/enquiries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body,
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const answer = (await response.json()) as { reference?: string; acknowledgement?: string };
      if (response.status === 201 || response.status === 200) {
        accepted.push({
          reference: String(answer.reference),
          acknowledgement: String(answer.acknowledgement),
          address,
        });
        return;
      }
      if (response.status >= 500) {
        const retryAfter = response.headers.get('retry-after');
        fiveHundreds.push({ status: response.status, retryAfter: retryAfter !== null });
        if (retryAfter) wait = Number(retryAfter) * 1000;
      } else if (response.status !== 409) {
        throw new Error(`Unexpected ${response.status}: ${JSON.stringify(answer)}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Unexpected')) throw error;
      connectionErrors += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  givenUp += 1;
}

/** What happens when, by how many enquiries have been sent. */
const timeline: { at: number; what: string; run: () => Promise<void> }[] = [
  {
    at: 0.2,
    what: `SES throttles every send for ${SES_OUTAGE_MS / 60000} minutes`,
    run: async () => {
      faults.sesThrottleAll = true;
      await applyFaults();
      setTimeout(() => {
        faults.sesThrottleAll = false;
        void applyFaults();
        log('SES back');
      }, SES_OUTAGE_MS);
    },
  },
  {
    at: 0.4,
    what: `DynamoDB Local killed, restarted after ${DYNAMODB_DOWN_SECONDS} s`,
    run: async () => {
      await fetch(`${cloud.urls.control}/dynamodb/crash`, {
        method: 'POST',
        body: JSON.stringify({ downSeconds: DYNAMODB_DOWN_SECONDS }),
      });
    },
  },
  {
    at: 0.6,
    what: 'the local cloud killed with kill -9 and restarted on the same data',
    run: async () => {
      await cloud.kill();
      cloud = await startCloudProcess({ args: [], env, output: cloudLog, logFile: cloudLogFile });
      await applyFaults();
    },
  },
];
const events: string[] = [];

let next = 0;
const workers = Array.from({ length: CONCURRENCY }, async () => {
  for (;;) {
    const i = next++;
    if (i >= ENQUIRIES) return;
    const due = timeline.find((t) => t.at * ENQUIRIES === i);
    if (due) {
      log(`fault: ${due.what}`);
      events.push(`${((Date.now() - started) / 1000).toFixed(0)} s: ${due.what}`);
      void due.run();
    }
    await submit(i);
    submitted += 1;
    if (submitted % 1000 === 0) log(`${submitted} submitted`);
  }
});
await Promise.all(workers);
const loadSeconds = (Date.now() - started) / 1000;
log(`load done in ${loadSeconds.toFixed(0)} s; clearing faults and waiting for the queues`);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, SES_OUTAGE_MS - (Date.now() - started))));
delete faults.eventBridgeFailRate;
delete faults.sesThrottleAll;
await applyFaults();

/** Waits until the outbox is empty and every queue has been idle twice in a row. */
async function quiet(): Promise<void> {
  let idleTwice = 0;
  for (const deadline = Date.now() + 15 * 60 * 1000; Date.now() < deadline; ) {
    await fetch(`${cloud.urls.control}/schedules/enquiry-outbox-sweeper/fire`, {
      method: 'POST',
      body: '{}',
    }).catch(() => undefined);
    const idle = await fetch(`${cloud.urls.control}/idle`)
      .then((r) => r.json() as Promise<{ idle: boolean }>)
      .catch(() => ({ idle: false }));
    idleTwice = idle.idle ? idleTwice + 1 : 0;
    if (idleTwice >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  throw new Error('The queues did not go quiet in 15 minutes');
}
await quiet();
const totalSeconds = (Date.now() - started) / 1000;
log(`quiet after ${totalSeconds.toFixed(0)} s; counting`);

// What the table says was decided and recorded, and what SES accepted (its inbox lives in memory, so the
// local endpoint's send log is the record across the restart).
const dynamo = new DynamoDBClient({
  endpoint: cloud.urls.dynamodb,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const documents = createDocumentClient(dynamo);
const items: Record<string, unknown>[] = [];
/** Segments of the parallel Scan: the count is the run's last step, and one segment at a time took ~40 s. */
const SCAN_SEGMENTS = 4;
await Promise.all(
  Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
    let startKey: Record<string, unknown> | undefined;
    do {
      // The chaos run's own Scan, to count everything stored; no function ever scans.
      const page = await documents.send(
        new ScanCommand({
          TableName: 'csp-local',
          Segment: segment,
          TotalSegments: SCAN_SEGMENTS,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }),
);
dynamo.destroy();
const enquiriesByReference = new Map(
  items.filter((item) => item.type === 'Enquiry').map((item) => [String(item.reference), item]),
);
const ledger = new Map(
  items
    .filter((item) => item.type === 'EmailRecord')
    .map((item) => [`${item.PK}|${item.kind}|${item.recipientId}`, String(item.status)]),
);
const sends = new Map<string, number>();
for (const line of readFileSync(path.join(dataDir, 'ses-sent.jsonl'), 'utf8').trim().split('\n')) {
  const { to, subject } = JSON.parse(line) as { to: string[]; subject: string };
  const reference = /CSU-\d{4}-\d{6}/.exec(subject)?.[0];
  for (const address of to)
    sends.set(`${reference}|${address}`, (sends.get(`${reference}|${address}`) ?? 0) + 1);
}
// Only the mail queue's dead letters are emails waiting for a redrive; another queue's are events, which may
// stand for any number of emails (or none), so they cannot be set against emails lost.
const deadLetters = await fetch(`${cloud.urls.control}/queues`)
  .then((r) => r.json() as Promise<{ queues: { name: string; deadLetters: number }[] }>)
  .then((q) => q.queues.find((queue) => queue.name === 'mail')?.deadLetters ?? 0);

let expected = 0;
let delivered = 0;
let duplicates = 0;
let suppressed = 0;
let lost = 0;
const lostExamples: string[] = [];
const duplicateExamples: string[] = [];
for (const enquiry of accepted) {
  const stored = enquiriesByReference.get(enquiry.reference);
  const routing = (stored?.routing as { id: string; email: string }[] | undefined) ?? [];
  const wanted = [
    ...routing.map((r) => ({ kind: 'referral', recipientId: r.id, address: r.email })),
    ...(enquiry.acknowledgement === 'requested'
      ? [{ kind: 'acknowledgement', recipientId: 'enquirer', address: enquiry.address }]
      : []),
  ];
  if (!stored?.routing) {
    lost += 1;
    lostExamples.push(`${enquiry.reference}: never routed`);
  }
  for (const email of wanted) {
    expected += 1;
    const count = sends.get(`${enquiry.reference}|${email.address.toLowerCase()}`) ?? 0;
    const status = ledger.get(`ENQUIRY#${enquiry.reference}|${email.kind}|${email.recipientId}`);
    if (count > 0) delivered += 1;
    if (count > 1) {
      duplicates += count - 1;
      duplicateExamples.push(`${enquiry.reference} ${email.kind} to ${email.recipientId}: ${count} times`);
    }
    if (count === 0 && status === 'suppressed') suppressed += 1;
    else if (count === 0) {
      lost += 1;
      if (lostExamples.length < 10)
        lostExamples.push(
          `${enquiry.reference} ${email.kind} to ${email.recipientId} (${status ?? 'no record'})`,
        );
    }
  }
}
const lostNet = Math.max(0, lost - deadLetters);
const bad5xx = fiveHundreds.filter((r) => r.status !== 503 || !r.retryAfter).length;

const report = `# Chaos run

Generated by \`npm run chaos\` (scripts/chaos/run.ts); overwritten on every run.

- Date: ${new Date().toISOString()}
- Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}
- Enquiries: ${ENQUIRIES}, ${CONCURRENCY} at a time, each retried with its Idempotency-Key after a 503 or a dropped connection
- Load took ${loadSeconds.toFixed(0)} s; the queues were idle ${totalSeconds.toFixed(0)} s after the start. Queue waits ran at ${TIME_SCALE}× real time (visibility 180 s → ${180 * TIME_SCALE} s, the mail queue's 540 s → ${540 * TIME_SCALE} s, back-off from ${30 * TIME_SCALE} s).

## Faults injected

- Throughout the load: 30 % of PutEvents entries fail (the API's publish, the router's, case events).
${events.map((e) => `- At ${e}.`).join('\n')}
- Mixed in: SES mailbox simulator addresses (2 % bounce, 2 % complaint, 2 % out-of-office, 2 % one shared address that bounces).

## Results

| Measure | Count |
| --- | --- |
| Enquiries accepted (201) | ${accepted.length} of ${ENQUIRIES} (${givenUp} given up by the client) |
| Emails expected (acknowledgements requested, referrals routed) | ${expected} |
| Delivered (SES accepted) | ${delivered} |
| Suppressed (address bounced or complained earlier) | ${suppressed} |
| Dead-lettered emails (mail queue, waiting for a redrive) | ${deadLetters} |
| **Lost** | **${lostNet}** |
| **Sent twice (extra copies)** | **${duplicates}** |
| 5xx answered | ${fiveHundreds.length} (${fiveHundreds.filter((r) => r.status === 503 && r.retryAfter).length} were 503 with Retry-After; ${bad5xx} were not) |
| Connections dropped (the kill -9) | ${connectionErrors} |
| Responses by status | ${[...statuses]
  .sort(([a], [b]) => a - b)
  .map(([s, n]) => `${s}: ${n}`)
  .join(', ')} |

${lostExamples.length > 0 ? `Lost (first ${lostExamples.length}):\n\n${lostExamples.map((e) => `- ${e}`).join('\n')}\n` : 'Nothing was lost.'}

${
  duplicateExamples.length > 0
    ? `Sent twice (first ${Math.min(10, duplicateExamples.length)}):\n\n${duplicateExamples
        .slice(0, 10)
        .map((e) => `- ${e}`)
        .join(
          '\n',
        )}\n\nA duplicate can only come from the window described in docs/delivery.md: SES accepted the email and the process died (here: the kill -9, or DynamoDB's crash outlasting the lease) before its "sent" mark landed.`
    : 'No email was sent twice.'
}
`;
writeFileSync(values.output, report);
log(
  `wrote ${values.output}: ${accepted.length} accepted, ${expected} expected, ${delivered} delivered, ${lostNet} lost, ${duplicates} duplicates`,
);
await cloud.stop();
cloudLog.end();
// Kept when something went wrong: the journal, the SES send log and the cloud's log say what happened.
if (lostNet > 0 || duplicates > 0)
  log(`kept ${dataDir} (cloud.log, ses-sent.jsonl, queue journal) to look into`);
else rmSync(dataDir, { recursive: true, force: true });
