/**
 * Vitest global setup for integration tests: starts the real local cloud (`local/start.ts`, the code behind
 * `npm start`) in a child process on free ports, in memory, with schedules fired by hand and queue timeouts
 * scaled down so retries take seconds. Its output (the functions' logs) goes to a file tests can inspect.
 *
 * The cloud runs in contract test mode: its gateway checks every response against the OpenAPI document. At
 * the end the run's contract coverage is written to `.data/test-logs/contract-coverage.json`, and the run
 * fails on any violation, or, when every integration file ran, on any operation no test touched
 * (docs/api-contract.md).
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type LocalCloudUrls, startCloudProcess } from '../../local/cloud-process.ts';
import type { ContractCoverage } from '../../local/contract.ts';
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
  // Its own directory when two runs share a machine (CSP_TEST_LOG_DIR), so neither reads the other's log.
  const logDir = process.env.CSP_TEST_LOG_DIR ?? path.join(rootDir, '.data', 'test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'local-cloud.log');
  const logStream = createWriteStream(logFile);

  const env = {
    ...portVariables(await freePorts()),
    CSP_LOCAL_TIME_SCALE: String(TIME_SCALE),
    CSP_OUTBOX_GRACE_SECONDS: '0',
    CSP_LOCAL_CHECK_CONTRACT: '1',
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
    const coverage = await fetch(`${urls.control}/contract`)
      .then((response) => (response.ok ? (response.json() as Promise<ContractCoverage>) : undefined))
      .catch(() => undefined);
    await cloud.stop();
    logStream.end();
    // The project's own files, by its include patterns: when all of them ran, every operation must be touched.
    const { testFiles } = await project.globTestFiles();
    checkContractCoverage(coverage, path.join(logDir, 'contract-coverage.json'), project, testFiles.length);
  };
}

/**
 * Writes the report, and fails the run on a violation, on an untouched operation in a full run, or when the
 * cloud reported no coverage at all. Vitest only logs an error thrown by a global teardown, so the exit code
 * is set here as well.
 */
function checkContractCoverage(
  coverage: ContractCoverage | undefined,
  reportFile: string,
  project: TestProject,
  projectFiles: number,
): void {
  if (!coverage) {
    process.exitCode = 1;
    throw new Error(
      'The local cloud reported no contract coverage (GET /_local/contract): nothing was proven.',
    );
  }
  writeFileSync(reportFile, `${JSON.stringify(coverage, null, 2)}\n`);
  const ran = project.vitest.state
    .getTestModules()
    .filter((module) => module.project.name === project.name && module.state() !== 'skipped').length;
  const everyFile = ran === projectFiles && !project.vitest.config.testNamePattern;
  const touched = coverage.operations.length - coverage.untouched.length;
  const failures = [
    ...coverage.violations.map(
      (violation) =>
        `${violation.operationId} answered ${violation.status}: ${violation.problems.join('; ')}`,
    ),
    ...(everyFile ? coverage.untouched.map((operation) => `no test calls ${operation}`) : []),
  ];
  process.stdout.write(
    `API contract: ${touched} of ${coverage.operations.length} operations touched, ${coverage.violations.length} violations, ${ran} of ${projectFiles} integration files run${everyFile ? '' : ' (untouched operations not enforced)'} (${reportFile})\n`,
  );
  if (failures.length > 0) {
    process.exitCode = 1;
    throw new Error(`The API contract is not proven:\n  ${failures.join('\n  ')}`);
  }
}
