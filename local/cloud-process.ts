/**
 * Runs the real local cloud (`local/start.ts`, the code behind `npm start`) in a child process, as the test
 * setup, the crash test and the chaos run need it: on the ports and settings `env` names, until stopped or killed.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { Writable } from 'node:stream';

export interface LocalCloudUrls {
  readonly api: string;
  readonly sesInbox: string;
  readonly dynamodb: string;
  readonly aws: string;
  readonly control: string;
}

export interface CloudProcess {
  readonly child: ChildProcess;
  readonly urls: LocalCloudUrls;
  /** SIGTERM, as Ctrl-C: the cloud stops cleanly (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** SIGKILL, as `kill -9`: nothing gets to clean up. */
  kill(): Promise<void>;
}

const rootDir = path.resolve(import.meta.dirname, '..');

/** Starts the local cloud with `args` and `env`, piping its output to `output`; resolves once it is ready. */
export async function startCloudProcess(options: {
  args: readonly string[];
  env: Record<string, string>;
  output?: Writable;
  /** Named in the error when it does not start. */
  logFile?: string;
}): Promise<CloudProcess> {
  const child: ChildProcess = fork(path.join(rootDir, 'local/start.ts'), [...options.args], {
    cwd: rootDir,
    env: { ...process.env, ...options.env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The last of its output, to say why it did not start.
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2000);
    });
    if (options.output) stream?.pipe(options.output, { end: false });
  }
  const where = options.logFile ? `; see ${options.logFile}` : '';
  const urls = await new Promise<LocalCloudUrls>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Local cloud did not start in 90 s${where}`)), 90_000);
    child.once('message', (message: { ready?: boolean; urls?: LocalCloudUrls }) => {
      clearTimeout(timer);
      if (message.ready && message.urls) resolve(message.urls);
      else reject(new Error(`Unexpected message from the local cloud: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const why = options.logFile ? `; see ${options.logFile}` : `: ${tail.trim()}`;
      reject(new Error(`Local cloud exited with code ${code} before it was ready${why}`));
    });
  });
  const exited = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });
  return {
    child,
    urls,
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const done = exited();
      child.kill('SIGTERM');
      await done;
      clearTimeout(timer);
    },
    async kill() {
      const done = exited();
      child.kill('SIGKILL');
      await done;
    },
  };
}
