/**
 * The local stand-in for Secrets Manager: the secrets the functions read (today one, the key of personal-data
 * hashes), answered over the real `secretsmanager.GetSecretValue` JSON protocol. With a data folder the value
 * survives restarts, as a real secret does: hashes made yesterday must still match today.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The id functions are given for the personal-data key (a name; on AWS, the secret's ARN). */
export const PERSONAL_DATA_KEY_SECRET = 'csp-local/personal-data-key';

export interface LocalSecrets {
  /** The secret's value, or undefined for an id this cloud does not hold. */
  get(secretId: string): string | undefined;
}

/** Creates the secrets, kept in `file` when given. */
export function createLocalSecrets(file?: string): LocalSecrets {
  let value: string;
  if (file && existsSync(file)) {
    value = readFileSync(file, 'utf8').trim();
  } else {
    value = randomBytes(48).toString('base64url');
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, value, { mode: 0o600 });
    }
  }
  return { get: (secretId) => (secretId === PERSONAL_DATA_KEY_SECRET ? value : undefined) };
}
