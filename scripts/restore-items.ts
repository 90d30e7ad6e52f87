/**
 * `npm run restore-items -- --from <restored table> --to <live table> [--enquiry CSU-2026-000123 …] [--overwrite]
 * [--apply]`: brings items back from a table restored from PITR or AWS Backup (see the README's runbook).
 * Without `--apply` it only counts. Uses the standard AWS credential chain and region.
 */
import { parseArgs } from 'node:util';
import { documentClient } from '../functions/adapters/clients/dynamodb.ts';
import { RestoreOptionsError, restoreItems } from './restore/restore-items.ts';

const USAGE =
  'Usage: npm run restore-items -- --from <restored table> --to <live table> [--enquiry <reference> ...] [--overwrite] [--apply]\n';

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      enquiry: { type: 'string', multiple: true },
      overwrite: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
    },
  }).values;
}
try {
  args = parse();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!args.from || !args.to) {
  process.stderr.write(USAGE);
  process.exit(2);
}
try {
  const report = await restoreItems(documentClient, {
    from: args.from,
    to: args.to,
    enquiries: args.enquiry,
    overwrite: args.overwrite,
    apply: args.apply,
  });
  const verb = args.apply ? 'Wrote' : 'Would write';
  process.stdout.write(
    `${verb} ${report.written} item(s) into ${args.to}; kept ${report.keptLive} the live table already had.\n`,
  );
  if (report.skippedAnonymised.length > 0) {
    process.stdout.write(
      `Left alone, anonymised or erased since the restore point: ${report.skippedAnonymised.join(', ')}\n`,
    );
  }
  if (!args.apply) process.stdout.write('Nothing written: run again with --apply.\n');
} catch (error) {
  if (!(error instanceof RestoreOptionsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
