/**
 * Node CPU of the handlers, from `process.cpuUsage()` (user + system) sampled at the start and end of every
 * `LocalLambdaRuntime.invoke` (dynamo-calls.ts wraps it). Everything shares one process, so two things keep
 * the numbers honest:
 *
 * - `Exclusive` lets one thing run at a time during the measured window: a POST (the api invocation runs
 *   inside it), a consumer invocation, or the bench's own idle check. So no invocation's delta holds another
 *   invocation's work, the API Gateway stand-in's or the bench client's. `CpuTracker` still accounts any
 *   overlap (split evenly between the invocations running, and reported) rather than count it twice.
 * - The EventBridge/SQS endpoint and the SES emulator run in this process, and serve a handler's calls while
 *   the handler awaits them, so their CPU lands inside its delta. `calibrateEmulators` measures what they cost
 *   per call by replaying the handlers' own PutEvents and SendEmail inputs twice — against the local endpoint,
 *   and against a stub that answers at once — with the same SDK clients; the difference is subtracted per call.
 *   The stub's own cost stays in, so the subtraction is slightly short and the net figure errs high.
 *
 * DynamoDB Local is a separate JVM: its CPU is never in these numbers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-ses';

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

/** Runs one task at a time, in the order they asked. */
export class Exclusive {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export interface FunctionCpu {
  invocations: number;
  /** Sum of each invocation's own start-to-end delta (counts any overlap once per invocation running). */
  naiveUs: number;
  /** Its share: CPU used while it ran, divided by the number of invocations running at the time. */
  shareUs: number;
}

export interface CpuTotals {
  readonly byFunction: Record<string, FunctionCpu>;
  /** CPU used while at least one invocation ran, counted once. */
  readonly unionUs: number;
  /** Of which in the kernel (sockets, other system calls). */
  readonly unionSystemUs: number;
  /** Of which, while two or more ran at once. */
  readonly overlappedUs: number;
}

/** Per-function CPU of invocations, with overlap counted once (see the module comment). */
export class CpuTracker {
  private readonly running = new Map<symbol, string>();
  private readonly byFunction: Record<string, FunctionCpu> = {};
  private last = process.cpuUsage();
  private unionUs = 0;
  private unionSystemUs = 0;
  private overlappedUs = 0;

  begin(name: string): { token: symbol; start: NodeJS.CpuUsage } {
    this.account();
    const token = Symbol(name);
    this.running.set(token, name);
    return { token, start: this.last };
  }

  end({ token, start }: { token: symbol; start: NodeJS.CpuUsage }): void {
    this.account();
    const name = this.running.get(token)!;
    this.running.delete(token);
    const entry = (this.byFunction[name] ??= { invocations: 0, naiveUs: 0, shareUs: 0 });
    entry.invocations++;
    entry.naiveUs += cpuMicros(this.last) - cpuMicros(start);
  }

  totals(): CpuTotals {
    return {
      byFunction: this.byFunction,
      unionUs: this.unionUs,
      unionSystemUs: this.unionSystemUs,
      overlappedUs: this.overlappedUs,
    };
  }

  private account(): void {
    const now = process.cpuUsage();
    const delta = cpuMicros(now) - cpuMicros(this.last);
    const system = now.system - this.last.system;
    this.last = now;
    if (this.running.size === 0) return;
    this.unionUs += delta;
    this.unionSystemUs += system;
    if (this.running.size > 1) this.overlappedUs += delta;
    for (const name of this.running.values()) {
      const entry = (this.byFunction[name] ??= { invocations: 0, naiveUs: 0, shareUs: 0 });
      entry.shareUs += delta / this.running.size;
    }
  }
}

export interface EmulatorCost {
  readonly calls: number;
  /** CPU per call against the local emulator (client + emulator). */
  readonly localUs: number;
  /** CPU per call against the stub (client + stub). */
  readonly stubUs: number;
  /** Emulator CPU per call: local − stub (at least 0). */
  readonly emulatorUs: number;
}

export interface EmulatorCalibration {
  readonly putEvents?: EmulatorCost;
  readonly sendEmail?: EmulatorCost;
}

const STUB_RESPONSES: Record<string, { type: string; body: string }> = {
  events: {
    type: 'application/x-amz-json-1.1',
    body: JSON.stringify({ Entries: [{ EventId: 'stub' }], FailedEntryCount: 0 }),
  },
  email: {
    type: 'text/xml',
    body:
      '<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult><MessageId>stub</MessageId>' +
      '</SendEmailResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></SendEmailResponse>',
  },
};

/** An endpoint that reads the request and answers at once (a PutEvents or SendEmail success). */
async function startStub(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const response = String(req.headers['x-amz-target'] ?? '').startsWith('AWSEvents.')
        ? STUB_RESPONSES.events!
        : STUB_RESPONSES.email!;
      res.writeHead(200, { 'content-type': response.type }).end(response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function cpuPerCall(calls: number, send: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await send(i);
  return cpuMicros(process.cpuUsage(start)) / calls;
}

/**
 * Per-call CPU of the in-process emulators, from the handlers' own inputs (PutEvents entries get a source no
 * rule matches, so the replay starts no work of its own). Run with nothing else going on.
 */
export async function calibrateEmulators(options: {
  readonly awsEndpoint: string;
  readonly putEvents: readonly PutEventsCommandInput[];
  readonly sendEmail: readonly SendEmailCommandInput[];
  readonly calls?: number;
}): Promise<EmulatorCalibration> {
  const calls = options.calls ?? 40;
  const stub = await startStub();
  const config = (endpoint: string) => ({
    endpoint,
    region: process.env.AWS_REGION ?? 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const clients = {
    local: {
      events: new EventBridgeClient(config(options.awsEndpoint)),
      ses: new SESClient(config(options.awsEndpoint)),
    },
    stub: { events: new EventBridgeClient(config(stub.url)), ses: new SESClient(config(stub.url)) },
  };
  const replayEvents = options.putEvents.map((input) => ({
    ...input,
    Entries: (input.Entries ?? []).map((entry) => ({ ...entry, Source: 'csp.bench.calibration' })),
  }));
  try {
    const measure = async (
      inputs: readonly unknown[],
      send: (target: 'local' | 'stub', i: number) => Promise<unknown>,
    ): Promise<EmulatorCost | undefined> => {
      if (inputs.length === 0) return undefined;
      for (const target of ['local', 'stub'] as const) for (let i = 0; i < 10; i++) await send(target, i);
      // Two rounds each, alternating, so drift weighs on both alike.
      const local: number[] = [];
      const stubbed: number[] = [];
      for (let round = 0; round < 2; round++) {
        local.push(await cpuPerCall(calls, (i) => send('local', i)));
        stubbed.push(await cpuPerCall(calls, (i) => send('stub', i)));
      }
      const localUs = (local[0]! + local[1]!) / 2;
      const stubUs = (stubbed[0]! + stubbed[1]!) / 2;
      return { calls: calls * 2, localUs, stubUs, emulatorUs: Math.max(0, localUs - stubUs) };
    };
    const putEvents = await measure(replayEvents, (target, i) =>
      clients[target].events.send(new PutEventsCommand(replayEvents[i % replayEvents.length]!)),
    );
    const sendEmail = await measure(options.sendEmail, (target, i) =>
      clients[target].ses.send(new SendEmailCommand(options.sendEmail[i % options.sendEmail.length]!)),
    );
    return { putEvents, sendEmail };
  } finally {
    for (const target of Object.values(clients)) {
      target.events.destroy();
      target.ses.destroy();
    }
    await stub.close();
  }
}
