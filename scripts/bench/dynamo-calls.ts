/**
 * DynamoDB requests per API call and per enquiry, counted on the handlers' own client: the bench imports the
 * module-scope document client from functions/adapters/clients/dynamodb.ts (same file, so the same instance
 * the in-process handlers use) and adds a middleware to its stack, which DynamoDBDocumentClient shares with
 * the underlying DynamoDBClient. Calls are attributed to the Lambda that made them through an
 * AsyncLocalStorage around LocalLambdaRuntime.invoke (patched on the prototype from here; local/ is not
 * edited), which also times every handler invocation and, in the end-to-end window, measures its Node CPU
 * (node-cpu.ts). The EventBridge, SES and SQS clients get a middleware too: it counts their calls per function
 * and keeps a sample of the PutEvents and SendEmail inputs, which the emulator calibration replays.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import type { SendEmailCommandInput } from '@aws-sdk/client-ses';
import { documentClient } from '../../functions/adapters/clients/dynamodb.ts';
import { eventBridgeClient } from '../../functions/adapters/clients/eventbridge.ts';
import { sesClient } from '../../functions/adapters/clients/ses.ts';
import { sqsClient } from '../../functions/adapters/clients/sqs.ts';
import type { FunctionName } from '../../functions/topology.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { LocalLambdaRuntime } from '../../local/lambda-runtime.ts';
import { enquiryBody, ipv4, isIdle } from './local-bench.ts';
import {
  type CpuTotals,
  CpuTracker,
  calibrateEmulators,
  type EmulatorCalibration,
  Exclusive,
} from './node-cpu.ts';
import { type ProcessProfile, recordInvocationWindows, startProcessProfile } from './process-profile.ts';

export interface CallTally {
  /** Calls by command name (GetItem, Query, ...). */
  readonly commands: Record<string, number>;
  /** Reads made with ConsistentRead: true, by command. */
  readonly consistentReads: Record<string, number>;
  /** Capacity units DynamoDB Local reported (ReturnConsumedCapacity TOTAL), by command. */
  readonly capacity: Record<string, number>;
  /** Calls whose response carried no ConsumedCapacity. */
  unreported: number;
}

interface Window {
  readonly byFunction: Map<string, CallTally>;
  readonly invocations: Map<string, Invocations>;
  /** Calls to the other AWS clients, by function then command (PutEvents, SendEmail, ...). */
  readonly awsCalls: Map<string, Record<string, number>>;
  /** Inputs of the first PutEvents and SendEmail calls, for the emulator calibration. */
  readonly samples: { putEvents: PutEventsCommandInput[]; sendEmail: SendEmailCommandInput[] };
  /** AWS calls in flight now, and the most at once, by function. */
  readonly inFlight: Map<string, { now: number; max: number }>;
  /** End-to-end window only: Node CPU per invocation, and one thing at a time. */
  readonly cpu?: CpuTracker;
  readonly exclusive?: Exclusive;
}

const SAMPLE_LIMIT = 20;

export interface Invocations {
  count: number;
  totalMs: number;
  /** Invocations that threw (their batch is retried later). */
  failed: number;
}

const als = new AsyncLocalStorage<{ fn: FunctionName }>();
let window: Window | undefined;
let installed = false;

const emptyTally = (): CallTally => ({ commands: {}, consistentReads: {}, capacity: {}, unreported: 0 });
const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

/** Runs one AWS call, counting it as in flight for `fn`. */
async function tracked<T>(open: Window, fn: string, call: () => Promise<T>): Promise<T> {
  const entry = open.inFlight.get(fn) ?? { now: 0, max: 0 };
  open.inFlight.set(fn, entry);
  entry.now++;
  entry.max = Math.max(entry.max, entry.now);
  try {
    return await call();
  } finally {
    entry.now--;
  }
}

/** Counts one EventBridge, SES or SQS call (and keeps a sample of its input), then makes it. */
function countAwsCall<T>(commandName: unknown, input: unknown, call: () => Promise<T>): Promise<T> {
  const open = window;
  if (!open) return call();
  const command = String(commandName ?? 'unknown').replace(/Command$/, '');
  const fn = als.getStore()?.fn ?? 'unattributed';
  const calls = open.awsCalls.get(fn) ?? {};
  open.awsCalls.set(fn, calls);
  bump(calls, command);
  const sample =
    command === 'PutEvents'
      ? (open.samples.putEvents as unknown[])
      : command === 'SendEmail'
        ? (open.samples.sendEmail as unknown[])
        : undefined;
  if (sample && sample.length < SAMPLE_LIMIT) sample.push(structuredClone(input));
  return tracked(open, fn, call);
}

/** Installs the counting middleware and the invoke wrapper (once). */
export function installCallCounter(): void {
  if (installed) return;
  installed = true;
  const invoke = LocalLambdaRuntime.prototype.invoke;
  LocalLambdaRuntime.prototype.invoke = function (this: LocalLambdaRuntime, name, event) {
    const open = window;
    const run = () => {
      const start = performance.now();
      const cpu = open?.cpu?.begin(name);
      const done = (failed: boolean) => {
        if (cpu) open!.cpu!.end(cpu);
        if (!open || open !== window) return;
        const entry = open.invocations.get(name) ?? { count: 0, totalMs: 0, failed: 0 };
        entry.count++;
        entry.totalMs += performance.now() - start;
        if (failed) entry.failed++;
        open.invocations.set(name, entry);
      };
      return als
        .run({ fn: name }, () => invoke.call(this, name, event))
        .then(
          (result) => {
            done(false);
            return result;
          },
          (error: unknown) => {
            done(true);
            throw error;
          },
        );
    };
    // Consumers wait their turn; the api runs inside the turn of the POST that invoked it.
    return open?.exclusive && name !== 'api' ? open.exclusive.run(run) : run();
  };
  const options = { step: 'initialize', name: 'benchAwsCallCounter', override: true } as const;
  eventBridgeClient.middlewareStack.add(
    (next, context) => (args) => countAwsCall(context.commandName, args.input, () => next(args)),
    options,
  );
  sesClient.middlewareStack.add(
    (next, context) => (args) => countAwsCall(context.commandName, args.input, () => next(args)),
    options,
  );
  sqsClient.middlewareStack.add(
    (next, context) => (args) => countAwsCall(context.commandName, args.input, () => next(args)),
    options,
  );
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const open = window;
      if (!open) return next(args);
      const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const fn = als.getStore()?.fn ?? 'unattributed';
      const tally = open.byFunction.get(fn) ?? emptyTally();
      open.byFunction.set(fn, tally);
      bump(tally.commands, command);
      const input = args.input as Record<string, unknown>;
      if (input.ConsistentRead === true) bump(tally.consistentReads, command);
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await tracked(open, fn, () => next(args));
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
        CapacityUnits?: number;
      }[];
      if (list.length === 0) tally.unreported++;
      for (const c of list) bump(tally.capacity, command, c.CapacityUnits ?? 0);
      return result;
    },
    { step: 'initialize', name: 'benchDynamoDbCallCounter', override: true },
  );
}

function openWindow(measureCpu = false): Window {
  window = {
    byFunction: new Map(),
    invocations: new Map(),
    awsCalls: new Map(),
    samples: { putEvents: [], sendEmail: [] },
    inFlight: new Map(),
    ...(measureCpu ? { cpu: new CpuTracker(), exclusive: new Exclusive() } : {}),
  };
  return window;
}
function closeWindow(): Window {
  const closed = window!;
  window = undefined;
  return closed;
}

export interface RouteCalls {
  readonly label: string;
  readonly n: number;
  readonly failures: number;
  readonly api: CallTally;
  /** Calls made by anything but the api function while the window was open (should be none). */
  readonly other: Record<string, number>;
  /** The api function's calls to EventBridge, SES and SQS, by command. */
  readonly apiAwsCalls: Record<string, number>;
  /** Most AWS calls (any client) the api had in flight at once. */
  readonly apiMaxInFlight: number;
}

export interface AsyncCalls {
  readonly enquiries: number;
  readonly accepted: number;
  readonly emails: number;
  /** Acknowledgements expected (email given and mayEmail). */
  readonly acknowledgements: number;
  readonly byFunction: Record<string, CallTally>;
  readonly invocations: Record<string, Invocations>;
  readonly postRoundTripMs: number;
  /** From the first POST until the queues were idle after the last one. */
  readonly windowSeconds: number;
  /** Calls to EventBridge, SES and SQS, by function then command. */
  readonly awsCalls: Record<string, Record<string, number>>;
  readonly cpu: CpuTotals;
  readonly emulators: EmulatorCalibration;
  /** The window's CPU profile, by function invoked (`all`: everything in the process), when one was asked for. */
  readonly profile?: ProcessProfile;
}

export interface DynamoCallsResult {
  readonly n: number;
  readonly routes: RouteCalls[];
  readonly async: AsyncCalls;
}

async function post(api: string, i: number) {
  const response = await fetch(`${api}/enquiries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(enquiryBody(i)),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.status === 201 ? (JSON.parse(text) as { statusUrl: string }) : undefined,
  };
}

export async function measureDynamoCalls(
  cloud: LocalCloud,
  n: number,
  waitIdle: () => Promise<unknown>,
  /** Where to save a CPU profile of the end-to-end window; none is taken without it. */
  profileFile?: string,
): Promise<DynamoCallsResult> {
  installCallCounter();
  const api = ipv4(cloud.urls.api);
  const sesInbox = ipv4(cloud.urls.sesInbox);

  // A real reference and token for the status route, made before any window opens.
  const seed = await post(api, 0);
  const statusUrl = new URL(seed.body?.statusUrl ?? '/enquiries/none/status?token=none', 'http://x');
  const statusPath = `${statusUrl.pathname}${statusUrl.search}`;
  await waitIdle();

  const gets: [string, string][] = [
    ['GET /enquiry-categories', '/enquiry-categories'],
    ['GET /enquiries/{reference}/status', statusPath],
    ['GET /partnership', '/partnership'],
    ['GET /partners', '/partners'],
    ['GET /chair', '/chair'],
    ['GET /chair/history', '/chair/history'],
    ['GET /priorities?planYear=2021-22', '/priorities?planYear=2021-22'],
    ['GET /assessments', '/assessments'],
    ['GET /action-plan', '/action-plan'],
    ['GET /meetings', '/meetings'],
  ];
  const routes: RouteCalls[] = [];
  const summarise = (label: string, failures: number, w: Window): RouteCalls => {
    const other: Record<string, number> = {};
    for (const [fn, tally] of w.byFunction) {
      if (fn === 'api') continue;
      for (const [command, count] of Object.entries(tally.commands)) bump(other, `${fn}:${command}`, count);
    }
    return {
      label,
      n,
      failures,
      api: w.byFunction.get('api') ?? emptyTally(),
      other,
      apiAwsCalls: w.awsCalls.get('api') ?? {},
      apiMaxInFlight: w.inFlight.get('api')?.max ?? 0,
    };
  };

  // POST: the router and mailer start while the POSTs run; attribution keeps only the api function's calls.
  {
    let failures = 0;
    const w = openWindow();
    for (let i = 0; i < n; i++) if ((await post(api, i)).status !== 201) failures++;
    closeWindow();
    routes.push(summarise('POST /enquiries', failures, w));
    await waitIdle();
  }
  for (const [label, path] of gets) {
    let failures = 0;
    const w = openWindow();
    for (let i = 0; i < n; i++) {
      const response = await fetch(`${api}${path}`);
      await response.arrayBuffer();
      if (response.status !== 200) failures++;
    }
    closeWindow();
    routes.push(summarise(label, failures, w));
  }

  // Asynchronous work and Node CPU per accepted enquiry: one enquiry at a time, each followed by the queues
  // going idle, with one thing running at a time (see node-cpu.ts), so no invocation's CPU holds another's.
  await waitIdle();
  await fetch(`${sesInbox}/clear-store`, { method: 'POST' });
  const control = ipv4(cloud.urls.control);
  /** Posts `count` enquiries one at a time (bodies from `first` on), each followed by the queues going idle. */
  const oneAtATime = async (exclusive: Exclusive, first: number, count: number) => {
    let accepted = 0;
    let acknowledgements = 0;
    let postMs = 0;
    for (let i = first; i < first + count; i++) {
      const body = enquiryBody(i);
      const { status, ms } = await exclusive.run(async () => {
        const t0 = performance.now();
        const response = await fetch(`${api}/enquiries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        return { status: response.status, ms: performance.now() - t0 };
      });
      postMs += ms;
      if (status === 201) {
        accepted++;
        if (body.email && body.safeContact.mayEmail) acknowledgements++;
      }
      const deadline = Date.now() + 60_000;
      while (!(await exclusive.run(() => isIdle(control)))) {
        if (Date.now() > deadline) {
          const queues = await (await fetch(`${control}/queues`)).text();
          throw new Error(`the queues did not go idle within 60 s of enquiry ${i}: ${queues}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    return { accepted, acknowledgements, postMs };
  };
  const w = openWindow(true);
  const start = performance.now();
  let measured: Awaited<ReturnType<typeof oneAtATime>>;
  try {
    measured = await oneAtATime(w.exclusive!, 0, n);
  } finally {
    closeWindow();
  }
  const { accepted, acknowledgements, postMs } = measured;
  const windowSeconds = (performance.now() - start) / 1000;
  const store = (await (await fetch(`${sesInbox}/store`)).json()) as { emails: unknown[] };
  // The profile comes from a second pass of as many enquiries: the profiler's own cost must not land in the CPU
  // measured above.
  let profile: ProcessProfile | undefined;
  if (profileFile) {
    const profiled = openWindow(true);
    const profiler = await startProcessProfile();
    const stopRecording = recordInvocationWindows();
    try {
      await oneAtATime(profiled.exclusive!, n, n);
    } finally {
      closeWindow();
    }
    profile = await profiler.stop(profileFile, stopRecording());
  }
  // With nothing else running: what the in-process emulators cost per call, to take out of the CPU above.
  const emulators = await calibrateEmulators({
    awsEndpoint: ipv4(cloud.urls.aws),
    putEvents: w.samples.putEvents,
    sendEmail: w.samples.sendEmail,
  });
  await fetch(`${sesInbox}/clear-store`, { method: 'POST' });
  return {
    n,
    routes,
    async: {
      enquiries: n,
      accepted,
      emails: store.emails.length,
      acknowledgements,
      byFunction: Object.fromEntries(w.byFunction),
      invocations: Object.fromEntries(w.invocations),
      postRoundTripMs: postMs / n,
      windowSeconds,
      awsCalls: Object.fromEntries(w.awsCalls),
      cpu: w.cpu!.totals(),
      emulators,
      profile,
    },
  };
}
