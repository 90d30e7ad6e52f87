/**
 * Benchmarks against the in-process local cloud: warm latency and throughput of the API next to the raw
 * DynamoDB / EventBridge calls it cannot avoid (same emulators, same run), and the email fan-out end to end.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import autocannon from 'autocannon';
import { CATEGORY_PARTITION, TABLE_SCHEMA } from '../../functions/adapters/table-keys.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { quantile } from './stats.ts';

const REGION = 'eu-west-2';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The cloud's URLs on 127.0.0.1 (they say localhost, which may resolve to ::1 first). */
export function ipv4(url: string): string {
  return url.replace('//localhost:', '//127.0.0.1:');
}

export interface EnquiryBody {
  category: string;
  description: string;
  name: string;
  email?: string;
  phone: string;
  location: { postcode: string; address: string };
  happeningNow: boolean;
  safeContact: { mayEmail: boolean; mayPhone: boolean };
}

/**
 * Enquiry `i`: categories in turn, and contact in a 3-cycle: email and consent to email, email without
 * consent, no email at all.
 */
export function enquiryBody(i: number): EnquiryBody {
  const category = ASHFORD.categories[i % ASHFORD.categories.length]!.code;
  const marker = `${i}-${randomUUID().slice(0, 8)}`;
  const contact = i % 3;
  return {
    category,
    description: `Benchmark enquiry ${marker}: groups gathering and shouting near the shops most evenings.`,
    name: `Bench Resident ${marker}`,
    ...(contact === 2 ? {} : { email: `bench.${marker}@resident.example` }),
    phone: '01233 555 0101',
    location: { postcode: 'TN23 1PL', address: '1 High Street, Ashford' },
    happeningNow: false,
    safeContact: { mayEmail: contact === 0, mayPhone: true },
  };
}

/** Who should get an email about an enquiry: the CSU, the routed agencies (deduplicated) and maybe the enquirer. */
export function expectedRecipients(body: EnquiryBody): string[] {
  const csu = ASHFORD.partnership.csuMailbox;
  const seen = new Set([csu.toLowerCase()]);
  const recipients = [csu];
  const rule = ASHFORD.routing.find((r) => r.category === body.category);
  for (const id of rule?.agencyIds ?? []) {
    const agency = ASHFORD.agencies.find((a) => a.id === id);
    if (!agency || seen.has(agency.email.toLowerCase())) continue;
    seen.add(agency.email.toLowerCase());
    recipients.push(agency.email);
  }
  if (body.email && body.safeContact.mayEmail) recipients.push(body.email);
  return recipients;
}

/** One POST /enquiries: its status, and the reference when accepted. */
export async function postEnquiry(
  api: string,
  body: EnquiryBody,
): Promise<{ status: number; reference?: string }> {
  const response = await fetch(`${api}/enquiries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const reference =
    response.status === 201 ? (JSON.parse(text) as { reference: string }).reference : undefined;
  return { status: response.status, reference };
}

/** Clients for the raw baseline, on the same emulators the handlers use. */
export function rawClients(cloud: LocalCloud) {
  const dynamodb = new DynamoDBClient({
    endpoint: ipv4(cloud.urls.dynamodb),
    region: REGION,
    credentials: CREDENTIALS,
  });
  const events = new EventBridgeClient({
    endpoint: ipv4(cloud.urls.aws),
    region: REGION,
    credentials: CREDENTIALS,
  });
  const putItem = (body: EnquiryBody) =>
    dynamodb.send(
      new PutItemCommand({
        TableName: cloud.tableName,
        Item: {
          [TABLE_SCHEMA.partitionKey]: { S: `BENCH#${randomUUID()}` },
          [TABLE_SCHEMA.sortKey]: { S: 'BENCH' },
          payload: { S: JSON.stringify(body) },
          receivedAt: { S: new Date().toISOString() },
        },
      }),
    );
  // A source no rule matches, so the baseline starts no fan-out of its own.
  const putEvent = (body: EnquiryBody) =>
    events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: cloud.busName,
            Source: 'csp.bench.raw',
            DetailType: 'BenchRaw',
            Detail: JSON.stringify(body),
          },
        ],
      }),
    );
  const queryCategories = () =>
    dynamodb.send(
      new QueryCommand({
        TableName: cloud.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
        ExpressionAttributeValues: { ':pk': { S: CATEGORY_PARTITION } },
      }),
    );
  return {
    putItem,
    putEvent,
    queryCategories,
    destroy: () => {
      dynamodb.destroy();
      events.destroy();
    },
  };
}
export type RawClients = ReturnType<typeof rawClients>;

export interface LatencyPair {
  readonly n: number;
  readonly route: { p50: number; p99: number };
  readonly raw: { p50: number; p99: number };
  readonly routeFailures: number;
}

const summary = (samples: number[]) => ({ p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) });

/**
 * Sequential POST /enquiries next to PutItem + PutEvents, interleaved (order alternating) so background work
 * on the machine (the mail fan-out the POSTs start) weighs on both alike.
 */
export async function postLatency(cloud: LocalCloud, raw: RawClients, n: number): Promise<LatencyPair> {
  const api = ipv4(cloud.urls.api);
  const route: number[] = [];
  const rawTimes: number[] = [];
  let routeFailures = 0;
  const timeRoute = async (i: number) => {
    const start = performance.now();
    const { status } = await postEnquiry(api, enquiryBody(i));
    route.push(performance.now() - start);
    if (status !== 201) routeFailures++;
  };
  const timeRaw = async (i: number) => {
    const body = enquiryBody(i);
    const start = performance.now();
    await raw.putItem(body);
    await raw.putEvent(body);
    rawTimes.push(performance.now() - start);
  };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      await timeRoute(i);
      await timeRaw(i);
    } else {
      await timeRaw(i);
      await timeRoute(i);
    }
  }
  return { n, route: summary(route), raw: summary(rawTimes), routeFailures };
}

/** Sequential GET /enquiry-categories next to one Query of the category partition, interleaved. */
export async function categoriesLatency(cloud: LocalCloud, raw: RawClients, n: number): Promise<LatencyPair> {
  const api = ipv4(cloud.urls.api);
  const route: number[] = [];
  const rawTimes: number[] = [];
  let routeFailures = 0;
  const timeRoute = async () => {
    const start = performance.now();
    const response = await fetch(`${api}/enquiry-categories`);
    await response.arrayBuffer();
    route.push(performance.now() - start);
    if (response.status !== 200) routeFailures++;
  };
  const timeRaw = async () => {
    const start = performance.now();
    await raw.queryCategories();
    rawTimes.push(performance.now() - start);
  };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      await timeRoute();
      await timeRaw();
    } else {
      await timeRaw();
      await timeRoute();
    }
  }
  return { n, route: summary(route), raw: summary(rawTimes), routeFailures };
}

export interface ThroughputResult {
  readonly connections: number;
  readonly seconds: number;
  readonly route: {
    reqPerSec: number;
    total: number;
    ok: number;
    non2xx: number;
    errors: number;
    p50: number;
    p99: number;
  };
  readonly raw: { reqPerSec: number; total: number; errors: number };
  readonly routeCpu: CpuShare;
  readonly rawCpu: CpuShare;
}

/** Raw PutItem at `connections` concurrent callers for `seconds`. */
async function rawPutItemThroughput(raw: RawClients, connections: number, seconds: number) {
  const deadline = performance.now() + seconds * 1000;
  let total = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let i = worker; performance.now() < deadline; i += connections) {
        try {
          await raw.putItem(enquiryBody(i));
          total++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { reqPerSec: total / elapsed, total, errors };
}

export async function throughput(
  cloud: LocalCloud,
  raw: RawClients,
  connections: number,
  seconds: number,
  waitIdle: () => Promise<void>,
  jvmPid: number | undefined,
): Promise<ThroughputResult> {
  const [rawResult, rawCpu] = await withCpuShare(jvmPid, () =>
    rawPutItemThroughput(raw, connections, seconds),
  );
  await waitIdle();
  let i = 0;
  const [result, routeCpu] = await withCpuShare(jvmPid, () =>
    autocannon({
      url: ipv4(cloud.urls.api),
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/enquiries',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(enquiryBody(i++)) }),
        },
      ],
    }),
  );
  const ok = result['2xx'];
  return {
    connections,
    seconds,
    route: {
      reqPerSec: ok / (result.duration || seconds),
      total: result.requests.total,
      ok,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
    },
    raw: rawResult,
    routeCpu,
    rawCpu,
  };
}

interface StoredEmail {
  readonly subject: string;
  readonly destination: { to: string[] };
}

async function storedEmails(sesInbox: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesInbox}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

/**
 * Pauses or resumes delivery from the local queues to the router and mailer, as disabling or enabling their
 * event source mappings would on AWS; messages wait meanwhile.
 */
export async function setDeliveryPaused(control: string, paused: boolean): Promise<void> {
  const response = await fetch(`${control}/queues/delivery`, {
    method: 'PUT',
    body: JSON.stringify({ paused }),
  });
  if (!response.ok)
    throw new Error(`Could not ${paused ? 'pause' : 'resume'} queue delivery: ${response.status}`);
}

export async function isIdle(control: string): Promise<boolean> {
  const response = await fetch(`${control}/idle`);
  return ((await response.json()) as { idle: boolean }).idle;
}

export interface FanOutResult {
  readonly enquiries: number;
  readonly accepted: number;
  readonly expectedEmails: number;
  readonly submitSeconds: number;
  /** From the first submission until every expected email was in the SES store (undefined: never). */
  readonly allDeliveredSeconds?: number;
  readonly idleSeconds?: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly unexpected: number;
  /** CPU this process used from the first submission until idle (or the timeout), per accepted enquiry. */
  readonly cpuMsPerEnquiry: number;
}

/** Submits `n` enquiries (10 at a time), then waits until every expected email is in the SES emulator. */
export async function fanOut(cloud: LocalCloud, n: number, timeoutSeconds: number): Promise<FanOutResult> {
  const api = ipv4(cloud.urls.api);
  const sesInbox = ipv4(cloud.urls.sesInbox);
  const control = ipv4(cloud.urls.control);
  const expected = new Map<string, string[]>();
  let next = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < n) {
        const body = enquiryBody(next++);
        const { reference } = await postEnquiry(api, body);
        if (reference) expected.set(reference, expectedRecipients(body));
      }
    }),
  );
  const submitSeconds = (performance.now() - start) / 1000;
  const expectedEmails = [...expected.values()].reduce((sum, r) => sum + r.length, 0);

  const tally = (emails: StoredEmail[]) => {
    const got = new Map<string, number>();
    for (const email of emails) {
      const reference = /CSU-\d{4}-\d{6}/.exec(email.subject)?.[0];
      if (!reference || !expected.has(reference)) continue;
      for (const to of email.destination.to) {
        const key = `${reference} ${to.toLowerCase()}`;
        got.set(key, (got.get(key) ?? 0) + 1);
      }
    }
    let lost = 0;
    let duplicates = 0;
    let matched = 0;
    for (const [reference, recipients] of expected) {
      for (const to of recipients) {
        const count = got.get(`${reference} ${to.toLowerCase()}`) ?? 0;
        if (count === 0) lost++;
        else {
          matched += count;
          duplicates += count - 1;
        }
      }
    }
    const total = [...got.values()].reduce((sum, c) => sum + c, 0);
    return { lost, duplicates, unexpected: total - matched };
  };

  const deadline = start + timeoutSeconds * 1000;
  let allDeliveredSeconds: number | undefined;
  let idleSeconds: number | undefined;
  let last = { lost: expectedEmails, duplicates: 0, unexpected: 0 };
  for (;;) {
    const idle = await isIdle(control);
    const now = (performance.now() - start) / 1000;
    if (idle && idleSeconds === undefined) idleSeconds = now;
    last = tally(await storedEmails(sesInbox));
    if (last.lost === 0 && allDeliveredSeconds === undefined) allDeliveredSeconds = now;
    if ((allDeliveredSeconds !== undefined && idle) || performance.now() > deadline) break;
    if (!idle) idleSeconds = undefined;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    cpuMsPerEnquiry: expected.size > 0 ? (cpu.user + cpu.system) / 1000 / expected.size : Number.NaN,
    enquiries: n,
    accepted: expected.size,
    expectedEmails,
    submitSeconds,
    allDeliveredSeconds,
    idleSeconds,
    ...last,
  };
}

/** The pid of the DynamoDB Local JVM this process started (found with `ps`; Linux). */
export function findDynamoDbLocalPid(dynamodbPort: number): number | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    const line = out
      .split('\n')
      .find((l) => l.includes('DynamoDBLocal.jar') && l.includes(`-port ${dynamodbPort}`));
    return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak RSS of a process from /proc (Linux only). */
export function peakRssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const value = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (assumes 100 ticks/s). */
function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export interface CpuShare {
  /** CPU used by this (bench + local cloud) process, in % of one core. */
  readonly benchPct: number;
  /** CPU used by the DynamoDB Local JVM, in % of one core (undefined: unknown). */
  readonly jvmPct?: number;
}

/** Runs `fn` and reports how busy this process and the JVM were meanwhile. */
export async function withCpuShare<T>(
  jvmPid: number | undefined,
  fn: () => Promise<T>,
): Promise<[T, CpuShare]> {
  const cpu0 = process.cpuUsage();
  const jvm0 = procCpuSeconds(jvmPid);
  const t0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const jvm1 = procCpuSeconds(jvmPid);
  return [
    value,
    {
      benchPct: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
      jvmPct: jvm0 !== undefined && jvm1 !== undefined ? ((jvm1 - jvm0) / wall) * 100 : undefined,
    },
  ];
}
