/** Keyed hashes with the key read from the local cloud's Secrets Manager, over the real wire protocol. */
import { createHmac } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, inject, it } from 'vitest';
import { SecretKeyedHasher } from '../../functions/adapters/secret-keyed-hasher.ts';
import { PERSONAL_DATA_KEY_SECRET } from '../../local/secrets.ts';

const client = new SecretsManagerClient({
  endpoint: inject('localCloud').aws,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

describe('SecretKeyedHasher', () => {
  it('hashes alike for one input, differently for another kind or value, and never to anything unkeyed', async () => {
    const hasher = new SecretKeyedHasher(client, PERSONAL_DATA_KEY_SECRET);

    const first = await hasher.hash('email', 'sam@resident.example');
    const again = await new SecretKeyedHasher(client, PERSONAL_DATA_KEY_SECRET).hash(
      'email',
      'sam@resident.example',
    );
    const asPhone = await hasher.hash('phone', 'sam@resident.example');
    const other = await hasher.hash('email', 'jo@resident.example');

    expect(again).toBe(first);
    expect(new Set([first, asPhone, other]).size).toBe(3);
    expect(first).not.toContain('resident');
    // Anyone without the key, hashing a list of addresses, finds nothing: not a plain or empty-keyed hash.
    for (const key of ['', 'sam@resident.example']) {
      expect(first).not.toBe(
        createHmac('sha256', key).update('email:sam@resident.example').digest('base64url'),
      );
    }
  });

  it('fails for a secret that does not exist, and tries again on the next call', async () => {
    const hasher = new SecretKeyedHasher(client, 'csp-local/no-such-secret');

    await expect(hasher.hash('email', 'a@b.example')).rejects.toThrow(/can't find the specified secret/);
    await expect(hasher.hash('email', 'a@b.example')).rejects.toThrow(/can't find the specified secret/);
  });
});
