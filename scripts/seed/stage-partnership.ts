import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

/** The partnership file cdk.json's stage `name` serves, as an absolute path. @throws naming what is missing. */
export function partnershipFileOfStage(name: string): string {
  const cdkJson = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'cdk.json'), 'utf8')) as {
    context?: { stages?: Record<string, { partnershipFile?: string }> };
  };
  const file = cdkJson.context?.stages?.[name]?.partnershipFile;
  if (!file) throw new Error(`cdk.json has no stages.${name}.partnershipFile`);
  return path.resolve(REPOSITORY_ROOT, file);
}
