/**
 * `bin/app.ts` as the CDK CLI runs it (a child process, context in CDK_CONTEXT_JSON): a stage without an
 * account stops with one line and exit code 1; with one, it synthesizes every stack, pinned and cdk-nag clean.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CDK_JSON_CONTEXT, newOutdir, removeOutdirs, TEST_ACCOUNT, TEST_STAGES } from './synth.ts';

afterAll(removeOutdirs);

const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..');

/** Runs `tsx bin/app.ts` with `context` as the CLI would pass it; never rejects. */
async function runApp(context: Record<string, unknown>) {
  const outdir = newOutdir();
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(REPOSITORY_ROOT, 'node_modules', '.bin', 'tsx'),
      ['bin/app.ts'],
      {
        cwd: REPOSITORY_ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
        timeout: 180_000,
      },
    );
    return { code: 0, stdout, stderr, outdir };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', outdir };
  }
}

/** The dev stage as its deployer configures it, without bundling the functions (that is not what is tested). */
const DEV = {
  ...CDK_JSON_CONTEXT,
  stages: TEST_STAGES,
  stage: 'dev',
  'aws:cdk:bundling-stacks': [],
};

describe('bin/app.ts', () => {
  it('stops with one line naming the missing account, and exit code 1', async () => {
    const { code, stdout, stderr } = await runApp(DEV);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^Cannot synthesize: stages\.dev\.account must be the 12-digit AWS account[^\n]*\n$/,
    );
  }, 180_000);

  it('synthesizes every stack of the stage in its account and region once given the account', async () => {
    const { code, stderr, outdir } = await runApp({ ...DEV, account: TEST_ACCOUNT });
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(
      ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
    );

    expect(code, stderr).toBe(0);
    expect(stacks.map(([name]) => name).sort()).toEqual(
      ['csp-dev-bootstrap', 'csp-dev-mail', 'csp-dev-stateful', 'csp-dev-stateless'].sort(),
    );
    for (const [name, artifact] of stacks) {
      expect(artifact.environment, name).toBe(`aws://${TEST_ACCOUNT}/eu-west-2`);
    }
  }, 180_000);
});
