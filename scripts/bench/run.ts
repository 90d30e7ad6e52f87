/**
 * `npm run bench`: measures bundle sizes, cold starts, warm latency, throughput and email fan-out on this
 * machine (offline, no AWS account), and writes BENCHMARKS.md. Knobs (environment): BENCH_COLD_RUNS (20),
 * BENCH_LATENCY_N (1000), BENCH_FANOUT_N (1000), BENCH_THROUGHPUT_SECONDS (10), BENCH_CONNECTIONS (10),
 * BENCH_CALLS_N (20: calls per route, and enquiries for the DynamoDB request counts, the Node CPU per enquiry
 * and the cost model), BENCH_PROFILE_N (300: sequential POSTs CPU-profiled for section 3), BENCH_LOG_LEVEL
 * (Powertools level of the handlers, WARN), BENCH_REPORT_FILE (BENCHMARKS.md: where to write the report, e.g.
 * elsewhere for a quick trial run with small knobs).
 */
import '../../local/quiet-sdk-warning.ts';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from '../../functions/topology.ts';
import { startLocalCloud } from '../../local/cloud.ts';
import { freePorts } from '../../local/ports.ts';
import { ASHFORD_FILE_PATH } from '../seed/ashford.ts';
import { bundleAll, bundleDir, floorOf } from './bundle.ts';
import { measureColdStarts } from './cold-start.ts';
import { type ImportProfile, profileImport } from './cpu-profile.ts';
import { measureDynamoCalls } from './dynamo-calls.ts';
import {
  categoriesLatency,
  enquiryBody,
  fanOut,
  findDynamoDbLocalPid,
  ipv4,
  isIdle,
  peakRssKiB,
  postEnquiry,
  postLatency,
  rawClients,
  setDeliveryPaused,
  throughput,
} from './local-bench.ts';
import {
  nowUs,
  type ProcessProfile,
  recordInvocationWindows,
  startProcessProfile,
  type TimeWindow,
} from './process-profile.ts';
import { type ImportProfilePair, renderReport } from './report.ts';
import { timed } from './stats.ts';
import { IMPORT_LIMITS } from './targets.ts';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const settings = {
  coldRuns: envInt('BENCH_COLD_RUNS', 20),
  latencyN: envInt('BENCH_LATENCY_N', 1000),
  fanOutN: envInt('BENCH_FANOUT_N', 1000),
  throughputSeconds: envInt('BENCH_THROUGHPUT_SECONDS', 10),
  connections: envInt('BENCH_CONNECTIONS', 10),
  callsN: envInt('BENCH_CALLS_N', 20),
  profileN: envInt('BENCH_PROFILE_N', 300),
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'WARN',
};

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main() {
  const benchStart = performance.now();
  const startedAt = new Date();

  progress('bundling every function (deployed, CDK-default, and its floor)');
  const bundles = await bundleAll(rootDir);

  progress(`cold starts: ${settings.coldRuns} rounds of fresh node processes`);
  const coldStart = measureColdStarts(bundles, settings.coldRuns);

  // One profiled import each of the api, of any function over its import target, and of their floors.
  const profiled = coldStart.rows
    .filter((r) => r.name === 'api' || r.deployedImportMs / r.floorImportMs > IMPORT_LIMITS[r.name])
    .map((r) => r.name);
  progress(`profiling one cold import each: ${profiled.join(', ')} and their floors`);
  const profileRoot = path.join(bundleDir(rootDir), 'profiles');
  const floorProfiles = new Map<string, ImportProfile | { error: string }>();
  const profiles: Partial<Record<FunctionName, ImportProfilePair>> = {};
  for (const name of profiled) {
    const deployed = bundles.functions.find((b) => b.name === name && b.variant === 'deployed')!;
    const floor = floorOf(bundles, name);
    if (!floorProfiles.has(floor.key)) {
      floorProfiles.set(floor.key, profileImport(floor.file, path.join(profileRoot, `floor-${floor.key}`)));
    }
    profiles[name] = {
      fn: profileImport(deployed.file, path.join(profileRoot, name)),
      floor: floorProfiles.get(floor.key)!,
    };
  }

  progress('starting the local cloud (in memory)');
  const cloudLog: string[] = [];
  let cloudLogCount = 0;
  const log = (message: string, error?: unknown) => {
    cloudLogCount++;
    if (cloudLog.length < 5) cloudLog.push(`${message}${error instanceof Error ? `: ${error.message}` : ''}`);
  };
  process.env.POWERTOOLS_LOG_LEVEL = settings.logLevel;
  const ports = await freePorts();
  const { ms: cloudStartMs, value: cloud } = await timed(() =>
    startLocalCloud({
      rootDir,
      partnershipFile: ASHFORD_FILE_PATH,
      ports,
      runSchedules: false,
      timeScale: 1,
      outboxGraceSeconds: 60,
      log,
    }),
  );
  const control = ipv4(cloud.urls.control);
  const waitIdle = async (timeoutSeconds = 120) => {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      if (await isIdle(control)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const raw = rawClients(cloud);
  const jvmPid = findDynamoDbLocalPid(ports.dynamodb);
  try {
    progress('warming up');
    for (let i = 0; i < 30; i++) {
      await fetch(`${ipv4(cloud.urls.api)}/enquiries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(enquiryBody(i)),
      }).then((r) => r.arrayBuffer());
      await fetch(`${ipv4(cloud.urls.api)}/enquiry-categories`).then((r) => r.arrayBuffer());
      await raw.putItem(enquiryBody(i));
      await raw.putEvent(enquiryBody(i));
      await raw.queryCategories();
    }
    await waitIdle();
    await fetch(`${ipv4(cloud.urls.sesInbox)}/clear-store`, { method: 'POST' });

    progress(`fan-out: ${settings.fanOutN} enquiries`);
    const fan = await fanOut(cloud, settings.fanOutN, 180);
    await fetch(`${ipv4(cloud.urls.sesInbox)}/clear-store`, { method: 'POST' });

    // The api alone, as on AWS, where the router and mailer run in their own containers: here they would share
    // this one event loop with it. Their messages wait, then drain before the next section.
    await setDeliveryPaused(control, true);
    progress(`warm latency: ${settings.latencyN} × POST /enquiries and PutItem+PutEvents (consumers paused)`);
    const post = await postLatency(cloud, raw, settings.latencyN);
    progress(`warm latency: ${settings.latencyN} × GET /enquiry-categories and Query (consumers paused)`);
    const categories = await categoriesLatency(cloud, raw, settings.latencyN);
    progress(`CPU profile: ${settings.profileN} × POST /enquiries (consumers paused)`);
    const postProfile = await profilePosts(cloud.urls.api, settings.profileN, profileRoot);
    await setDeliveryPaused(control, false);
    await waitIdle();

    progress(
      `throughput: ${settings.connections} connections × ${settings.throughputSeconds} s, raw then API`,
    );
    const tput = await throughput(
      cloud,
      raw,
      settings.connections,
      settings.throughputSeconds,
      async () => {
        await waitIdle();
      },
      jvmPid,
    );

    progress('draining the mail backlog the throughput run left, before stopping');
    const drainStart = performance.now();
    const drained = await waitIdle(240);
    const drainSeconds = drained ? (performance.now() - drainStart) / 1000 : undefined;

    // Last, so the counting middleware and the invoke wrapper cannot weigh on the timings above.
    progress(
      `DynamoDB requests: ${settings.callsN} × each public route, then ${settings.callsN} enquiries end to end`,
    );
    const dynamoCalls = await measureDynamoCalls(
      cloud,
      settings.callsN,
      waitIdle,
      path.join(profileRoot, 'enquiry-end-to-end.cpuprofile'),
    );

    const benchRssKiB = process.resourceUsage().maxRSS;
    const javaPeak = peakRssKiB(jvmPid);
    const java =
      jvmPid !== undefined && javaPeak !== undefined ? { pid: jvmPid, peakKiB: javaPeak } : undefined;

    const totalSeconds = (performance.now() - benchStart) / 1000;
    const report = renderReport({
      startedAt,
      totalSeconds,
      settings,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      bundles,
      coldStart,
      profiles,
      cloudStartMs,
      fan,
      post,
      postProfile,
      categories,
      tput,
      drainSeconds,
      benchRssKiB,
      java,
      cloudLogCount,
      cloudLog,
      dynamoCalls,
    });
    const reportFile = path.resolve(rootDir, process.env.BENCH_REPORT_FILE ?? 'BENCHMARKS.md');
    writeFileSync(reportFile, report);
    progress(`wrote ${path.relative(rootDir, reportFile)} in ${totalSeconds.toFixed(0)} s`);
  } finally {
    raw.destroy();
    await cloud.stop();
  }
}

/**
 * `n` sequential POSTs under the CPU profiler, after the latency run so the profiler cannot weigh on its
 * timings: each POST's window (bench client, API Gateway stand-in, api invocation, the emulators serving it)
 * and the api invocations' own.
 */
async function profilePosts(apiUrl: string, n: number, profileRoot: string): Promise<ProcessProfile> {
  const api = ipv4(apiUrl);
  const stopRecording = recordInvocationWindows();
  const profiler = await startProcessProfile();
  const posts: TimeWindow[] = [];
  let invocations: TimeWindow[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const startUs = nowUs();
      await postEnquiry(api, enquiryBody(i));
      posts.push({ label: 'post', startUs, endUs: nowUs() });
    }
  } finally {
    invocations = stopRecording();
  }
  return profiler.stop(path.join(profileRoot, 'post-enquiries.cpuprofile'), [...posts, ...invocations]);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
