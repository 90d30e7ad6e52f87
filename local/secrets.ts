/**
 * The local stand-in for Secrets Manager: the secrets the functions read (today one, the key of personal-data
 * hashes, and the key of the console's sessions), answered over the real `secretsmanager.GetSecretValue` JSON protocol. With a data folder the value
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

/** The id the web function is given for the key of its session cookies and form tokens. */
export const SESSION_KEY_SECRET = 'csp-local/session-key';

/** Creates the secrets, each kept in a file of `folder` when given. */
export function createLocalSecrets(folder?: string): LocalSecrets {
  const values = new Map([
    [PERSONAL_DATA_KEY_SECRET, keptValue(folder && path.join(folder, 'personal-data-key'))],
    // Kept too: signed-in staff stay signed in across a restart of `npm start`.
    [SESSION_KEY_SECRET, keptValue(folder && path.join(folder, 'session-key'))],
  ]);
  return { get: (secretId) => values.get(secretId) };
}

/** A random value, kept in `file` (and read back from it on the next start) when given. */
function keptValue(file: string | undefined): string {
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(48).toString('base64url');
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, value, { mode: 0o600 });
  }
  return value;
}
