/**
 * `npm start`: runs the whole system on this machine, seeded with Ashford, until Ctrl-C.
 * Flags: `--partnership <file>` (another partnership file; default the dev stage's, Ashford's),
 * `--in-memory` (no data kept), `--no-schedules` (fire them with `npm run fire-schedule`).
 * Ports: CSP_API_PORT, CSP_SES_PORT, CSP_DYNAMODB_PORT, CSP_AWS_PORT. Data: `.data/` (another partnership's in
 * `.data/<its id>/`), or CSP_DATA_DIR.
 */
import './quiet-sdk-warning.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OUTBOX_SWEEP, PAGES, SCHEDULES, type ScheduleSpec } from '../functions/topology.ts';
import { devStageConfig, startLocalCloud } from './cloud.ts';
import { LocalCloudError } from './errors.ts';
import { portsFromEnv } from './ports.ts';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    partnership: { type: 'string' },
    'in-memory': { type: 'boolean' },
    'no-schedules': { type: 'boolean' },
  },
});
const defaultPartnershipFile = path.resolve(rootDir, devStageConfig(rootDir).partnershipFile);
const partnershipFile = flags.partnership ? path.resolve(flags.partnership) : defaultPartnershipFile;

/** Where data is kept: each partnership its own, so a second one never lands in Ashford's table. */
function dataDir(): string | undefined {
  if (flags['in-memory']) return undefined;
  if (process.env.CSP_DATA_DIR) return process.env.CSP_DATA_DIR;
  const base = path.join(rootDir, '.data');
  return partnershipFile === defaultPartnershipFile
    ? base
    : path.join(base, path.basename(partnershipFile, path.extname(partnershipFile)));
}

function log(message: string, error?: unknown) {
  const detail =
    error instanceof Error ? `: ${error.name}: ${error.message}` : error ? `: ${String(error)}` : '';
  process.stderr.write(`[local-cloud] ${message}${detail}\n`);
}

async function main() {
  const cloud = await startLocalCloud({
    rootDir,
    ports: portsFromEnv(),
    partnershipFile,
    dataDir: dataDir(),
    runSchedules: !flags['no-schedules'],
    timeScale: Number(process.env.CSP_LOCAL_TIME_SCALE ?? 1),
    outboxGraceSeconds: Number(process.env.CSP_OUTBOX_GRACE_SECONDS ?? OUTBOX_SWEEP.graceSeconds),
    // Set by the test setup: responses are checked against the OpenAPI document.
    checkContract: process.env.CSP_LOCAL_CHECK_CONTRACT === '1',
    log,
  });

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the local cloud...\n');
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // When started by the test harness, stop with the parent.
  process.on('disconnect', shutdown);

  if (process.send) {
    process.send({ ready: true, urls: cloud.urls });
    return;
  }
  process.stdout.write(`
Community Safety Partnership backend running locally (Ctrl-C stops everything)

  API              ${cloud.urls.api}
                   try: curl ${cloud.urls.api}/enquiry-categories
  API reference    ${cloud.urls.api}/docs   (OpenAPI: ${cloud.urls.api}/openapi.json)
  Contact form     ${cloud.urls.api}${PAGES.contactForm.path}   (the public's form)
  Staff console    ${cloud.urls.api}${PAGES.inbox.path}   (sign in locally: pick a role, and an agency for an agency officer)
  Partnership      ${path.relative(rootDir, partnershipFile)}   (another: npm start -- --partnership <file>)
  Staff token      npm run token -- --role csu-officer   (or partnership-admin, agency-officer --agency <id>,
                   partner-representative --org <id>; --user <name> names the officer)
  Email inbox      ${cloud.urls.sesInbox}   (every email sent, readable in the browser)
  DynamoDB Local   ${cloud.urls.dynamodb}   (table ${cloud.tableName})
  AWS endpoints    ${cloud.urls.aws}   (AWS_ENDPOINT_URL_EVENTBRIDGE, _SQS and _SES point here)
  Control          ${cloud.urls.control}/queues   (queues and dead letters)
  Schedules        ${Object.entries(SCHEDULES)
    .map(
      ([name, s]: [string, ScheduleSpec]) => `${name} ${s.expression}${s.timeZone ? ` ${s.timeZone}` : ''}`,
    )
    .join(', ')}${flags['no-schedules'] ? ' (not running: --no-schedules)' : ''}
                   fire now: npm run fire-schedule -- <name>
`);
}

main().catch((error: unknown) => {
  if (error instanceof LocalCloudError) {
    process.stderr.write(`Cannot start the local cloud: ${error.message}\n`);
  } else {
    process.stderr.write(
      `Cannot start the local cloud: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
