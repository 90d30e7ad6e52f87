/**
 * CPU profiles of the bench process itself (node:inspector's Profiler), for the warm enquiry path: where the
 * CPU of a POST, or of the handlers an enquiry runs, goes. Every sample's self time is given to the package or
 * folder whose code was running; a Node internal (HTTP parsing, crypto, streams) or native frame goes to the
 * nearest JS caller on its stack that is in a file, so `@smithy/node-http-handler` holds the socket work it
 * asked for. Samples can be kept to windows on the monotonic clock V8 stamps them with (`process.hrtime`),
 * such as the invocations of each function.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from '../../functions/topology.ts';
import { LocalLambdaRuntime } from '../../local/lambda-runtime.ts';
import { packageOf } from './bundle.ts';
import type { ProfileEntry } from './cpu-profile.ts';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

interface CpuProfile {
  readonly nodes: { readonly id: number; readonly callFrame: CallFrame; readonly children?: number[] }[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** A stretch of time on V8's profiler clock (µs of `process.hrtime`), and what ran in it. */
export interface TimeWindow {
  readonly label: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** Where the CPU of one group of windows went. */
export interface CpuBreakdown {
  /** Self time of the samples in the group's windows. */
  readonly sampledMs: number;
  /** Self time by package or folder, largest first. */
  readonly byPackage: readonly ProfileEntry[];
}

export interface ProcessProfile {
  readonly profileFile: string;
  readonly intervalUs: number;
  /** By window label; `all` holds every sample of the profile that is not idle. */
  readonly groups: Readonly<Record<string, CpuBreakdown>>;
  /** How many windows each label had (e.g. invocations of a function). */
  readonly windowCounts: Readonly<Record<string, number>>;
}

/** The repository root, against which our own files are named. */
const ROOT_DIR = path.resolve(import.meta.dirname, '..', '..');

/** Now on the profiler's clock. */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Frames that are not work: the thread waiting, or the profiler's own bookkeeping. */
const IDLE = new Set(['(idle)', '(program)']);

/** Who a file belongs to: a package, a folder of functions/, or the top folder of the rest of the repository. */
function ownerOf(file: string): string {
  if (file.includes('node_modules') || file.includes(`${path.sep}functions${path.sep}`)) {
    return packageOf(file);
  }
  const relative = path.relative(ROOT_DIR, file).replaceAll('\\', '/');
  if (relative.startsWith('..')) return relative;
  const [top, next] = relative.split('/');
  return next === undefined ? relative : `${top}/`;
}

/**
 * What Node was doing in a sample no file's code asked for, from the frames on its stack: the HTTP server of
 * the local endpoints, fetch (the bench's client), sockets and streams, or the microtask queue with the async
 * hooks that AsyncLocalStorage and X-Ray's cls-hooked install (they run on every promise).
 */
function internalKindOf(stack: readonly CallFrame[]): string {
  const urls = stack.map((frame) => frame.url);
  const names = stack.map((frame) => frame.functionName);
  if (names[0] === '(garbage collector)') return '(garbage collector)';
  if (urls.some((url) => url.includes('undici') || url.endsWith('/observe'))) return 'Node: fetch (undici)';
  if (urls.some((url) => url.includes('_http_server'))) return 'Node: HTTP server';
  if (
    urls.some((url) =>
      /(_http_client|_http_common|_http_incoming|node:net|stream_base_commons|readable|writable|destroy)$/.test(
        url,
      ),
    )
  ) {
    return 'Node: sockets, streams and HTTP client';
  }
  if (names.some((name) => name === 'runMicrotasks') || urls.some((url) => url.includes('async_hooks'))) {
    return 'Node: microtasks and async hooks';
  }
  return 'Node: other internals';
}

/** Starts profiling this process; `stop` writes the profile to `file` and returns it summarised. */
export async function startProcessProfile(intervalUs = 200) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop(file: string, windows: readonly TimeWindow[] = []): Promise<ProcessProfile> {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      await session.post('Profiler.disable');
      session.disconnect();
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      const windowCounts: Record<string, number> = {};
      for (const w of windows) windowCounts[w.label] = (windowCounts[w.label] ?? 0) + 1;
      return { profileFile: file, intervalUs, groups: summarise(profile, windows), windowCounts };
    },
  };
}

function summarise(profile: CpuProfile, windows: readonly TimeWindow[]): Record<string, CpuBreakdown> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const owners = new Map<number, string | undefined>();
  const fileOwner = (id: number): string | undefined => {
    const { url } = byId.get(id)!.callFrame;
    if (!url.startsWith('file:') && !url.startsWith('/')) return undefined;
    return ownerOf(url.startsWith('file:') ? fileURLToPath(url) : url);
  };
  const internalKind = (id: number): string => {
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      stack.push(byId.get(at)!.callFrame);
    }
    return internalKindOf(stack);
  };
  const ownerOfNode = (id: number): string | undefined => {
    if (owners.has(id)) return owners.get(id);
    const { functionName } = byId.get(id)!.callFrame;
    let owner: string | undefined;
    if (IDLE.has(functionName)) owner = undefined;
    else {
      for (let at: number | undefined = id; at !== undefined && owner === undefined; at = parentOf.get(at)) {
        owner = fileOwner(at);
      }
      owner ??= internalKind(id);
    }
    owners.set(id, owner);
    return owner;
  };

  const sorted = [...windows].sort((a, b) => a.startUs - b.startUs);
  const totals = new Map<string, Map<string, number>>();
  const add = (group: string, owner: string, us: number) => {
    const byOwner = totals.get(group) ?? new Map<string, number>();
    totals.set(group, byOwner);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  };
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const owner = ownerOfNode(profile.samples[i]!);
    if (owner === undefined) continue;
    // A sample stands for the time until the next one.
    const us = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
    add('all', owner, us);
    // Windows of one kind may overlap (a POST's api invocation runs inside it): count a sample once per label.
    const labels = new Set(sorted.filter((w) => w.startUs <= t && t <= w.endUs).map((w) => w.label));
    for (const label of labels) add(label, owner, us);
  }
  return Object.fromEntries(
    [...totals].map(([group, byOwner]) => {
      const byPackage = [...byOwner]
        .map(([label, us]) => ({ label, ms: us / 1000 }))
        .sort((a, b) => b.ms - a.ms);
      return [group, { sampledMs: byPackage.reduce((sum, e) => sum + e.ms, 0), byPackage }];
    }),
  );
}

/**
 * Records the window of every `LocalLambdaRuntime.invoke` (labelled with the function's name) until the
 * returned function is called, which puts `invoke` back as it was and returns the windows.
 */
export function recordInvocationWindows(): () => TimeWindow[] {
  const windows: TimeWindow[] = [];
  const invoke = LocalLambdaRuntime.prototype.invoke;
  LocalLambdaRuntime.prototype.invoke = function (this: LocalLambdaRuntime, name: FunctionName, event) {
    const startUs = nowUs();
    const record = () => windows.push({ label: name, startUs, endUs: nowUs() });
    return invoke.call(this, name, event).finally(record);
  };
  return () => {
    LocalLambdaRuntime.prototype.invoke = invoke;
    return windows;
  };
}

/** Joins the breakdowns of several groups (e.g. api, router and mailer) into one. */
export function joinBreakdowns(breakdowns: readonly (CpuBreakdown | undefined)[]): CpuBreakdown {
  const byOwner = new Map<string, number>();
  for (const breakdown of breakdowns) {
    for (const entry of breakdown?.byPackage ?? []) {
      byOwner.set(entry.label, (byOwner.get(entry.label) ?? 0) + entry.ms);
    }
  }
  const byPackage = [...byOwner].map(([label, ms]) => ({ label, ms })).sort((a, b) => b.ms - a.ms);
  return { sampledMs: byPackage.reduce((sum, e) => sum + e.ms, 0), byPackage };
}

/**
 * A "Where the CPU goes" table: the `top` largest owners by self time per unit (`per`, e.g. per enquiry), their
 * share, and the rest on one line.
 */
export function renderBreakdown(breakdown: CpuBreakdown, per: number, unit: string, top = 12): string {
  const n = Math.max(1, per);
  const share = (ms: number) =>
    breakdown.sampledMs > 0 ? `${((ms / breakdown.sampledMs) * 100).toFixed(0)}%` : 'n/a';
  const shown = breakdown.byPackage.slice(0, top);
  const rest = breakdown.byPackage.slice(top);
  const restMs = rest.reduce((sum, e) => sum + e.ms, 0);
  const rows = [
    ...shown.map((e) => `| ${e.label} | ${(e.ms / n).toFixed(3)} ms | ${share(e.ms)} |`),
    ...(rest.length > 0
      ? [`| ${rest.length} others | ${(restMs / n).toFixed(3)} ms | ${share(restMs)} |`]
      : []),
    `| **All sampled** | **${(breakdown.sampledMs / n).toFixed(3)} ms** | 100% |`,
  ];
  return [`| Package or folder | Self time / ${unit} | Share |`, '| --- | --- | --- |', ...rows].join('\n');
}
