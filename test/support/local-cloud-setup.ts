/**
 * Vitest global setup for integration tests: starts the real local cloud (`local/start.ts`, the code behind
 * `npm start`) in a child process on free ports, in memory, with schedules fired by hand and queue timeouts
 * scaled down so retries take seconds. Its output (the functions' logs) goes to a file tests can inspect.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type LocalCloudUrls, startCloudProcess } from '../../local/cloud-process.ts';
import { freePorts, portVariables } from '../../local/ports.ts';

export type { LocalCloudUrls };

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
    ...portVariables(await freePorts()),
    CSP_LOCAL_TIME_SCALE: String(TIME_SCALE),
    CSP_OUTBOX_GRACE_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  };
  const cloud = await startCloudProcess({
    args: ['--in-memory', '--no-schedules'],
    env,
    output: logStream,
    logFile,
  });
  const { urls } = cloud;

  project.provide('localCloud', urls);
  project.provide('localCloudLogFile', logFile);

  return async () => {
    await cloud.stop();
    logStream.end();
  };
}
