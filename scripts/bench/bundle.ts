/**
 * Bundles every Lambda in FUNCTIONS twice: as CspFunction deploys it (ESM, minified, node22, AWS SDK bundled,
 * the createRequire banner) and the CDK NodejsFunction default way (CJS, not minified, `@aws-sdk/*` external).
 * Bundles go under node_modules/.cache so the external SDK resolves from the project's node_modules.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { FUNCTIONS, type FunctionName } from '../../functions/topology.ts';

/** Same text as CREATE_REQUIRE_BANNER in lib/constructs/csp-function.ts. */
const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export type Variant = 'deployed' | 'cdkDefault';

export interface BundleResult {
  readonly name: FunctionName;
  readonly variant: Variant;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export function bundleDir(rootDir: string): string {
  return path.join(rootDir, 'node_modules', '.cache', 'csp-bench');
}

export async function bundleAll(rootDir: string): Promise<BundleResult[]> {
  const outRoot = bundleDir(rootDir);
  rmSync(outRoot, { recursive: true, force: true });
  const results: BundleResult[] = [];
  for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
    for (const variant of ['deployed', 'cdkDefault'] as const) {
      const dir = path.join(outRoot, variant, name);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, variant === 'deployed' ? 'index.mjs' : 'index.js');
      const common: BuildOptions = {
        entryPoints: [path.join(rootDir, FUNCTIONS[name].entry)],
        bundle: true,
        platform: 'node',
        target: 'node22',
        outfile: file,
        logLevel: 'error',
        absWorkingDir: rootDir,
      };
      if (variant === 'deployed') {
        await build({
          ...common,
          format: 'esm',
          mainFields: ['module', 'main'],
          banner: { js: CREATE_REQUIRE_BANNER },
          minify: true,
          sourcemap: true,
          sourcesContent: false,
          external: [],
        });
      } else {
        // NodejsFunction defaults for a Node.js 18+ runtime: CJS, no minify, no source map, SDK v3 external.
        await build({ ...common, format: 'cjs', minify: false, sourcemap: false, external: ['@aws-sdk/*'] });
      }
      const content = readFileSync(file);
      results.push({ name, variant, file, bytes: content.length, gzipBytes: gzipSync(content).length });
    }
  }
  return results;
}
