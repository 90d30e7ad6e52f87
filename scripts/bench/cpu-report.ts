/** Node CPU per accepted enquiry, from the end-to-end window of dynamo-calls.ts (see node-cpu.ts). */
import os from 'node:os';
import type { DynamoCallsResult } from './dynamo-calls.ts';
import { CPU_MS_PER_ENQUIRY_LIMIT } from './targets.ts';

export interface CpuRow {
  readonly fn: string;
  readonly invocationsPerEnquiry: number;
  /** CPU while it ran (its share of any overlap), per invocation and per enquiry. */
  readonly msPerInvocation: number;
  readonly msPerEnquiry: number;
  /** The same from each invocation's own start-to-end delta (differs only where invocations overlapped). */
  readonly naiveMsPerEnquiry: number;
  readonly putEventsPerEnquiry: number;
  readonly sendEmailPerEnquiry: number;
  /** Estimated in-process emulator CPU inside its invocations, per enquiry. */
  readonly emulatorMsPerEnquiry: number;
  readonly netMsPerEnquiry: number;
}

export interface CpuSummary {
  readonly accepted: number;
  readonly rows: readonly CpuRow[];
  readonly unionMsPerEnquiry: number;
  /** Share of the CPU spent in the kernel (user + system = all). */
  readonly systemShare: number;
  readonly overlappedMsPerEnquiry: number;
  readonly emulatorMsPerEnquiry: number;
  readonly netMsPerEnquiry: number;
  /** Net CPU per enquiry of the issue's enquiry path alone: api, router and mailer. */
  readonly enquiryPathNetMsPerEnquiry: number;
  /** Emulator calls the calibration has no figure for (left in the net figure). */
  readonly uncalibrated: readonly string[];
}

const FUNCTIONS_ORDER = ['api', 'router', 'mailer'];

export function summariseCpu(result: DynamoCallsResult): CpuSummary {
  const a = result.async;
  const e = Math.max(1, a.accepted);
  const putEventsUs = a.emulators.putEvents?.emulatorUs;
  const sendEmailUs = a.emulators.sendEmail?.emulatorUs;
  const uncalibrated = new Set<string>();
  const names = [
    ...FUNCTIONS_ORDER,
    ...Object.keys(a.cpu.byFunction).filter((fn) => !FUNCTIONS_ORDER.includes(fn)),
  ];
  const rows = names.map((fn): CpuRow => {
    const cpu = a.cpu.byFunction[fn] ?? { invocations: 0, naiveUs: 0, shareUs: 0 };
    const calls = a.awsCalls[fn] ?? {};
    let emulatorUs = 0;
    for (const [command, count] of Object.entries(calls)) {
      const perCall =
        command === 'PutEvents' ? putEventsUs : command === 'SendEmail' ? sendEmailUs : undefined;
      if (perCall === undefined) uncalibrated.add(`${command} (${fn}, ${count}×)`);
      else emulatorUs += count * perCall;
    }
    return {
      fn,
      invocationsPerEnquiry: cpu.invocations / e,
      msPerInvocation: cpu.invocations > 0 ? cpu.shareUs / cpu.invocations / 1000 : 0,
      msPerEnquiry: cpu.shareUs / e / 1000,
      naiveMsPerEnquiry: cpu.naiveUs / e / 1000,
      putEventsPerEnquiry: (calls.PutEvents ?? 0) / e,
      sendEmailPerEnquiry: (calls.SendEmail ?? 0) / e,
      emulatorMsPerEnquiry: emulatorUs / e / 1000,
      netMsPerEnquiry: (cpu.shareUs - emulatorUs) / e / 1000,
    };
  });
  const emulatorMsPerEnquiry = rows.reduce((sum, r) => sum + r.emulatorMsPerEnquiry, 0);
  const unionMsPerEnquiry = a.cpu.unionUs / e / 1000;
  return {
    accepted: a.accepted,
    rows,
    unionMsPerEnquiry,
    systemShare: a.cpu.unionUs > 0 ? a.cpu.unionSystemUs / a.cpu.unionUs : Number.NaN,
    overlappedMsPerEnquiry: a.cpu.overlappedUs / e / 1000,
    emulatorMsPerEnquiry,
    netMsPerEnquiry: unionMsPerEnquiry - emulatorMsPerEnquiry,
    enquiryPathNetMsPerEnquiry: rows
      .filter((r) => FUNCTIONS_ORDER.includes(r.fn))
      .reduce((sum, r) => sum + r.netMsPerEnquiry, 0),
    uncalibrated: [...uncalibrated],
  };
}

const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const f = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const us = (value: number | undefined) => (value === undefined ? 'n/a' : `${f(value / 1000, 3)} ms`);

/** The api + router + mailer line, beside the all-handlers one. */
function enquiryPathRow(summary: CpuSummary, showNaive: boolean): string[] {
  const rows = summary.rows.filter((r) => FUNCTIONS_ORDER.includes(r.fn));
  const sum = (pick: (r: CpuRow) => number) => rows.reduce((total, r) => total + pick(r), 0);
  return [
    '**api + router + mailer**',
    f(sum((r) => r.invocationsPerEnquiry)),
    '',
    `${f(sum((r) => r.msPerEnquiry))} ms`,
    ...(showNaive ? [`${f(sum((r) => r.naiveMsPerEnquiry))} ms`] : []),
    f(sum((r) => r.putEventsPerEnquiry)),
    f(sum((r) => r.sendEmailPerEnquiry)),
    `${f(sum((r) => r.emulatorMsPerEnquiry))} ms`,
    `**${f(summary.enquiryPathNetMsPerEnquiry)} ms**`,
  ];
}

export function renderCpu(result: DynamoCallsResult, summary: CpuSummary, logLevel: string): string {
  const a = result.async;
  const cal = a.emulators;
  const calRows = (
    [
      ['PutEvents (EventBridge endpoint, rule matching)', cal.putEvents],
      ['SendEmail (SES endpoint, forwarded to aws-ses-v2-local)', cal.sendEmail],
    ] as const
  ).map(([label, c]) => [label, c ? c.calls : 0, us(c?.localUs), us(c?.stubUs), `**${us(c?.emulatorUs)}**`]);
  const showNaive = summary.rows.some((r) => Math.abs(r.naiveMsPerEnquiry - r.msPerEnquiry) >= 0.005);
  return `Measured in the end-to-end window of section 8 (${a.accepted} accepted enquiries, one at a time): \`process.cpuUsage()\`
(user + system, the whole process) is sampled when each \`LocalLambdaRuntime.invoke\` starts and ends (the bench
wraps it on the prototype) and the difference is summed per function, then divided by accepted enquiries.

How the numbers are kept to the handlers' own work:

- **Invocations overlap on one event loop**, so a plain start-to-end delta would also hold whatever else ran
  meanwhile — another invocation, the API Gateway stand-in writing a response, the bench's HTTP client. In this
  window the bench lets **one thing run at a time**: each POST (the api invocation runs inside it), each router or
  mailer invocation (they wait their turn), and each idle check; and each enquiry waits for the queues to go idle
  before the next starts. CPU while two invocations still ran at once is counted once and split evenly between
  them: ${f(summary.overlappedMsPerEnquiry, 3)} ms per enquiry overlapped${summary.overlappedMsPerEnquiry < 0.005 ? ' (none, as intended)' : ''}.${showNaive ? ' The "sum of own deltas" column counts it once per invocation instead.' : ''}
- **Excluded by construction**: the API Gateway stand-in (it runs outside \`invoke\`), the bench's load and idle
  checks, and DynamoDB Local (a separate JVM; the handlers' DynamoDB client work — marshalling, signing, HTTP,
  parsing — is in).
- **Emulators taken out**: the EventBridge/SQS endpoint and the SES emulator run in this process and serve a
  handler's PutEvents or SendEmail while the handler awaits it, so their CPU lands inside the delta. After the window,
  with nothing else running, the bench replays the handlers' own inputs (the first ${a.emulators.putEvents ? 'PutEvents and SendEmail calls' : 'calls'} it saw;
  PutEvents with a source no rule matches) ${cal.putEvents?.calls ?? cal.sendEmail?.calls ?? 0}× against the local endpoint and ${cal.putEvents?.calls ?? cal.sendEmail?.calls ?? 0}× against a stub
  that answers at once, with the same SDK clients, and takes the difference as the emulator's cost per call. The
  stub's own cost stays in, so the subtraction falls slightly short and the net figure errs high.${summary.uncalibrated.length > 0 ? ` Not calibrated, so left in: ${summary.uncalibrated.join(', ')}.` : ''}
- Handlers log at ${logLevel} here; on AWS they log at INFO, which costs more CPU. The local IAM check and the
  bench's counting middlewares run on every call (small, and in the figures).

${table(
  [
    'Function',
    'Invocations / enquiry',
    'CPU / invocation',
    'CPU / enquiry',
    ...(showNaive ? ['Sum of own deltas / enquiry'] : []),
    'PutEvents / enquiry',
    'SendEmail / enquiry',
    'Emulator CPU taken out / enquiry',
    '**Net CPU / enquiry**',
  ],
  [
    ...summary.rows.map((r) => [
      r.fn,
      f(r.invocationsPerEnquiry),
      `${f(r.msPerInvocation)} ms`,
      `${f(r.msPerEnquiry)} ms`,
      ...(showNaive ? [`${f(r.naiveMsPerEnquiry)} ms`] : []),
      f(r.putEventsPerEnquiry),
      f(r.sendEmailPerEnquiry),
      `${f(r.emulatorMsPerEnquiry)} ms`,
      `**${f(r.netMsPerEnquiry)} ms**`,
    ]),
    [
      '**All**',
      f(summary.rows.reduce((s, r) => s + r.invocationsPerEnquiry, 0)),
      '',
      `${f(summary.unionMsPerEnquiry)} ms`,
      ...(showNaive ? [`${f(summary.rows.reduce((s, r) => s + r.naiveMsPerEnquiry, 0))} ms`] : []),
      f(summary.rows.reduce((s, r) => s + r.putEventsPerEnquiry, 0)),
      f(summary.rows.reduce((s, r) => s + r.sendEmailPerEnquiry, 0)),
      `${f(summary.emulatorMsPerEnquiry)} ms`,
      `**${f(summary.netMsPerEnquiry)} ms**`,
    ],
    enquiryPathRow(summary, showNaive),
  ],
)}

Emulator cost per call (CPU of this process per call, mean of two alternating rounds):

${table(['Call', 'Calls timed (each target)', 'Against the local emulator', 'Against the stub', 'Emulator per call'], calRows)}

**Node CPU per accepted enquiry: ${f(summary.netMsPerEnquiry)} ms** for every handler an enquiry runs, of which
**${f(summary.enquiryPathNetMsPerEnquiry)} ms** in the api, router and mailer (the issue's enquiry path), net of the emulators (${f(summary.unionMsPerEnquiry)} ms with them, ${f(summary.systemShare * 100, 0)}% of it in
the kernel), target ≤ ${CPU_MS_PER_ENQUIRY_LIMIT} ms. On Lambda this CPU is part of each invocation's billed duration. It is this
machine's figure (Node ${process.versions.node.split('.')[0]}, ${os.cpus()[0]?.model ?? 'unknown CPU'}), not Lambda's: an arm64 Lambda gets a share of a vCPU that grows with
its memory size, so the same work can take longer there.`;
}
