/**
 * One profiled cold import: `node --cpu-prof` in a fresh process running the cold-start loader on a bundle.
 * Only the samples taken between the loader's import start and end are kept (the loader prints both on the
 * monotonic clock the profiler stamps samples with), and their self time is summed by what ran: V8/Node
 * internals by function name (compileSourceTextModule, the garbage collector, ...), the bundle's own minified
 * functions by the package the bundle's source map traces them to.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageOf } from './bundle.ts';
import { COLD_START_ENV, LOADER } from './cold-start.ts';

export interface ProfileEntry {
  readonly label: string;
  readonly ms: number;
  /** For Node internals reached from bundle code: where their self time went (module, or loader function). */
  readonly detail?: string;
}

export interface ImportProfile {
  /** Import time of the profiled run (the profiler adds its own overhead). */
  readonly importMs: number;
  /** Self time of the samples inside the import window. */
  readonly sampledMs: number;
  readonly intervalUs: number;
  /** Self time by label, largest first. */
  readonly entries: readonly ProfileEntry[];
  /**
   * Self time by the package whose function was running, or whose function called the Node internal that was
   * (the bundle's top level, where esbuild inlines every module's scope, is in no package).
   */
  readonly byPackage: readonly ProfileEntry[];
  readonly profileFile: string;
}

interface CpuProfile {
  readonly nodes: {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
    };
    readonly children?: number[];
  }[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** A source map's source as a path: esbuild writes them relative to the bundle's folder. */
const sourcePathIn = (bundleDir: string) => (source: string) =>
  source.startsWith('file:') ? fileURLToPath(source) : path.resolve(bundleDir, source);

/** `pkg/dist/x.js` for a package file, `functions/...` for ours. */
const shortSource = (file: string) =>
  file
    .replaceAll('\\', '/')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*?(?=functions\/)/, '');

const sorted = (totals: Map<string, number>): ProfileEntry[] =>
  [...totals].map(([label, us]) => ({ label, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);

/** Profiles one import of `bundleFile` (with its `.map` beside it); the profile is written under `outDir`. */
export function profileImport(
  bundleFile: string,
  outDir: string,
  intervalUs = 100,
): ImportProfile | { error: string } {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const name = 'import.cpuprofile';
  const bundleUrl = pathToFileURL(bundleFile).href;
  const result = spawnSync(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${outDir}`,
      `--cpu-prof-name=${name}`,
      `--cpu-prof-interval=${intervalUs}`,
      LOADER,
      bundleUrl,
    ],
    { env: COLD_START_ENV, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0) return { error: `exit ${result.status}: ${result.stderr.trim().slice(-300)}` };
  const timing = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as {
    importMs: number;
    importStartUs: number;
    importEndUs: number;
  };
  const profileFile = path.join(outDir, name);
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const sourcePath = sourcePathIn(path.dirname(bundleFile));
  const map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, 'utf8')));

  // Each node's parent, to find the bundle code a Node internal was called from.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const origin = new Map<number, { pkg: string; file: string } | null>();
  const originOf = (id: number): { pkg: string; file: string } | null => {
    if (origin.has(id)) return origin.get(id)!;
    const { url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
    let found: { pkg: string; file: string } | null = null;
    if (url === bundleUrl) {
      const source = (map.findEntry(lineNumber, columnNumber) as { originalSource?: string }).originalSource;
      if (source) {
        const file = sourcePath(source);
        found = { pkg: packageOf(file), file: shortSource(file) };
      }
    }
    origin.set(id, found);
    return found;
  };
  const labelOf = (id: number): { label: string; pkg?: string } => {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (url === bundleUrl) {
      const own = originOf(id);
      return own
        ? { label: `bundle JS: ${own.pkg}`, pkg: own.pkg }
        : { label: 'bundle JS: top level (every module-scope statement, inlined by esbuild)' };
    }
    let builtinImport = false;
    for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) {
      const caller = originOf(up);
      if (caller) return { label: `Node internals reached from ${caller.file}`, pkg: caller.pkg };
      const name = byId.get(up)!.callFrame.functionName;
      if (name === 'builtinStrategy' || name === 'loadBuiltinModule') builtinImport = true;
    }
    if (builtinImport) return { label: 'loading the Node built-ins the bundle imports (node:http, ...)' };
    const where = url ? ` (${url.replace(/^file:\/\/.*\//, '')})` : '';
    return { label: `${functionName || '(anonymous)'}${where}` };
  };
  const labels = new Map(profile.nodes.map((node) => [node.id, labelOf(node.id)]));

  const entries = new Map<string, number>();
  const details = new Map<string, Map<string, number>>();
  const byPackage = new Map<string, number>();
  let sampledUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < timing.importStartUs || t > timing.importEndUs) continue;
    // A sample stands for the time until the next one.
    const us = Math.max(0, profile.timeDeltas[i + 1] ?? intervalUs);
    const node = profile.samples[i]!;
    const label = labels.get(node) ?? { label: '(unknown)' };
    entries.set(label.label, (entries.get(label.label) ?? 0) + us);
    if (label.label.startsWith('Node internals')) {
      const { url, functionName } = byId.get(node)!.callFrame;
      const where = !url || url === 'node:internal/bootstrap/realm' ? functionName || '(native)' : url;
      const detail = details.get(label.label) ?? new Map<string, number>();
      details.set(label.label, detail);
      detail.set(where, (detail.get(where) ?? 0) + us);
    }
    if (label.pkg !== undefined) byPackage.set(label.pkg, (byPackage.get(label.pkg) ?? 0) + us);
    sampledUs += us;
  }
  return {
    importMs: timing.importMs,
    sampledMs: sampledUs / 1000,
    intervalUs,
    entries: sorted(entries).map((entry) => {
      const detail = details.get(entry.label);
      if (!detail) return entry;
      const top = sorted(detail).slice(0, 2);
      return { ...entry, detail: top.map((d) => `${d.label} ${d.ms.toFixed(1)} ms`).join(', ') };
    }),
    byPackage: sorted(byPackage),
    profileFile,
  };
}
