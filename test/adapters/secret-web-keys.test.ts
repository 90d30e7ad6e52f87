/** The web function's keys, derived from the session key secret read from the local Secrets Manager. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, inject, it } from 'vitest';
import { SecretWebKeys } from '../../functions/adapters/secret-web-keys.ts';
import { SESSION_KEY_SECRET } from '../../local/secrets.ts';

const client = new SecretsManagerClient({
  endpoint: inject('localCloud').aws,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

describe('SecretWebKeys', () => {
  it('derives the same 32-byte keys from the secret every time, a different one for each purpose', async () => {
    const keys = await new SecretWebKeys(client, SESSION_KEY_SECRET).keys();
    const again = await new SecretWebKeys(client, SESSION_KEY_SECRET).keys();
    expect(keys.cookies).toHaveLength(32);
    expect(keys.forms).toHaveLength(32);
    expect(Buffer.from(again.cookies).equals(Buffer.from(keys.cookies))).toBe(true);
    expect(Buffer.from(keys.forms).equals(Buffer.from(keys.cookies))).toBe(false);
  });

  it('fails for a secret that does not exist, and tries again on the next call', async () => {
    const keys = new SecretWebKeys(client, 'csp-local/no-such-secret');
    await expect(keys.keys()).rejects.toThrow(/can't find the specified secret/);
    await expect(keys.keys()).rejects.toThrow(/can't find the specified secret/);
  });
});
