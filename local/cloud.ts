/**
 * The one-machine cloud: DynamoDB Local, aws-ses-v2-local, a local EventBridge bus with the real rules,
 * SQS-like queues with retries and dead letters, the scheduler, and the API, all running the same handlers
 * and topology as AWS. Handlers find the emulators through the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, so no handler knows it is local.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createDocumentClient } from '../functions/adapters/clients/dynamodb.ts';
import { DynamoDbGovernanceRepository } from '../functions/adapters/dynamodb-governance-repository.ts';
import { ENV, type EnvName } from '../functions/config.ts';
import { metricsNamespace } from '../functions/metrics.ts';
import {
  type FunctionName,
  PAGES,
  QUEUES,
  type QueueName,
  SCHEDULES,
  type ScheduleName,
  type ScheduleSpec,
} from '../functions/topology.ts';
import { DynamoDbSeedTable } from '../scripts/seed/dynamodb-seed-table.ts';
import { loadPartnershipFile, type PartnershipFile } from '../scripts/seed/partnership-file.ts';
import { describeSeeding, seedPartnership } from '../scripts/seed/seed-partnership.ts';
import { createApiGateway, servedContract } from './api-gateway.ts';
import { createLocalIssuer, LOCAL_AUDIENCE, LOCAL_CONSOLE_CLIENT_ID } from './auth-issuer.ts';
import { createAwsEndpoint } from './aws-endpoint.ts';
import {
  ensureTable,
  LOCAL_TABLE_NAME,
  localClientConfig,
  startDynamoDbLocal,
  stopLeftoverDynamoDbLocal,
} from './dynamodb-local.ts';
import { LocalCloudError } from './errors.ts';
import { LocalEventBus } from './event-bus.ts';
import { enforceDeclaredAccess } from './iam.ts';
import { LocalLambdaRuntime } from './lambda-runtime.ts';
import { assertPortsFree, type LocalPorts } from './ports.ts';
import { LocalQueue } from './queue.ts';
import { QueueJournal } from './queue-journal.ts';
import { nextFireTime } from './schedule-expression.ts';
import { createLocalSecrets, PERSONAL_DATA_KEY_SECRET, SESSION_KEY_SECRET } from './secrets.ts';

const REGION = 'eu-west-2';
const ACCOUNT_ID = '000000000000';
const TABLE_NAME = LOCAL_TABLE_NAME;
const BUS_NAME = 'csp-local-enquiries';
const STAGE = 'local';

export interface LocalCloudOptions {
  readonly rootDir: string;
  readonly ports: LocalPorts;
  /** The partnership file to serve (seeded at every start, never overwriting changes made through the API). */
  readonly partnershipFile: string;
  /**
   * Keep state here across restarts: DynamoDB Local's files, and a journal of the local queues' messages (in
   * flight and backing off included) and dead letters, written as each changes, so even `kill -9` loses none.
   * Omit to keep everything in memory (tests).
   */
  readonly dataDir?: string;
  /** Run schedules on their timers (`npm start`); tests fire them by hand instead. */
  readonly runSchedules: boolean;
  /** Multiplies queue visibility timeouts, so tests can exercise retries in seconds. */
  readonly timeScale: number;
  /** Overrides OUTBOX_GRACE_SECONDS (tests use 0). */
  readonly outboxGraceSeconds: number;
  /**
   * Test mode: the gateway checks every response against the served OpenAPI document and answers a loud 500
   * for one that breaks it; `GET /_local/contract` reports what the run touched (local/contract.ts).
   */
  readonly checkContract?: boolean;
  readonly log: (message: string, error?: unknown) => void;
}

export interface LocalCloud {
  readonly urls: {
    readonly api: string;
    readonly sesInbox: string;
    readonly dynamodb: string;
    readonly aws: string;
    readonly control: string;
  };
  readonly tableName: string;
  readonly busName: string;
  stop(): Promise<void>;
}

/**
 * The From header of local email, named after the partnership's CSU. A reserved domain on purpose: local mail
 * only ever reaches the SES simulator's inbox, and a deployed stage refuses such a sender (each deployer
 * configures their own).
 */
const localSenderAddress = (csuName: string) => `${csuName} <no-reply@csp.example.org>`;

/** Reads the `dev` stage from cdk.json, so local settings are the dev stage's settings. */
export function devStageConfig(rootDir: string) {
  const cdk = JSON.parse(readFileSync(path.join(rootDir, 'cdk.json'), 'utf8')) as {
    context: {
      stages: {
        dev: {
          partnershipFile: string;
          allowedOrigins: string[];
          enquiryRetentionDays: number;
          anonymiseAfterMonths: Record<string, number>;
        };
      };
    };
  };
  return cdk.context.stages.dev;
}

/** Starts everything; resolves once the API answers. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const { ports, log } = options;
  // A run killed with kill -9 leaves its DynamoDB Local running, holding its port and its data files.
  const pidFile = options.dataDir && path.join(options.dataDir, 'dynamodb-local.pid');
  if (pidFile) {
    const leftover = await stopLeftoverDynamoDbLocal(pidFile);
    if (leftover) log(`Stopped the DynamoDB Local an earlier run left running (pid ${leftover})`);
  }
  await assertPortsFree(ports);
  const stageConfig = devStageConfig(options.rootDir);
  // Checked before anything starts: a broken file fails in a second, naming every problem.
  let partnership: PartnershipFile;
  try {
    partnership = loadPartnershipFile(options.partnershipFile);
  } catch (error) {
    throw new LocalCloudError((error as Error).message);
  }
  const urls = {
    api: `http://localhost:${ports.api}`,
    sesInbox: `http://localhost:${ports.sesInbox}`,
    dynamodb: `http://localhost:${ports.dynamodb}`,
    aws: `http://localhost:${ports.aws}`,
    control: `http://localhost:${ports.aws}/_local`,
  };

  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log('Error while stopping', error);
      }
    }
    cleanups.length = 0;
  };

  try {
    const startDynamo = () =>
      startDynamoDbLocal({
        port: ports.dynamodb,
        dataDir: options.dataDir && path.join(options.dataDir, 'dynamodb'),
        pidFile,
        onExit: (code) => {
          if (!stopping && !dynamoDown) log(`DynamoDB Local exited unexpectedly (code ${code})`);
        },
      });
    let dynamo: ChildProcess = await startDynamo();
    /** True while a chaos run has DynamoDB Local killed on purpose. */
    let dynamoDown = false;
    /** Kills DynamoDB Local (SIGKILL, as a crash) and starts it again on the same port and data after `downMs`. */
    const crashDynamo = async (downMs: number) => {
      if (dynamoDown) return;
      dynamoDown = true;
      const exited = new Promise<void>((resolve) => dynamo.once('exit', () => resolve()));
      dynamo.kill('SIGKILL');
      await exited;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      if (!stopping) dynamo = await startDynamo();
      dynamoDown = false;
    };
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (dynamo.exitCode !== null || dynamo.signalCode !== null) return resolve();
          dynamo.once('exit', () => resolve());
          dynamo.kill('SIGTERM');
        }),
    );

    const issuer = await createLocalIssuer({
      baseUrl: `http://127.0.0.1:${ports.aws}`,
      keyFile: options.dataDir && path.join(options.dataDir, 'local-auth', 'signing-key.json'),
      // The console's app client, registered with its callback as Cognito's is on AWS.
      clients: [
        {
          clientId: LOCAL_CONSOLE_CLIENT_ID,
          callbackUrls: [`${urls.api}${PAGES.signInCallback.path}`],
          logoutUrls: [`${urls.api}${PAGES.signedOut.path}`],
        },
      ],
      // Who the local sign-in page lets you be: the partnership's organisations and agencies.
      directory: {
        organisations: partnership.organisations.map(({ id, name }) => ({ id, name })),
        agencies: partnership.agencies.map(({ id, name }) => ({ id, name })),
      },
    });

    // What the Lambda service gives every function (region, credentials) and, here, where the emulators are.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamodb}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${ports.aws}`,
      AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${ports.aws}`,
      AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${ports.aws}`,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${ports.aws}`,
      POWERTOOLS_SERVICE_NAME: 'csp-local',
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace('local'),
      // Metrics are log lines CloudWatch turns into numbers; locally nothing reads them, so keep the output clean.
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    // Our own variables, as the stack sets them on AWS; each function is given only those it declares.
    const functionEnvironment: Record<EnvName, string> = {
      [ENV.tableName]: TABLE_NAME,
      [ENV.eventBusName]: BUS_NAME,
      [ENV.senderAddress]: localSenderAddress(partnership.profile.csuName),
      [ENV.publicApiUrl]: urls.api,
      [ENV.statusPageBaseUrl]: urls.api,
      [ENV.enquiryRetentionDays]: String(stageConfig.enquiryRetentionDays),
      [ENV.anonymiseAfterMonths]: JSON.stringify(stageConfig.anonymiseAfterMonths),
      [ENV.outboxGraceSeconds]: String(options.outboxGraceSeconds),
      [ENV.allowedOrigins]: stageConfig.allowedOrigins.join(','),
      [ENV.authIssuer]: issuer.issuer,
      [ENV.authAudience]: LOCAL_AUDIENCE,
      [ENV.authJwksUrl]: issuer.jwksUrl,
      [ENV.personalDataKeySecret]: PERSONAL_DATA_KEY_SECRET,
      [ENV.sessionKeySecret]: SESSION_KEY_SECRET,
      // The local user pool plays Cognito's hosted UI at the same paths below its issuer URL.
      [ENV.authDomainUrl]: issuer.issuer,
      [ENV.consoleClientId]: LOCAL_CONSOLE_CLIENT_ID,
    };
    process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';

    const dynamoClient = new DynamoDBClient(localClientConfig(ports.dynamodb));
    cleanups.push(() => dynamoClient.destroy());
    const table = await ensureTable(dynamoClient, TABLE_NAME);
    const documentClient = createDocumentClient(dynamoClient);
    // Every start: a table kept in .data/ from an older version gains what the file has added since (new
    // categories, agencies, fields); nothing changed through the API is overwritten, only reported.
    const report = await seedPartnership(
      new DynamoDbSeedTable(documentClient, TABLE_NAME),
      new DynamoDbGovernanceRepository(documentClient, TABLE_NAME),
      partnership,
      new Date(),
    );
    log(`${describeSeeding(partnership, report)} Table ${TABLE_NAME} (${table}).`);

    const sesServer = await startSesEmulator(ports.sesInbox);
    cleanups.push(() => closeServer(sesServer));

    const runtime = new LocalLambdaRuntime(options.rootDir, REGION, ACCOUNT_ID, functionEnvironment);
    enforceDeclaredAccess(() => runtime.currentFunction());
    const queues = new Map<QueueName, LocalQueue>();
    // With a data directory, every change to a queue is journalled as it happens: kill -9 loses no message.
    const journalled = options.dataDir
      ? QueueJournal.open(path.join(options.dataDir, 'queues.journal'), () =>
          Object.fromEntries([...queues].map(([name, queue]) => [name, queue.state()])),
        )
      : undefined;
    if (journalled) cleanups.push(() => journalled.journal.close());
    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const queue = new LocalQueue({
        name: `csp-local-${name}`,
        spec,
        region: REGION,
        accountId: ACCOUNT_ID,
        timeScale: options.timeScale,
        onError: log,
        onChange: journalled && ((change) => journalled.journal.record(name, change)),
      });
      const kept = journalled?.restored[name];
      if (kept) queue.restore(kept);
      queue.start((event) => runtime.invoke(spec.consumer, event));
      queues.set(name, queue);
      cleanups.push(() => queue.stop());
    }
    if (journalled) {
      const count = Object.values(journalled.restored).reduce((n, q) => n + q.messages.length, 0);
      if (count > 0) log(`Restored ${count} queued message(s) from the last run`);
    }
    const bus = new LocalEventBus(BUS_NAME, queues, REGION, ACCOUNT_ID);
    const defaultBus = new LocalEventBus('default', queues, REGION, ACCOUNT_ID, 'default');

    /** Invokes a schedule's target with the input the AWS schedule sends: its scheduled time. */
    const fireSchedule = async (name: string, scheduledTime = new Date().toISOString()) => {
      if (!(name in SCHEDULES)) {
        throw new LocalCloudError(`No schedule named ${name}; known: ${Object.keys(SCHEDULES).join(', ')}`);
      }
      const schedule = SCHEDULES[name as ScheduleName];
      return runtime.invoke(schedule.target, { scheduledTime });
    };

    const invoke = (functionName: FunctionName, event: APIGatewayProxyEvent) =>
      runtime.invoke(functionName, event);
    const contract = options.checkContract ? servedContract(invoke, STAGE) : undefined;
    // Fails the start, not a test, when the document cannot be served or compiled.
    await contract;
    const awsEndpoint = createAwsEndpoint({
      bus,
      defaultBus,
      issuer,
      secrets: createLocalSecrets(options.dataDir && path.join(options.dataDir, 'secrets')),
      sesUrl: `http://127.0.0.1:${ports.sesInbox}/`,
      sentLog: options.dataDir && path.join(options.dataDir, 'ses-sent.jsonl'),
      log,
      control: {
        fireSchedule: async (name, scheduledTime) => {
          try {
            return { ok: true, value: await fireSchedule(name, scheduledTime) };
          } catch (error) {
            return { ok: false, error: error instanceof Error ? error.message : String(error) };
          }
        },
        changeMessageVisibility: (queueName, receiptHandle, seconds) =>
          [...queues.values()].some(
            (q) => q.name === queueName && q.changeVisibility(receiptHandle, seconds),
          ),
        queueStats: () => ({ queues: [...queues.entries()].map(([name, q]) => ({ ...q.stats(), name })) }),
        deadLetters: (name) => ({ deadLetters: queues.get(name as QueueName)?.listDeadLetters() ?? [] }),
        isIdle: () => [...queues.values()].every((q) => q.isIdle()),
        setDeliveryPaused: (paused, name) => {
          const chosen = name === undefined ? [...queues.values()] : [queues.get(name as QueueName)];
          if (chosen.some((queue) => queue === undefined)) return false;
          for (const queue of chosen) queue?.setDeliveryPaused(paused);
          return true;
        },
        redrive: (name) => queues.get(name as QueueName)?.redrive(),
        crashDynamoDb: crashDynamo,
        contractCoverage: async () => (contract ? (await contract).coverage() : undefined),
        setRetryTimeScale: (scale) => {
          for (const queue of queues.values()) queue.setRetryTimeScale(scale);
        },
      },
    });
    await listen(awsEndpoint, ports.aws);
    cleanups.push(() => closeServer(awsEndpoint));

    if (options.runSchedules) {
      for (const name of Object.keys(SCHEDULES) as ScheduleName[]) {
        let timer: NodeJS.Timeout;
        const arm = () => {
          const schedule: ScheduleSpec = SCHEDULES[name];
          const delay =
            nextFireTime(schedule.expression, new Date(), schedule.timeZone).getTime() - Date.now();
          timer = setTimeout(async () => {
            try {
              await fireSchedule(name);
            } catch (error) {
              log(`Schedule ${name} failed`, error);
            }
            arm();
          }, delay);
        };
        arm();
        cleanups.push(() => clearTimeout(timer));
      }
    }

    const api = createApiGateway({ stage: STAGE, log, invoke, contract });
    await listen(api, ports.api);
    cleanups.push(() => closeServer(api));
  } catch (error) {
    await stop();
    throw error;
  }

  return { urls, tableName: TABLE_NAME, busName: BUS_NAME, stop };
}

/** Starts aws-ses-v2-local in this process (it is a CommonJS Express app exporting a start function). */
async function startSesEmulator(port: number): Promise<http.Server> {
  const require = createRequire(import.meta.url);
  const module = require('aws-ses-v2-local') as {
    default: (config: { host: string; port: number }) => Promise<http.Server>;
  };
  return module.default({ host: '127.0.0.1', port });
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new LocalCloudError(`Port ${port} is already in use.`) : error),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
