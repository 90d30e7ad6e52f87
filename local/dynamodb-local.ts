/**
 * Runs AWS's DynamoDB Local (the jar shipped in the npm package `amplify-dynamodb-simulator`) with the
 * machine's Java, and creates our table with the same keys and indexes as the CDK stack.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES, TABLE_SCHEMA } from '../functions/adapters/table-keys.ts';
import { LocalCloudError } from './errors.ts';

/** Where the DynamoDB Local jar lives inside node_modules. */
export function dynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

/** Fails with a one-line explanation when Java is missing or too old. */
export function assertJavaAvailable(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new LocalCloudError(
      'Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on PATH (Debian: apt-get install openjdk-17-jre-headless).',
    );
  }
  const major = Number(/version "(\d+)/.exec(result.stderr)?.[1] ?? 0);
  if (major > 0 && major < 17) {
    throw new LocalCloudError(`DynamoDB Local needs Java 17 or newer; \`java -version\` reports ${major}.`);
  }
}

/** True while a process with this pid exists (signal 0 only checks). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a running process, or undefined (it is gone, or `ps` is not available). */
function commandOf(pid: number): string | undefined {
  const result = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Stops the DynamoDB Local an earlier run left behind when it was killed before it could stop it (its pid is
 * in `pidFile`). A pid that now belongs to another program is left alone. @returns the pid stopped, if any.
 */
export async function stopLeftoverDynamoDbLocal(pidFile: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return undefined;
  if (!commandOf(pid)?.includes('DynamoDBLocal.jar')) return undefined;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isRunning(pid); waited += 100) {
    if (waited >= 5_000) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pid;
}

/** Starts DynamoDB Local; `dataDir` persists tables there, otherwise they live in memory. */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
  /** Where its pid is kept while it runs, so a run killed with `kill -9` can be cleaned up by the next. */
  pidFile?: string;
  onExit: (code: number | null) => void;
}): Promise<ChildProcess> {
  assertJavaAvailable();
  const dir = dynamoDbLocalDir();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    'java',
    [
      '-Xmx512m',
      `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(dir, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      '-sharedDb',
      ...storage,
    ],
    // DynamoDB Local writes a metadata file into its working directory: keep it out of the repository.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.dataDir ?? tmpdir() },
  );
  if (options.pidFile && child.pid) writeFileSync(options.pidFile, String(child.pid));
  const pidFile = options.pidFile;
  child.on('exit', () => {
    if (pidFile) rmSync(pidFile, { force: true });
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  child.on('exit', (code) => options.onExit(code));

  const client = new DynamoDBClient(localClientConfig(options.port));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const inUse = /address already in use|BindException/i.test(stderr);
      throw new LocalCloudError(
        inUse
          ? `Port ${options.port} is already in use (another DynamoDB Local or program): stop it, or set CSP_DYNAMODB_PORT.`
          : `DynamoDB Local exited at start (code ${child.exitCode}): ${stderr.trim()}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline)
        throw new LocalCloudError('DynamoDB Local did not answer within 30 seconds.');
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return child;
}

/** The local cloud's table. */
export const LOCAL_TABLE_NAME = 'csp-local';

/** SDK configuration for talking to DynamoDB Local directly (used by the local cloud's own setup). */
export function localClientConfig(port: number) {
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

function indexDefinition(index: (typeof TABLE_INDEXES)[number]) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection },
  };
}

const attributeDefinitions = (names: readonly string[]) =>
  [...new Set(names)].map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));

/**
 * Creates the table with its indexes unless it exists; a table kept in `.data` from an older version gets the
 * indexes added since, one at a time as DynamoDB requires.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existed' | 'updated'> {
  const { partitionKey, sortKey } = TABLE_SCHEMA;
  let existing: string[] | undefined;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = (Table?.GlobalSecondaryIndexes ?? []).map((index) => String(index.IndexName));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions([
          partitionKey,
          sortKey,
          ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
        ]),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map(indexDefinition),
      }),
    );
    return 'created';
  }
  const missing = TABLE_INDEXES.filter((index) => !existing.includes(index.name));
  for (const index of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions([index.partitionKey, index.sortKey]),
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
      }),
    );
  }
  return missing.length > 0 ? 'updated' : 'existed';
}
