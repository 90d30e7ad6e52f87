/**
 * The targets the bench checks, each measured in the same run: cold import against each function's floor,
 * POST latency against its I/O floor, DynamoDB calls per POST and per email, Node CPU per enquiry, no Scan,
 * and a fan-out that loses and duplicates nothing.
 */
import type { FunctionName } from '../../functions/topology.ts';
import type { ColdStartRow } from './cold-start.ts';
import type { DynamoCallsResult } from './dynamo-calls.ts';
import type { FanOutResult, LatencyPair } from './local-bench.ts';
import { ms } from './stats.ts';

/** Most a function's cold import may take, as a multiple of its floor's. */
export const IMPORT_LIMITS: Record<FunctionName, number> = {
  api: 1.35,
  // Read by integrators now and then, never on a user's path: it compiles every route's schemas to document them.
  docs: 1.6,
  // Pages for people, behind a browser's own latency: it bundles GOV.UK's 132 KiB stylesheet (as one string),
  // jose for the session cookie, the form's schema and the casework use cases. Measured 1.49× here.
  web: 1.6,
  router: 1.15,
  mailer: 1.15,
  outboxSweeper: 1.15,
  chairRotation: 1.15,
  overdueDigest: 1.15,
  deliveryEvents: 1.15,
  statistics: 1.15,
  retention: 1.15,
};
export const POST_P50_LIMIT = 1.6;
export const DYNAMODB_CALLS_PER_POST_LIMIT = 3;
export const ASYNC_DYNAMODB_CALLS_PER_EMAIL_LIMIT = 3;
export const CPU_MS_PER_ENQUIRY_LIMIT = 5;

export type TargetId =
  | `import:${FunctionName}`
  | 'postLatency'
  | 'callsPerPost'
  | 'callsPerEmail'
  | 'cpuPerEnquiry'
  | 'scans'
  | 'fanOut';

export interface Target {
  readonly id: TargetId;
  readonly label: string;
  readonly limit: string;
  readonly measured: string;
  /** Undefined when the value could not be measured. */
  readonly met: boolean | undefined;
}

export interface TargetInputs {
  readonly coldStartRows: readonly ColdStartRow[];
  readonly post: LatencyPair;
  readonly fan: FanOutResult;
  readonly dynamoCalls: DynamoCallsResult;
  readonly cpu: { readonly netMsPerEnquiry: number };
}

export const total = (record: Record<string, number> | undefined) =>
  Object.values(record ?? {}).reduce((a, b) => a + b, 0);

/** DynamoDB calls per POST /enquiries (api function only), from section 8. */
export function callsPerPost(result: DynamoCallsResult): number {
  const row = result.routes.find((r) => r.label === 'POST /enquiries');
  return row ? total(row.api.commands) / row.n : Number.NaN;
}

/** The router's and mailer's DynamoDB calls per email sent, from section 8's end-to-end window. */
export function asyncCallsPerEmail(result: DynamoCallsResult): number {
  const a = result.async;
  const calls = total(a.byFunction.router?.commands) + total(a.byFunction.mailer?.commands);
  return a.emails > 0 ? calls / a.emails : Number.NaN;
}

/** Every Scan seen in section 8, as text. */
export function scansOf(result: DynamoCallsResult): string[] {
  const found: string[] = [];
  for (const r of result.routes) {
    if (r.api.commands.Scan) found.push(`${r.label}: ${r.api.commands.Scan} Scan`);
    for (const [k, v] of Object.entries(r.other))
      if (k.endsWith(':Scan')) found.push(`${r.label} (${k}): ${v}`);
  }
  for (const [fn, t] of Object.entries(result.async.byFunction)) {
    if (t.commands.Scan) found.push(`end-to-end run, ${fn}: ${t.commands.Scan} Scan`);
  }
  return found;
}

const within = (value: number, limit: number) => (Number.isFinite(value) ? value <= limit : undefined);
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

export function evaluateTargets(inputs: TargetInputs): Target[] {
  const { post, fan, dynamoCalls } = inputs;
  const imports = inputs.coldStartRows.map((row): Target => {
    const ratio = row.deployedImportMs / row.floorImportMs;
    return {
      id: `import:${row.name}`,
      label: `${row.name} cold import ÷ its floor's (${row.floorKey})`,
      limit: `≤ ${IMPORT_LIMITS[row.name].toFixed(2)}×`,
      measured: `${times(ratio)} (${ms(row.deployedImportMs)} vs ${ms(row.floorImportMs)})`,
      met: within(ratio, IMPORT_LIMITS[row.name]),
    };
  });
  const postRatio = post.route.p50 / post.raw.p50;
  const perPost = callsPerPost(dynamoCalls);
  const perEmail = asyncCallsPerEmail(dynamoCalls);
  const scans = scansOf(dynamoCalls);
  return [
    ...imports,
    {
      id: 'postLatency',
      label: 'POST /enquiries p50 ÷ PutItem + PutEvents p50',
      limit: `≤ ${POST_P50_LIMIT.toFixed(2)}×`,
      measured: `${times(postRatio)} (${ms(post.route.p50, 2)} vs ${ms(post.raw.p50, 2)})`,
      met: within(postRatio, POST_P50_LIMIT),
    },
    {
      id: 'callsPerPost',
      label: 'DynamoDB calls per POST /enquiries',
      limit: `≤ ${DYNAMODB_CALLS_PER_POST_LIMIT}`,
      measured: fixed(perPost),
      met: within(perPost, DYNAMODB_CALLS_PER_POST_LIMIT),
    },
    {
      id: 'callsPerEmail',
      label: 'Asynchronous DynamoDB calls (router + mailer) per email sent',
      limit: `≤ ${ASYNC_DYNAMODB_CALLS_PER_EMAIL_LIMIT}`,
      measured: fixed(perEmail),
      met: within(perEmail, ASYNC_DYNAMODB_CALLS_PER_EMAIL_LIMIT),
    },
    {
      id: 'cpuPerEnquiry',
      label:
        'Node CPU per accepted enquiry (every handler an enquiry runs: api, router, mailer, delivery events, statistics; emulators taken out)',
      limit: `≤ ${ms(CPU_MS_PER_ENQUIRY_LIMIT, 0)}`,
      measured: ms(inputs.cpu.netMsPerEnquiry, 2),
      met: within(inputs.cpu.netMsPerEnquiry, CPU_MS_PER_ENQUIRY_LIMIT),
    },
    {
      id: 'scans',
      label: 'DynamoDB Scans (every route, router and mailer)',
      limit: '0',
      measured: scans.length === 0 ? '0' : scans.join('; '),
      met: scans.length === 0,
    },
    {
      id: 'fanOut',
      label: `Fan-out of ${fan.enquiries} enquiries: lost / duplicate emails`,
      limit: '0 / 0',
      measured: `${fan.lost} / ${fan.duplicates}${fan.unexpected > 0 ? ` (and ${fan.unexpected} unexpected)` : ''}`,
      met: fan.lost === 0 && fan.duplicates === 0 && fan.accepted === fan.enquiries,
    },
  ];
}

export const status = (met: boolean | undefined) =>
  met === undefined ? 'not measured' : met ? 'met' : '**not met**';
