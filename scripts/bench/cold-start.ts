/**
 * Cold start: fresh `node` processes, each importing one bundle and timing it until `handler` is ready. Every
 * round runs each variant and each floor once (round-robin), so drift on the machine hits all of them alike.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENV, type EnvName } from '../../functions/config.ts';
import type { FunctionName } from '../../functions/topology.ts';
import { type Bundles, floorOf } from './bundle.ts';
import { median } from './stats.ts';

export const LOADER = fileURLToPath(new URL('./cold-start-loader.mjs', import.meta.url));

/**
 * Every variable a function may read, with a dummy value: typed over every name in ENV, so a variable added
 * there cannot be forgotten here (the function would then fail its cold start and go unmeasured).
 */
const FUNCTION_VARIABLES: Record<EnvName, string> = {
  [ENV.tableName]: 'csp-bench',
  [ENV.eventBusName]: 'csp-bench-enquiries',
  [ENV.senderAddress]: 'Bench <no-reply@bench.example>',
  [ENV.publicApiUrl]: 'https://api.bench.example',
  [ENV.statusPageBaseUrl]: 'https://www.bench.example/report',
  [ENV.enquiryRetentionDays]: '365',
  [ENV.anonymiseAfterMonths]: '{"closed":12,"sensitiveClosed":24,"neverClosed":36}',
  [ENV.outboxGraceSeconds]: '120',
  [ENV.allowedOrigins]: 'https://www.bench.example',
  [ENV.authIssuer]: 'https://issuer.bench.example',
  [ENV.authAudience]: 'bench',
  [ENV.authJwksUrl]: 'https://issuer.bench.example/.well-known/jwks.json',
  [ENV.personalDataKeySecret]: 'csp-bench/personal-data-key',
  [ENV.sessionKeySecret]: 'csp-bench/session-key',
  [ENV.authDomainUrl]: 'https://csp-bench.auth.eu-west-2.amazoncognito.com',
  [ENV.consoleClientId]: 'csp-bench-console',
};

/** What a deployed function's module scope reads, with dummy values: nothing here touches the network. */
export const COLD_START_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  // The SDK warns once per process that Node < 22 loses support in 2027 (Lambda runs 22, where it stays
  // silent); skipping it keeps stderr clean and spares every variant alike the same small cost.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'csp-bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  ...FUNCTION_VARIABLES,
};

export interface ColdStartRow {
  readonly name: FunctionName;
  readonly deployedImportMs: number;
  readonly deployedProcessMs: number;
  readonly cdkDefaultImportMs: number;
  readonly cdkDefaultProcessMs: number;
  /** The function's floor (see bundle.ts): its SDK clients only. */
  readonly floorKey: string;
  readonly floorImportMs: number;
  readonly floorProcessMs: number;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly bareProcessMs: number;
  readonly rows: ColdStartRow[];
  readonly failures: string[];
}

function runOnce(args: string[]): { processMs: number; importMs?: number; error?: string } {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, {
    env: COLD_START_ENV,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const processMs = performance.now() - start;
  if (result.status !== 0) {
    return {
      processMs,
      error: `${args.join(' ')}: exit ${result.status}: ${result.stderr.trim().slice(-500)}`,
    };
  }
  if (args[0] === '-e') return { processMs };
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return { processMs, importMs: (JSON.parse(line) as { importMs: number }).importMs };
}

export function measureColdStarts(bundles: Bundles, runs: number): ColdStartResult {
  const targets = [
    ...bundles.functions.map((b) => ({ key: `${b.name}/${b.variant}`, file: b.file })),
    ...bundles.floors.map((f) => ({ key: `floor/${f.key}`, file: f.file })),
  ];
  const samples = new Map<string, { importMs: number[]; processMs: number[] }>();
  const bare: number[] = [];
  const failures: string[] = [];
  // One untimed run of each first, so the OS file cache is warm for every variant alike.
  runOnce(['-e', '']);
  for (const target of targets) runOnce([LOADER, pathToFileURL(target.file).href]);
  for (let round = 0; round < runs; round++) {
    bare.push(runOnce(['-e', '']).processMs);
    for (const target of targets) {
      const entry = samples.get(target.key) ?? { importMs: [], processMs: [] };
      samples.set(target.key, entry);
      const run = runOnce([LOADER, pathToFileURL(target.file).href]);
      if (run.error) {
        if (failures.length < 5) failures.push(run.error);
        continue;
      }
      entry.importMs.push(run.importMs!);
      entry.processMs.push(run.processMs);
    }
  }
  const get = (key: string) => {
    const entry = samples.get(key) ?? { importMs: [], processMs: [] };
    return { importMs: median(entry.importMs), processMs: median(entry.processMs) };
  };
  const names = [...new Set(bundles.functions.map((b) => b.name))];
  return {
    runs,
    bareProcessMs: median(bare),
    failures,
    rows: names.map((name) => {
      const floorKey = floorOf(bundles, name).key;
      const deployed = get(`${name}/deployed`);
      const cdkDefault = get(`${name}/cdkDefault`);
      const floor = get(`floor/${floorKey}`);
      return {
        name,
        deployedImportMs: deployed.importMs,
        deployedProcessMs: deployed.processMs,
        cdkDefaultImportMs: cdkDefault.importMs,
        cdkDefaultProcessMs: cdkDefault.processMs,
        floorKey,
        floorImportMs: floor.importMs,
        floorProcessMs: floor.processMs,
      };
    }),
  };
}
