/**
 * Each function's bundle holds only the AWS SDK clients its topology entry declares: a handler that starts
 * wiring every adapter (and so every client) fails here, before the bench shows its bundle and cold start grow.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName, sdkClientsOf } from '../../functions/topology.ts';
import { deployedOptions, packageOf } from '../../scripts/bench/bundle.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The package each client of `sdkClientsOf` comes from. */
const CLIENT_PACKAGES: Record<ReturnType<typeof sdkClientsOf>[number], string> = {
  dynamodb: '@aws-sdk/client-dynamodb',
  eventbridge: '@aws-sdk/client-eventbridge',
  ses: '@aws-sdk/client-ses',
  sqs: '@aws-sdk/client-sqs',
  secretsmanager: '@aws-sdk/client-secrets-manager',
};

/** The `@aws-sdk/client-*` packages esbuild reads to bundle `name` the way CspFunction deploys it. */
async function sdkClientPackagesIn(name: FunctionName): Promise<string[]> {
  const entry = path.join(ROOT, FUNCTIONS[name].entry);
  const { metafile } = await build({
    ...deployedOptions(ROOT, entry, path.join(ROOT, 'node_modules/.cache/csp-bundle-test', `${name}.mjs`)),
    // Which files are read does not depend on minifying or source maps; skipping them keeps the test quick.
    minify: false,
    sourcemap: false,
    write: false,
    metafile: true,
  });
  const packages = Object.keys(metafile.inputs)
    .map(packageOf)
    .filter((p) => p.startsWith('@aws-sdk/client-'));
  return [...new Set(packages)].sort();
}

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

describe('function bundles', () => {
  let clientsOf: ReadonlyMap<FunctionName, string[]>;
  beforeAll(async () => {
    // All at once: esbuild works in parallel, so the eleven bundles take little longer than the largest.
    clientsOf = new Map(
      await Promise.all(NAMES.map(async (name) => [name, await sdkClientPackagesIn(name)] as const)),
    );
  });

  it.each(NAMES)('%s bundles exactly the AWS SDK clients its topology entry declares', (name) => {
    const clients = clientsOf.get(name);

    expect(clients).toEqual(
      sdkClientsOf(name)
        .map((client) => CLIENT_PACKAGES[client])
        .sort(),
    );
  });
});
