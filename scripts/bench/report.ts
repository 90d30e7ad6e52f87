/** Renders BENCHMARKS.md from one run's measurements. */
import type { FunctionName } from '../../functions/topology.ts';
import { type BundleResult, type Bundles, type FloorBundle, floorOf } from './bundle.ts';
import type { ColdStartResult } from './cold-start.ts';
import { renderCostModel, renderDynamoCalls } from './cost-report.ts';
import type { ImportProfile } from './cpu-profile.ts';
import { type CpuSummary, renderCpu, summariseCpu } from './cpu-report.ts';
import type { DynamoCallsResult } from './dynamo-calls.ts';
import type { CpuShare, FanOutResult, LatencyPair, ThroughputResult } from './local-bench.ts';
import {
  type CpuBreakdown,
  joinBreakdowns,
  type ProcessProfile,
  renderBreakdown,
} from './process-profile.ts';
import { bytes, ms, ratio } from './stats.ts';
import {
  ASYNC_DYNAMODB_CALLS_PER_EMAIL_LIMIT,
  asyncCallsPerEmail,
  CPU_MS_PER_ENQUIRY_LIMIT,
  callsPerPost,
  DYNAMODB_CALLS_PER_POST_LIMIT,
  evaluateTargets,
  IMPORT_LIMITS,
  POST_P50_LIMIT,
  status,
  type Target,
  total,
} from './targets.ts';

/** One profiled import of a function's deployed bundle and one of its floor's (cpu-profile.ts). */
export interface ImportProfilePair {
  readonly fn: ImportProfile | { error: string };
  readonly floor: ImportProfile | { error: string };
}

export interface ReportInput {
  readonly startedAt: Date;
  readonly totalSeconds: number;
  readonly settings: {
    coldRuns: number;
    latencyN: number;
    fanOutN: number;
    throughputSeconds: number;
    connections: number;
    callsN: number;
    profileN: number;
    logLevel: string;
  };
  readonly cpu: string;
  readonly cores: number;
  readonly bundles: Bundles;
  readonly coldStart: ColdStartResult;
  /** The api's, and every function's that missed its import target. */
  readonly profiles: Partial<Record<FunctionName, ImportProfilePair>>;
  readonly cloudStartMs: number;
  readonly fan: FanOutResult;
  readonly post: LatencyPair;
  /** Sequential POSTs under the CPU profiler: windows `post` (each whole POST) and `api` (its invocation). */
  readonly postProfile: ProcessProfile;
  readonly categories: LatencyPair;
  readonly tput: ThroughputResult;
  /** Seconds the queues took to drain after the throughput run (undefined: not within the limit). */
  readonly drainSeconds?: number;
  readonly benchRssKiB: number;
  readonly java?: { pid: number; peakKiB: number };
  readonly cloudLogCount: number;
  readonly cloudLog: readonly string[];
  readonly dynamoCalls: DynamoCallsResult;
}

const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const cpu = (share: CpuShare) =>
  `${share.benchPct.toFixed(0)}% / ${share.jvmPct === undefined ? 'n/a' : `${share.jvmPct.toFixed(0)}%`}`;

const s = (value: number | undefined) =>
  value === undefined ? 'never (timed out)' : `${value.toFixed(1)} s`;

const f = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** `GetItem 1.00, PutItem 1.00` per `per`. */
function breakdown(record: Record<string, number> | undefined, per: number): string {
  const entries = Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${f(v / per)}`).join(', ');
}

/** `2.44 (BatchGetItem 0.44, PutItem 1.00, UpdateItem 1.00)` per `per`. */
const calls = (record: Record<string, number> | undefined, per: number) =>
  `${f(total(record) / per)} (${breakdown(record, per)})`;

const isProfile = (p: ImportProfile | { error: string } | undefined): p is ImportProfile =>
  p !== undefined && !('error' in p);

/** A function's bundle against its floor's, package by package (minified bytes). */
function packagesBeyondFloor(bundle: BundleResult, floor: FloorBundle) {
  const inFloor = new Map(floor.packages.map((p) => [p.name, p.bytes]));
  return (bundle.packages ?? []).map((p) => ({
    name: p.name,
    bytes: p.bytes,
    floorBytes: inFloor.get(p.name) ?? 0,
    extra: p.bytes - (inFloor.get(p.name) ?? 0),
  }));
}

/** Profile entries of a function's import against its floor's, largest difference first. */
function profileBeyondFloor(fn: ImportProfile, floor: ImportProfile) {
  const inFloor = new Map(floor.entries.map((e) => [e.label, e.ms]));
  const labels = new Set([...fn.entries.map((e) => e.label), ...floor.entries.map((e) => e.label)]);
  const inFn = new Map(fn.entries.map((e) => [e.label, e.ms]));
  const details = new Map(fn.entries.map((e) => [e.label, e.detail]));
  return [...labels]
    .map((label) => ({
      label: details.get(label) ? `${label} (in ${details.get(label)})` : label,
      ms: inFn.get(label) ?? 0,
      floorMs: inFloor.get(label) ?? 0,
      extra: (inFn.get(label) ?? 0) - (inFloor.get(label) ?? 0),
    }))
    .sort((a, b) => b.extra - a.extra);
}

const LABELS_NOTE = `Self time of each sample goes to the package, or our own folder, whose code was running; a Node
internal or native frame (HTTP parsing, sockets, crypto) goes to the nearest caller in a file on its stack, so
\`@smithy/node-http-handler\` holds the socket work it asked for. \`local/\` is the in-process emulators (EventBridge
and SQS endpoint, SES forwarder, API Gateway stand-in), \`scripts/\` the bench's client and counting middlewares.
Rows starting \`Node:\` are Node's own work with no file's code on the stack, by what the stack shows: the
microtask queue (with the async hooks AsyncLocalStorage and X-Ray's cls-hooked install, which run on every
promise), sockets and streams, the local endpoints' HTTP server, fetch (the bench's client, and the local AWS
endpoint forwarding SendEmail to the SES emulator).`;

/** One sentence naming the largest owners of a profile's CPU, for section 7. */
function profileLine(
  breakdown: CpuBreakdown | undefined,
  per: number,
  unit: string,
  what: string,
  section: string,
): string {
  if (!breakdown || per === 0 || breakdown.sampledMs === 0) return '';
  const top = breakdown.byPackage
    .slice(0, 4)
    .map((e) => `${e.label} ${ms(e.ms / per, 2)} (${f((e.ms / breakdown.sampledMs) * 100, 0)}%)`);
  return ` Profiled, the CPU of ${what} per ${unit} goes mostly to ${top.join(', ')} (section ${section}).`;
}

/** Section 3's profile: where a warm POST's CPU goes, in this one process. */
function renderPostProfile(profile: ProcessProfile): string {
  const whole = profile.groups.post;
  const api = profile.groups.api;
  const n = whole ? Math.max(1, countWindows(profile, 'post')) : 0;
  if (!whole || n === 0) return '### Where the CPU goes\n\nNo samples were taken.';
  return `### Where the CPU goes

${n} sequential POSTs under node:inspector's CPU profiler (sampling every ${profile.intervalUs} µs; consumers paused),
after the latency run so the profiler weighs on none of its timings. Each POST's window holds everything this
process did for it: the bench's client, the API Gateway stand-in, the api invocation and the emulators serving
its calls; ${f((api?.sampledMs ?? 0) / n, 3)} ms of its ${f(whole.sampledMs / n, 3)} ms sampled per POST ran inside the api invocation
(the emulators' share of that included). Saved as \`${relativeProfile(profile.profileFile)}\` (open it in Chrome
DevTools or VS Code).

${LABELS_NOTE}

Whole POST:

${renderBreakdown(whole, n, 'POST')}

Inside the api invocation only:

${api ? renderBreakdown(api, n, 'POST') : 'No samples.'}`;
}

/** Section 9's profile: where the handlers' CPU per accepted enquiry goes. */
function renderEnquiryProfile(result: DynamoCallsResult): string {
  const profile = result.async.profile;
  if (!profile) return '';
  const e = Math.max(1, result.async.accepted);
  const groups = profile.groups;
  const handlers = Object.keys(groups).filter((g) => g !== 'all');
  const enquiryPath = joinBreakdowns(['api', 'router', 'mailer'].map((fn) => groups[fn]));
  const every = joinBreakdowns(handlers.map((fn) => groups[fn]));
  return `### Where the CPU goes

A second pass of as many enquiries, one at a time as above, under node:inspector's CPU profiler (sampling every
${profile.intervalUs} µs; a pass of its own, so the profiler's cost stays out of the figures above), keeping the samples
taken while an invocation ran, by function: ${handlers.map((fn) => `${fn} ${f(groups[fn]!.sampledMs / e, 3)} ms`).join(', ')} per enquiry. The profiler
adds its own cost, so these run a little above the \`process.cpuUsage\` figures above; the emulators are not
taken out here (they show as \`local/\`). Saved as \`${relativeProfile(profile.profileFile)}\`.

${LABELS_NOTE}

api + router + mailer (the issue's enquiry path):

${renderBreakdown(enquiryPath, e, 'enquiry')}

Every handler an enquiry runs:

${renderBreakdown(every, e, 'enquiry')}`;
}

const countWindows = (profile: ProcessProfile, label: string) => profile.windowCounts[label] ?? 0;
const relativeProfile = (file: string) => file.replace(/^.*?node_modules\//, 'node_modules/');

export function renderReport(input: ReportInput): string {
  const { settings, coldStart, post, categories, tput, fan } = input;
  const deployed = input.bundles.functions.filter((b) => b.variant === 'deployed');
  const byName = (name: string, variant: string) =>
    input.bundles.functions.find((b) => b.name === name && b.variant === variant)!;
  const emailsPerSecond =
    fan.allDeliveredSeconds !== undefined ? fan.expectedEmails / fan.allDeliveredSeconds : Number.NaN;
  const cpuSummary = summariseCpu(input.dynamoCalls);
  const targets = evaluateTargets({
    coldStartRows: coldStart.rows,
    post,
    fan,
    dynamoCalls: input.dynamoCalls,
    cpu: cpuSummary,
  });
  const met = targets.filter((t) => t.met === true).length;
  const apiBundle = byName('api', 'deployed');
  const apiFloor = floorOf(input.bundles, 'api');

  return `# Benchmarks

Generated by \`npm run bench\` (scripts/bench/run.ts); overwritten on every run. Every ratio compares numbers
measured in the same run on the same machine.

- Date: ${input.startedAt.toISOString()}
- Node: ${process.version} (${process.platform}/${process.arch})
- CPU: ${input.cpu} × ${input.cores}
- Command: \`npm run bench\` (cold runs ${settings.coldRuns}, latency n=${settings.latencyN}, fan-out n=${settings.fanOutN}, throughput ${settings.connections} connections × ${settings.throughputSeconds} s, DynamoDB counts and CPU n=${settings.callsN}, CPU-profiled POSTs n=${settings.profileN}, handler log level ${settings.logLevel})
- Whole run: ${input.totalSeconds.toFixed(0)} s. Local cloud start (DynamoDB Local JVM, seeding, emulators): ${ms(input.cloudStartMs, 0)}.

The local cloud runs in the bench process, on the same cores as the load generator, with DynamoDB Local (Java)
beside it. Absolute latencies are this machine's, not AWS's: read them for where the time goes, not for SLOs.

## Targets

${met} of ${targets.length} met in this run. Where one is not, section 7 says what stands in the way.

${table(
  ['Target', 'Limit', 'Measured', 'Status', 'Section'],
  targets.map((t) => [t.label, t.limit, t.measured, status(t.met), sectionOf(t)]),
)}

## 1. Bundle size (as deployed)

esbuild with CspFunction's options: ESM, minify, target node22, platform node, \`mainFields: module,main\`, AWS
SDK bundled, the createRequire banner (source map written but not counted). Beside it, each function's **floor**:
the same options on a generated entry that only constructs the AWS SDK clients the function uses, as
functions/adapters/clients/ does: each but SES's wrapped by the Powertools Tracer (\`sdkClientsOf\` in
functions/topology.ts; \`DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})))\` for
DynamoDB) — and exports a no-op \`handler\`: what any function with those clients costs before doing anything of
its own. The Tracer (with the X-Ray SDK) is part of every floor and of every function since the production
hardening issue. And the CDK NodejsFunction default (CJS, not
minified, \`@aws-sdk/*\` external, so the SDK is *not* in those bytes).

${table(
  [
    'Function',
    'Deployed (min)',
    'Deployed (gzip)',
    'Floor',
    'Floor (min)',
    'Deployed ÷ floor',
    'CDK default (no SDK, unminified)',
    'CDK default (gzip)',
  ],
  deployed.map((b) => {
    const cdk = byName(b.name, 'cdkDefault');
    const floor = floorOf(input.bundles, b.name);
    return [
      b.name,
      bytes(b.bytes),
      bytes(b.gzipBytes),
      `\`${floor.key}\``,
      bytes(floor.bytes),
      ratio(b.bytes, floor.bytes),
      bytes(cdk.bytes),
      bytes(cdk.gzipBytes),
    ];
  }),
)}

Functions with the same clients share one floor (the bundles would be identical). The generated entries are under
node_modules/.cache/csp-bench/floor/*/entry.mjs (not committed).

### What the api bundle holds beyond its floor

Minified bytes by package, from esbuild's metafile of each bundle (our own code by folder; the largest 12 of the
api bundle):

${table(
  ['Package', 'api', `Floor (\`${apiFloor.key}\`)`, 'api − floor'],
  packagesBeyondFloor(apiBundle, apiFloor)
    .slice(0, 12)
    .map((p) => [p.name, bytes(p.bytes), p.floorBytes > 0 ? bytes(p.floorBytes) : '–', signedBytes(p.extra)]),
)}

## 2. Cold start (import until \`handler\` is ready)

Median of ${coldStart.runs} fresh \`node\` processes per cell, run round-robin (every function, variant and floor once per
round, in the same run). "Import" is \`performance.now()\` around \`await import(bundle)\` inside the process,
which first touches \`console\` as the Lambda Node.js runtime does before loading a handler (it patches console for
its log format), so loading Node's console module is not counted against a bundle that logs;
"process" is spawn-to-exit wall time seen by the parent (includes Node's own start). Bare \`node -e ''\` process:
**${ms(coldStart.bareProcessMs)}**. The CDK-default bundles resolve the AWS SDK from node_modules (on Lambda it would
come from the runtime's copy). The children run with \`AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true\`: this
machine's Node ${process.versions.node.split('.')[0]} would otherwise make the SDK print its Node-version support warning (Lambda runs Node 22,
where it stays silent).

${table(
  [
    'Function',
    'Deployed import',
    'Floor import',
    'Deployed ÷ floor',
    'Target',
    'CDK-default import',
    'Deployed ÷ CDK default',
    'Deployed process',
    'Deployed process ÷ bare node',
  ],
  coldStart.rows.map((r) => [
    r.name,
    ms(r.deployedImportMs),
    `${ms(r.floorImportMs)} (\`${r.floorKey}\`)`,
    ratio(r.deployedImportMs, r.floorImportMs),
    `≤ ${IMPORT_LIMITS[r.name].toFixed(2)}× (${status(targets.find((t) => t.id === `import:${r.name}`)?.met)})`,
    ms(r.cdkDefaultImportMs),
    ratio(r.deployedImportMs, r.cdkDefaultImportMs),
    ms(r.deployedProcessMs),
    ratio(r.deployedProcessMs, coldStart.bareProcessMs),
  ]),
)}
${coldStart.failures.length > 0 ? `\nFailed runs (not counted):\n\n${coldStart.failures.map((f) => `- \`${f}\``).join('\n')}\n` : ''}
${renderProfiles(input)}

## 3. Warm latency on the local cloud

Sequential requests, each paired with its unavoidable I/O done directly against the same emulators in the same
loop (order alternating). The router and mailer are paused meanwhile (their queues stop delivering, as
disabling their event source mappings would on AWS, and drain afterwards): on AWS they run in their own
containers, while here they would share this one event loop with the api and the load.

${table(
  [
    'Route',
    'n',
    'Route p50',
    'Route p99',
    'Baseline',
    'Baseline p50',
    'Baseline p99',
    'p50 ratio',
    'Non-2xx',
  ],
  [
    [
      'POST /enquiries',
      post.n,
      ms(post.route.p50, 2),
      ms(post.route.p99, 2),
      'PutItem + PutEvents',
      ms(post.raw.p50, 2),
      ms(post.raw.p99, 2),
      ratio(post.route.p50, post.raw.p50),
      post.routeFailures,
    ],
    [
      'GET /enquiry-categories',
      categories.n,
      ms(categories.route.p50, 2),
      ms(categories.route.p99, 2),
      'Query ENQUIRY_CATEGORY',
      ms(categories.raw.p50, 2),
      ms(categories.raw.p99, 2),
      ratio(categories.route.p50, categories.raw.p50),
      categories.routeFailures,
    ],
  ],
)}

${renderPostProfile(input.postProfile)}

## 4. Throughput

${table(
  [
    'Load',
    'Connections',
    'Duration',
    'Completed',
    'req/s',
    'Non-2xx',
    'Errors/timeouts',
    'p50 / p99',
    'CPU: bench process / JVM',
  ],
  [
    [
      'POST /enquiries (autocannon)',
      tput.connections,
      `${tput.seconds} s`,
      tput.route.total,
      tput.route.reqPerSec.toFixed(0),
      tput.route.non2xx,
      tput.route.errors,
      `${tput.route.p50} / ${tput.route.p99} ms`,
      cpu(tput.routeCpu),
    ],
    [
      'Raw PutItem (SDK, same DynamoDB Local)',
      tput.connections,
      `${tput.seconds} s`,
      tput.raw.total,
      tput.raw.reqPerSec.toFixed(0),
      '–',
      tput.raw.errors,
      '–',
      cpu(tput.rawCpu),
    ],
  ],
)}

CPU is the share of one core used during the run: the bench process hosts autocannon (or the raw client), the
API stand-in, every handler and the queues on one event loop, so near 100% means that loop is saturated.

API ÷ raw PutItem throughput: **${ratio(tput.route.reqPerSec, tput.raw.reqPerSec)}** (req/s counts 2xx responses only). The raw
run goes first with the queues idle; the API run starts its own mail fan-out as it goes, which then took
${s(input.drainSeconds)} to drain after the run ended (the bench waits for it before stopping the cloud).

## 5. Email fan-out

${fan.enquiries} enquiries submitted 10 at a time (categories in turn; a third with email and consent, a third
with email but no consent, a third without email), then the SES emulator's store and \`/_local/idle\` polled
every 250 ms. Expected per enquiry: the CSU mailbox + the routed agencies (ASHFORD.routing) + the enquirer when
an email was given and \`safeContact.mayEmail\`.

${table(
  ['Measure', 'Value'],
  [
    ['Enquiries accepted (201)', `${fan.accepted} / ${fan.enquiries}`],
    ['Expected emails', fan.expectedEmails],
    ['Submission time', s(fan.submitSeconds)],
    ['Every expected email in the store', s(fan.allDeliveredSeconds)],
    ['Queues idle', s(fan.idleSeconds)],
    ['Emails per second (end to end)', Number.isFinite(emailsPerSecond) ? emailsPerSecond.toFixed(0) : 'n/a'],
    ['CPU of this process per accepted enquiry (everything in it, until idle)', ms(fan.cpuMsPerEnquiry, 1)],
    ['**Lost emails**', `**${fan.lost}**`],
    ['**Duplicate emails**', `**${fan.duplicates}**`],
    ['Unexpected recipients', fan.unexpected],
  ],
)}

## 6. Memory

${table(
  ['Process', 'Peak RSS'],
  [
    [
      'Bench process hosting the local cloud (`process.resourceUsage().maxRSS`)',
      bytes(input.benchRssKiB * 1024),
    ],
    [
      'DynamoDB Local JVM (VmHWM)',
      input.java ? `${bytes(input.java.peakKiB * 1024)} (pid ${input.java.pid})` : 'not found',
    ],
  ],
)}

Local cloud log messages during the run: ${input.cloudLogCount}${input.cloudLog.length > 0 ? ` (first: ${input.cloudLog.map((l) => `\`${l}\``).join('; ')})` : ''}.

## 7. What limits us

${whatLimitsUs(input, targets, cpuSummary, emailsPerSecond)}

## 8. DynamoDB requests per API call

${renderDynamoCalls(input.dynamoCalls)}

## 9. Node CPU per accepted enquiry

${renderCpu(input.dynamoCalls, cpuSummary, settings.logLevel)}

${renderEnquiryProfile(input.dynamoCalls)}

## 10. Cost model per 100,000 enquiries

${renderCostModel(
  input.dynamoCalls,
  coldStart.rows.map((r) => r.deployedImportMs),
)}

## Not measured yet

- Cold start on AWS itself (Lambda init on arm64, with the runtime's SDK for the CDK-default variant), and the
  effect of \`--enable-source-maps\` on init; the floors were measured the same way, on this machine only.
- Latency and throughput against real AWS services; the emulators' costs differ from the services'.
- Where the handlers' CPU goes per enquiry (section 9 measures how much, not where): a \`--cpu-prof\` of the
  end-to-end window would say.
`;
}

const signedBytes = (value: number) => (value >= 0 ? `+${bytes(value)}` : `−${bytes(-value)}`);

function sectionOf(target: Target): string {
  if (target.id.startsWith('import:')) return '2';
  return {
    postLatency: '3',
    callsPerPost: '8',
    callsPerEmail: '8',
    cpuPerEnquiry: '9',
    scans: '8',
    fanOut: '5',
  }[target.id as Exclude<Target['id'], `import:${string}`>];
}

/** The profiled imports: where each profiled function's import time goes, against its floor's. */
function renderProfiles(input: ReportInput): string {
  const parts: string[] = [];
  for (const [name, pair] of Object.entries(input.profiles) as [FunctionName, ImportProfilePair][]) {
    const floor = floorOf(input.bundles, name);
    if (!isProfile(pair.fn) || !isProfile(pair.floor)) {
      const error = isProfile(pair.fn) ? (pair.floor as { error: string }).error : pair.fn.error;
      parts.push(`### Where the ${name} import's time goes\n\nThe profiled run failed: \`${error}\`.`);
      continue;
    }
    const rows = profileBeyondFloor(pair.fn, pair.floor)
      .filter((r) => r.ms >= 0.5 || r.floorMs >= 0.5)
      .slice(0, 10);
    const packages = pair.fn.byPackage.slice(0, 6);
    parts.push(`### Where the ${name} import's time goes

One \`node --cpu-prof --cpu-prof-interval ${pair.fn.intervalUs}\` run of the cold-start loader each, on the deployed bundle
and on its floor (\`${floor.key}\`); only samples between the loader's import start and end are kept (the
profiled runs took ${ms(pair.fn.importMs)} and ${ms(pair.floor.importMs)}: the profiler adds its own cost). Self time by what ran:
Node/V8 internals by function, the bundle's functions by the package its source map traces them to, and Node
internals called from bundle code by the bundle function that called them. The bundle's top level is one
function (esbuild inlines every module's scope into it), so its self time cannot be split by package here; the
metafile in section 1 shows whose code it holds. Largest differences first:

${table(
  ['What ran', name, 'Floor', 'Difference'],
  rows.map((r) => [r.label, ms(r.ms), ms(r.floorMs), `${r.extra >= 0 ? '+' : '−'}${ms(Math.abs(r.extra))}`]),
)}

By package (own functions, and Node internals they called): ${packages.map((p) => `${p.label} ${ms(p.ms)}`).join(', ')}. Profile: \`${pair.fn.profileFile.replace(/^.*node_modules\//, 'node_modules/')}\`.`);
  }
  return parts.join('\n\n');
}

/** What stands in the way of one target that was not met, from this run's numbers. */
function obstacle(target: Target, input: ReportInput, cpu: CpuSummary): string {
  const { post, dynamoCalls, fan } = input;
  if (target.id.startsWith('import:')) {
    const name = target.id.slice('import:'.length) as FunctionName;
    const row = input.coldStart.rows.find((r) => r.name === name)!;
    const bundle = input.bundles.functions.find((b) => b.name === name && b.variant === 'deployed')!;
    const floor = floorOf(input.bundles, name);
    const extra = packagesBeyondFloor(bundle, floor)
      .filter((p) => p.extra > 0)
      .sort((a, b) => b.extra - a.extra)
      .slice(0, 4);
    let text =
      `**${name} import** (${ms(row.deployedImportMs)} against ${ms(row.floorImportMs)} for its floor, ` +
      `${ratio(row.deployedImportMs, row.floorImportMs)}; limit ${IMPORT_LIMITS[name].toFixed(2)}×): its bundle is ${bytes(bundle.bytes)} against the ` +
      `floor's ${bytes(floor.bytes)}, the largest additions being ${extra.map((p) => `${p.name} +${bytes(p.extra)}`).join(', ')} (metafile, minified bytes).`;
    const pair = input.profiles[name];
    if (pair && isProfile(pair.fn) && isProfile(pair.floor)) {
      const top = profileBeyondFloor(pair.fn, pair.floor)
        .filter((r) => r.extra > 0)
        .slice(0, 3);
      text += ` In the profiled import the extra time is mostly ${top
        .map((r) =>
          r.label.startsWith('compileSourceTextModule')
            ? `V8 compiling the larger bundle, compileSourceTextModule (+${ms(r.extra)})`
            : `${r.label} (+${ms(r.extra)})`,
        )
        .join(', ')} (section 2).`;
    }
    return text;
  }
  switch (target.id) {
    case 'postLatency': {
      const row = dynamoCalls.routes.find((r) => r.label === 'POST /enquiries');
      if (!row) return '**POST latency**: no per-route counts were measured.';
      const dynamo = total(row.api.commands) / row.n;
      const others = total(row.apiAwsCalls) / row.n;
      const perCall = post.raw.p50 / 2;
      const io = (dynamo + others) * perCall;
      return (
        `**POST latency** (${ms(post.route.p50, 2)} at p50, ${ratio(post.route.p50, post.raw.p50)} the ${ms(post.raw.p50, 2)} of one PutItem + one PutEvents): ` +
        `the route makes ${f(dynamo + others)} calls per request (DynamoDB ${breakdown(row.api.commands, row.n)}; ${breakdown(row.apiAwsCalls, row.n)}), ` +
        `${row.apiMaxInFlight <= 1 ? 'one at a time' : `up to ${row.apiMaxInFlight} in flight at once`}, where the baseline makes 2. At the baseline's ${ms(perCall, 2)} a call ` +
        `that is about ${ms(io, 1)} of I/O, leaving ${ms(post.route.p50 - io, 1)} for the API Gateway stand-in, validation and the handler. ` +
        `Of that, about ${ms(input.categories.route.p50, 2)} is the fixed cost of any request here (GET /enquiry-categories, served from ` +
        `memory with no I/O, takes that at p50: the bench's HTTP client, the API Gateway stand-in and Hono), which the baseline, ` +
        `calling DynamoDB and EventBridge directly, does not pay. The third call is the reference counter: human references ` +
        '(`CSU-2026-000123`) are numbered in order of receipt, and handing each container a block of numbers instead would ' +
        'leave gaps in the sequence each time a container is recycled, which a partnership auditing its enquiries would ' +
        'have to explain; we keep the round trip.' +
        profileLine(
          input.postProfile.groups.api,
          input.postProfile.windowCounts.post ?? 0,
          'POST',
          'the api invocation',
          '3',
        ) +
        quietPost(input)
      );
    }
    case 'callsPerPost': {
      const row = dynamoCalls.routes.find((r) => r.label === 'POST /enquiries')!;
      return `**DynamoDB calls per POST** (${f(callsPerPost(dynamoCalls))}): ${breakdown(row.api.commands, row.n)} per request, without an Idempotency-Key (the bench sends none).`;
    }
    case 'callsPerEmail': {
      const a = dynamoCalls.async;
      return (
        `**Asynchronous DynamoDB calls per email** (${f(asyncCallsPerEmail(dynamoCalls))}): per email sent the router makes ` +
        `${calls(a.byFunction.router?.commands, a.emails)} and the mailer ${calls(a.byFunction.mailer?.commands, a.emails)}.`
      );
    }
    case 'cpuPerEnquiry': {
      const rows = [...cpu.rows].sort((a, b) => b.netMsPerEnquiry - a.netMsPerEnquiry);
      const a = dynamoCalls.async;
      const dynamo = ['api', 'router', 'mailer'].reduce((n, fn) => n + total(a.byFunction[fn]?.commands), 0);
      const putEvents = rows.reduce((n, r) => n + r.putEventsPerEnquiry, 0);
      const sendEmail = rows.reduce((n, r) => n + r.sendEmailPerEnquiry, 0);
      const stub = a.emulators;
      const clientMs =
        stub.putEvents && stub.sendEmail
          ? ((dynamo / Math.max(1, a.accepted) + putEvents) * stub.putEvents.stubUs +
              sendEmail * stub.sendEmail.stubUs) /
            1000
          : Number.NaN;
      return (
        `**Node CPU per enquiry** (${ms(cpu.netMsPerEnquiry, 2)} net of the emulators): ${rows.map((r) => `${r.fn} ${ms(r.netMsPerEnquiry, 2)} (${f(r.invocationsPerEnquiry)} invocations)`).join(', ')}; ` +
        `the ${rows[0]?.fn} is the largest share (section 9). The handlers make ` +
        `${f(dynamo / Math.max(1, a.accepted) + putEvents + sendEmail)} AWS calls per enquiry (DynamoDB ${f(dynamo / Math.max(1, a.accepted))}, PutEvents ${f(putEvents)}, SendEmail ${f(sendEmail)}), ` +
        (Number.isFinite(clientMs)
          ? `and at what one call costs against the stub in section 9 (${ms((stub.putEvents?.stubUs ?? 0) / 1000, 2)} a PutEvents, ${ms((stub.sendEmail?.stubUs ?? 0) / 1000, 2)} a SendEmail; DynamoDB calls priced as a PutEvents, ` +
            `both AWS JSON protocols, stub server included) the SDK's work for those calls alone comes to about ${ms(clientMs, 1)}, ` +
            `${f((clientMs / cpu.netMsPerEnquiry) * 100, 0)}% of the figure.`
          : 'whose client-side cost the calibration could not price here.') +
        (a.profile
          ? profileLine(
              joinBreakdowns(['api', 'router', 'mailer'].map((fn) => a.profile!.groups[fn])),
              a.accepted,
              'enquiry',
              'the api, router and mailer invocations',
              '9',
            )
          : '')
      );
    }
    case 'scans':
      return `**Scans**: ${target.measured}.`;
    case 'fanOut':
      return `**Fan-out**: ${fan.accepted} of ${fan.enquiries} accepted, ${fan.lost} emails lost, ${fan.duplicates} duplicated, ${fan.unexpected} unexpected (section 5).`;
    default:
      return '';
  }
}

/**
 * The POST's time with nothing else running (section 8's end-to-end window) against section 3's, where the mail
 * fan-out each POST starts shares the event loop with the next requests.
 */
function quietPost(input: ReportInput): string {
  const quiet = input.dynamoCalls.async.postRoundTripMs;
  if (!(quiet < 0.75 * input.post.route.p50)) return '';
  return (
    ` With nothing else running (section 8's end-to-end window) the same POST took ${ms(quiet, 1)} on average, API ` +
    'stand-in included: most of the p50 above is waiting for an event loop that the mail fan-out of earlier POSTs ' +
    'keeps busy, which the baseline (no fan-out of its own) only shares.'
  );
}

/** Queries of the category partition per GET /enquiry-categories (below 1 when served from the cache). */
function categoriesQueriesPerRequest(input: ReportInput): number {
  const row = input.dynamoCalls.routes.find((r) => r.label === 'GET /enquiry-categories');
  return row ? total(row.api.commands) / row.n : 1;
}

function whatLimitsUs(
  input: ReportInput,
  targets: readonly Target[],
  cpuSummary: CpuSummary,
  emailsPerSecond: number,
): string {
  const { post, categories, tput, fan, coldStart, dynamoCalls } = input;
  const parts: string[] = [];

  const missed = targets
    .filter((t) => t.met === false)
    .map((t) => ({ target: t, text: obstacle(t, input, cpuSummary) }));
  parts.push(
    missed.length === 0
      ? `Every target in the table at the top was met in this run.`
      : `Targets not met in this run, and what stands in the way of each (from this run's numbers):\n\n${missed.map((m) => `- ${m.text}`).join('\n')}`,
  );

  const postRow = dynamoCalls.routes.find((r) => r.label === 'POST /enquiries');
  // Items in the list above already explain a missed target; the paragraphs below cover the rest.
  const missedIds = new Set(missed.map((m) => m.target.id));
  if (postRow && !missedIds.has('postLatency')) {
    const dynamo = total(postRow.api.commands) / postRow.n;
    const others = total(postRow.apiAwsCalls) / postRow.n;
    const perCall = post.raw.p50 / 2;
    const io = (dynamo + others) * perCall;
    const rest = post.route.p50 - io;
    parts.push(
      `Warm POST /enquiries costs ${ms(post.route.p50, 2)} at p50, ${ratio(post.route.p50, post.raw.p50)} its unavoidable I/O (one PutItem + one ` +
        `PutEvents, ${ms(post.raw.p50, 2)}). Counted in section 8, each POST makes ${f(dynamo)} DynamoDB calls ` +
        `(${breakdown(postRow.api.commands, postRow.n)}) and ${f(others)} other AWS calls (${breakdown(postRow.apiAwsCalls, postRow.n)}), ` +
        `${postRow.apiMaxInFlight <= 1 ? 'never more than one in flight' : `up to ${postRow.apiMaxInFlight} in flight at once`}, ` +
        `where the baseline makes 2. At the baseline's ${ms(perCall, 2)} a call that is about ${ms(io, 1)} of I/O, ` +
        (rest < 1
          ? 'which accounts for essentially all of it.'
          : `leaving about ${ms(rest, 1)} for the API Gateway stand-in, validation, the handler and calls slower than the baseline's.`) +
        quietPost(input),
    );
  }
  const categoryQueries = categoriesQueriesPerRequest(input);
  parts.push(
    categoryQueries < 0.5
      ? `GET /enquiry-categories (${ms(categories.route.p50, 2)} at p50) is served from the reference-data cache ` +
          `(${f(categoryQueries)} Queries a request in section 8), so it costs ${ratio(categories.route.p50, categories.raw.p50)} of a single Query ` +
          `(${ms(categories.raw.p50, 2)}) and its p50 is close to the fixed HTTP + handler cost of a request.`
      : `GET /enquiry-categories (${ms(categories.route.p50, 2)} vs ${ms(categories.raw.p50, 2)} for its single Query, ` +
          `${ratio(categories.route.p50, categories.raw.p50)}) puts the fixed HTTP + handler cost at about ` +
          `${ms(categories.route.p50 - categories.raw.p50, 2)} a request.`,
  );

  const { benchPct, jvmPct } = tput.routeCpu;
  const cpuMsPerPost =
    tput.route.ok > 0 ? ((benchPct / 100) * tput.seconds * 1000) / tput.route.ok : Number.NaN;
  const bottleneck =
    benchPct >= 85
      ? `the bench process's one event loop (load generator, API stand-in, handlers, emulators, fan-out) was at ${benchPct.toFixed(0)}% of a core, so the Node side is CPU-bound on this machine (${ms(cpuMsPerPost, 1)} of process CPU per accepted enquiry during the run, for everything in the process; much of the mail fan-out the run started came after it, in the ${s(input.drainSeconds)} drain), while the JVM used ${jvmPct === undefined ? 'an unknown share' : `${jvmPct.toFixed(0)}%`}`
      : jvmPct !== undefined && jvmPct >= 85
        ? `DynamoDB Local's JVM was at ${jvmPct.toFixed(0)}% of a core while the Node process used ${benchPct.toFixed(0)}%, so the emulator is the bottleneck here`
        : `neither the Node process (${benchPct.toFixed(0)}% of a core) nor the JVM (${jvmPct === undefined ? 'n/a' : `${jvmPct.toFixed(0)}%`}) was saturated, which points at waiting rather than CPU (DynamoDB Local serialises writes to one item, such as a shared counter)`;
  parts.push(
    `Under ${tput.connections} connections the API completes ${tput.route.reqPerSec.toFixed(0)} POSTs/s against ` +
      `${tput.raw.reqPerSec.toFixed(0)} bare PutItems/s on the same DynamoDB Local (${ratio(tput.route.reqPerSec, tput.raw.reqPerSec)}), ` +
      `at ${tput.route.p50} ms p50 (sequential p50 was ${ms(post.route.p50, 1)}): ${bottleneck}.` +
      (tput.rawCpu.benchPct >= 85
        ? ` The raw PutItem run was itself limited by the SDK client's CPU (${tput.rawCpu.benchPct.toFixed(0)}% of a core), so its rate is a lower bound on what DynamoDB Local can take.`
        : ''),
  );

  const a = dynamoCalls.async;
  parts.push(
    `Fan-out delivered ${fan.expectedEmails} emails for ${fan.accepted} enquiries ${s(fan.allDeliveredSeconds)} after the ` +
      `first submission (${Number.isFinite(emailsPerSecond) ? emailsPerSecond.toFixed(0) : 'n/a'} emails/s end to end), ` +
      `${fan.lost} lost, ${fan.duplicates} duplicated. Per email sent, measured one enquiry at a time (section 8), the router ` +
      `makes ${calls(a.byFunction.router?.commands, a.emails)} DynamoDB calls and the mailer ` +
      `${calls(a.byFunction.mailer?.commands, a.emails)}: ${f(asyncCallsPerEmail(dynamoCalls))} per email in all.`,
  );

  const floorRatios = coldStart.rows
    .map((r) => `${r.name} ${ratio(r.deployedImportMs, r.floorImportMs)}`)
    .join(', ');
  const api = coldStart.rows.find((r) => r.name === 'api');
  parts.push(
    `Cold imports against each function's floor (its SDK clients alone): ${floorRatios}.` +
      (api
        ? ` The deployed api bundle imports in ${ms(api.deployedImportMs)} (${ms(api.floorImportMs)} for its floor) on top of ` +
          `${ms(coldStart.bareProcessMs)} for a bare Node process, ${ratio(api.deployedImportMs, api.cdkDefaultImportMs)} of the CDK-default ` +
          'build that loads the SDK from node_modules, so bundling the SDK pays for itself.'
        : ''),
  );

  if (!missedIds.has('cpuPerEnquiry')) {
    parts.push(
      `Node CPU per accepted enquiry, measured around each invocation one enquiry at a time (section 9): ` +
        `${cpuSummary.rows.map((r) => `${r.fn} ${ms(r.netMsPerEnquiry, 2)}`).join(', ')} — ${ms(cpuSummary.netMsPerEnquiry, 2)} in all net of the ` +
        `in-process emulators (${ms(cpuSummary.emulatorMsPerEnquiry, 2)} of theirs taken out).`,
    );
  }
  if (Number.isFinite(fan.cpuMsPerEnquiry)) {
    parts.push(
      `As a cross-check on section 9: during the fan-out (${fan.enquiries} enquiries, 10 at a time, so the queues batch), this ` +
        `process used ${ms(fan.cpuMsPerEnquiry, 1)} of CPU per accepted enquiry from the first submission until the queues were idle — ` +
        `the load generator, the API stand-in and the emulators included.`,
    );
  }

  // The target furthest from its limit is where the next change should go.
  const furthest = missed
    .map((m) => ({ ...m, miss: missRatio(m.target, input, cpuSummary) }))
    .sort((x, y) => y.miss - x.miss)[0];
  if (furthest) {
    parts.push(
      `Next optimisation worth doing: the target furthest from its limit is "${furthest.target.label}" ` +
        `(${furthest.target.measured} against ${furthest.target.limit}); the item above says what stands in its way.`,
    );
  }
  return parts.join('\n\n');
}

/** How far a missed target is beyond its limit (measured ÷ limit), to rank them. */
function missRatio(target: Target, input: ReportInput, cpu: CpuSummary): number {
  if (target.id.startsWith('import:')) {
    const name = target.id.slice('import:'.length) as FunctionName;
    const row = input.coldStart.rows.find((r) => r.name === name)!;
    return row.deployedImportMs / row.floorImportMs / IMPORT_LIMITS[name];
  }
  switch (target.id) {
    case 'postLatency':
      return input.post.route.p50 / input.post.raw.p50 / POST_P50_LIMIT;
    case 'callsPerPost':
      return callsPerPost(input.dynamoCalls) / DYNAMODB_CALLS_PER_POST_LIMIT;
    case 'callsPerEmail':
      return asyncCallsPerEmail(input.dynamoCalls) / ASYNC_DYNAMODB_CALLS_PER_EMAIL_LIMIT;
    case 'cpuPerEnquiry':
      return cpu.netMsPerEnquiry / CPU_MS_PER_ENQUIRY_LIMIT;
    default:
      // Correctness targets (Scans, fan-out) come first.
      return Number.POSITIVE_INFINITY;
  }
}
