/**
 * DynamoDB requests per API call and per enquiry, counted on the handlers' own client: the bench imports the
 * module-scope document client from functions/adapters/clients/dynamodb.ts (same file, so the same instance
 * the in-process handlers use) and adds a middleware to its stack, which DynamoDBDocumentClient shares with
 * the underlying DynamoDBClient. Calls are attributed to the Lambda that made them through an
 * AsyncLocalStorage around LocalLambdaRuntime.invoke (patched on the prototype from here; local/ is not
 * edited), which also times every handler invocation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { documentClient } from '../../functions/adapters/clients/dynamodb.ts';
import type { FunctionName } from '../../functions/topology.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { LocalLambdaRuntime } from '../../local/lambda-runtime.ts';
import { enquiryBody, ipv4 } from './local-bench.ts';

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
  readonly invocations: Map<string, { count: number; totalMs: number }>;
}

const als = new AsyncLocalStorage<{ fn: FunctionName }>();
let window: Window | undefined;
let installed = false;

const emptyTally = (): CallTally => ({ commands: {}, consistentReads: {}, capacity: {}, unreported: 0 });
const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

/** Installs the counting middleware and the invoke wrapper (once). */
export function installCallCounter(): void {
  if (installed) return;
  installed = true;
  const invoke = LocalLambdaRuntime.prototype.invoke;
  LocalLambdaRuntime.prototype.invoke = function (this: LocalLambdaRuntime, name, event) {
    const open = window;
    const start = performance.now();
    return als
      .run({ fn: name }, () => invoke.call(this, name, event))
      .finally(() => {
        if (!open || open !== window) return;
        const entry = open.invocations.get(name) ?? { count: 0, totalMs: 0 };
        entry.count++;
        entry.totalMs += performance.now() - start;
        open.invocations.set(name, entry);
      });
  };
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
      const result = await next(args);
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

function openWindow(): Window {
  window = { byFunction: new Map(), invocations: new Map() };
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
}

export interface AsyncCalls {
  readonly enquiries: number;
  readonly accepted: number;
  readonly emails: number;
  /** Acknowledgements expected (email given and mayEmail). */
  readonly acknowledgements: number;
  readonly byFunction: Record<string, CallTally>;
  readonly invocations: Record<string, { count: number; totalMs: number }>;
  readonly postRoundTripMs: number;
  readonly fanOutSeconds: number;
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
    return { label, n, failures, api: w.byFunction.get('api') ?? emptyTally(), other };
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

  // Asynchronous work per accepted enquiry: submit n, wait for the queues to go idle, then close the window.
  await waitIdle();
  await fetch(`${sesInbox}/clear-store`, { method: 'POST' });
  let accepted = 0;
  let acknowledgements = 0;
  let postMs = 0;
  const w = openWindow();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const body = enquiryBody(i);
    const t0 = performance.now();
    const response = await fetch(`${api}/enquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    postMs += performance.now() - t0;
    if (response.status === 201) {
      accepted++;
      if (body.email && body.safeContact.mayEmail) acknowledgements++;
    }
  }
  await waitIdle();
  const fanOutSeconds = (performance.now() - start) / 1000;
  closeWindow();
  const store = (await (await fetch(`${sesInbox}/store`)).json()) as { emails: unknown[] };
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
      fanOutSeconds,
    },
  };
}
