/**
 * Vitest global setup for integration tests: starts the real local cloud (`local/start.ts`, the code behind
 * `npm start`) in a child process on free ports, in memory, with schedules fired by hand and queue timeouts
 * scaled down so retries take seconds. Its output (the functions' logs) goes to a file tests can inspect.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports.ts';

export interface LocalCloudUrls {
  readonly api: string;
  readonly sesInbox: string;
  readonly dynamodb: string;
  readonly aws: string;
  readonly control: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localCloud: LocalCloudUrls;
    localCloudLogFile: string;
  }
}

/** Queue timeouts run at this fraction of real time (180 s visibility → 3.6 s; 10 s back-off → 0.2 s). */
const TIME_SCALE = 0.02;

export default async function setup(project: TestProject) {
  const rootDir = path.resolve(import.meta.dirname, '../..');
  const logDir = path.join(rootDir, '.data', 'test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'local-cloud.log');
  const logStream = createWriteStream(logFile);

  const env = {
    ...process.env,
    CSP_API_PORT: String(await freePort()),
    CSP_SES_PORT: String(await freePort()),
    CSP_DYNAMODB_PORT: String(await freePort()),
    CSP_AWS_PORT: String(await freePort()),
    CSP_LOCAL_TIME_SCALE: String(TIME_SCALE),
    CSP_OUTBOX_GRACE_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  };
  const child: ChildProcess = fork(path.join(rootDir, 'local/start.ts'), ['--in-memory', '--no-schedules'], {
    cwd: rootDir,
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);

  const urls = await new Promise<LocalCloudUrls>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Local cloud did not start in 90 s; see ${logFile}`)),
      90_000,
    );
    child.once('message', (message: { ready?: boolean; urls?: LocalCloudUrls }) => {
      clearTimeout(timer);
      if (message.ready && message.urls) resolve(message.urls);
      else reject(new Error(`Unexpected message from the local cloud: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Local cloud exited with code ${code} before it was ready; see ${logFile}`));
    });
  });

  project.provide('localCloud', urls);
  project.provide('localCloudLogFile', logFile);

  return async () => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
    logStream.end();
  };
}
