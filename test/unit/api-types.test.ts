/**
 * The committed types of the contract (test/support/api-schema.ts, which the e2e tests' openapi-fetch client
 * is typed by) are exactly what the contract generates now, for the version it has.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_VERSION } from '../../functions/api/openapi-document.ts';
import {
  API_TYPES_FILE,
  contractOf,
  generateApiTypes,
  versionLine,
  versionOf,
} from '../../scripts/api/api-types.ts';

describe('the generated API types', () => {
  it('are up to date with the contract (else: npm run generate:api-types)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const generated = await generateApiTypes();

    expect(
      committed === generated,
      'test/support/api-schema.ts is stale: run npm run generate:api-types',
    ).toBe(true);
    expect(versionOf(committed)).toBe(API_VERSION);
  });

  it('record the version and the document they were generated from', () => {
    const types = `// Generated\n${versionLine('1.1.0', 'ab12cd34')}\nexport interface paths {}\n`;
    expect(versionOf(types)).toBe('1.1.0');
    expect(contractOf(types)).toBe('ab12cd34');
    expect(versionOf('export interface paths {}')).toBeUndefined();
  });
});
