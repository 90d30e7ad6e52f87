/**
 * `npm run generate:api-types`: regenerates the committed types of the API's contract
 * (test/support/api-schema.ts). A changed contract needs a new `API_VERSION` and its CHANGELOG.md entry: the
 * script refuses to write one without them, so no contract change goes unrecorded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { API_VERSION } from '../functions/api/openapi-document.ts';
import { API_TYPES_FILE, contractOf, generateApiTypes, versionOf } from './api/api-types.ts';

const current = existsSync(API_TYPES_FILE) ? readFileSync(API_TYPES_FILE, 'utf8') : undefined;
const generated = await generateApiTypes();
const relative = path.relative(process.cwd(), API_TYPES_FILE);
/** The types as last committed: a change since then needs a version other than theirs. */
const committed = (() => {
  try {
    return execFileSync('git', ['show', `HEAD:${path.relative(process.cwd(), API_TYPES_FILE)}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
})();

if (current === generated) {
  process.stdout.write(`${relative} is up to date (contract ${API_VERSION}).\n`);
  process.exit(0);
}
const changelog = readFileSync(path.resolve(import.meta.dirname, '../CHANGELOG.md'), 'utf8');
const contractChanged = committed !== undefined && contractOf(committed) !== contractOf(generated);
if (contractChanged && versionOf(committed) === API_VERSION) {
  process.stderr.write(
    `The contract changed but API_VERSION is still ${API_VERSION}: bump it in functions/api/openapi-document.ts (semver) and add its entry to CHANGELOG.md, then run this again.\n`,
  );
  process.exit(1);
}
if (!new RegExp(`^## ${API_VERSION.replaceAll('.', '\\.')} `, 'm').test(changelog)) {
  process.stderr.write(
    `CHANGELOG.md has no entry "## ${API_VERSION} (<date>)": say what changed, then run this again.\n`,
  );
  process.exit(1);
}
writeFileSync(API_TYPES_FILE, generated);
process.stdout.write(`Wrote ${relative} (contract ${API_VERSION}).\n`);
