/**
 * CDK synth loads only the CDK app and the route and function data it reads: never the API's zod schemas nor
 * Hono, which belong to the Lambda bundles. This keeps `cdk synth` light, and the topology data plain.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Packages only functions may load. */
const FUNCTION_ONLY_PACKAGE = /^(zod|hono|@hono\/[^/]+)(\/|$)/;

it('synth imports neither zod nor hono, directly or through anything it imports', async () => {
  // Packages stay external, so every import of one is listed against the file that makes it.
  const { metafile } = await build({
    entryPoints: [path.join(ROOT, 'bin/app.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.entries(metafile.inputs);

  const offending = inputs.flatMap(([file, { imports }]) =>
    imports.filter((i) => i.external && FUNCTION_ONLY_PACKAGE.test(i.path)).map((i) => `${file} → ${i.path}`),
  );

  // The walk really covers synth's graph: the stacks and the topology they read are in it.
  expect(inputs.map(([file]) => file)).toEqual(
    expect.arrayContaining(['lib/stateless-stack.ts', 'lib/stage-config.ts', 'functions/topology.ts']),
  );
  expect(offending).toEqual([]);
});
