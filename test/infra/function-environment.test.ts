/**
 * Each function reads exactly the variables its topology entry declares: the stack sets only those, and the
 * local cloud gives each function only those, so an undeclared read would fail in both. Checked by importing
 * each handler in a fresh Node process whose environment holds only its declared variables and records every
 * read of one of ours.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/config.ts';
import { environmentOf, FUNCTIONS, type FunctionName } from '../../functions/topology.ts';

const rootDir = fileURLToPath(new URL('../../', import.meta.url));

/** Plausible values, so a handler's own parsing (integers, URLs) passes. */
const SAMPLE_VALUES: Record<string, string> = {
  [ENV.enquiryRetentionDays]: '365',
  [ENV.outboxGraceSeconds]: '120',
  [ENV.anonymiseAfterMonths]: '{"closed":12,"sensitiveClosed":24,"neverClosed":36}',
  [ENV.publicApiUrl]: 'https://api.example.org/dev',
  [ENV.authJwksUrl]: 'https://issuer.example.org/.well-known/jwks.json',
  [ENV.authIssuer]: 'https://issuer.example.org',
  [ENV.authDomainUrl]: 'https://csp-test.auth.eu-west-2.amazoncognito.com',
};

/** Imports `name`'s handler with only its declared variables; returns which of ours it read, or its error. */
function readsOf(name: FunctionName): { reads?: string[]; error?: string } {
  const declared = environmentOf(name);
  const script = `
    const ours = new Set(${JSON.stringify(Object.values(ENV))});
    const reads = new Set();
    const env = { ...process.env };
    process.env = new Proxy(env, {
      get(target, key) { if (ours.has(key)) reads.add(key); return target[key]; },
      has(target, key) { if (ours.has(key)) reads.add(key); return key in target; },
    });
    try {
      const module = await import(${JSON.stringify(`./${FUNCTIONS[name].entry}`)});
      if (typeof module.handler !== 'function') throw new Error('no handler');
      console.log(JSON.stringify({ reads: [...reads].sort() }));
    } catch (error) {
      console.log(JSON.stringify({ error: String(error && error.message || error) }));
    }`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: rootDir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-2',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...Object.fromEntries(
        declared.map((variable) => [variable, SAMPLE_VALUES[variable] ?? `sample-${variable}`]),
      ),
    },
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return line.startsWith('{') ? JSON.parse(line) : { error: result.stderr || `exit ${result.status}` };
}

describe('function environment', () => {
  it.each(Object.keys(FUNCTIONS) as FunctionName[])(
    '%s starts with only its declared variables and reads each of them',
    (name) => {
      const { reads, error } = readsOf(name);

      expect(error).toBeUndefined();
      expect(reads).toEqual([...environmentOf(name)].sort());
    },
  );
});
