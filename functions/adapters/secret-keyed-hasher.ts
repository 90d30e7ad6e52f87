import { createHmac } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PersonalDataHasher } from '../domain/ports.ts';
import { CachedSecret } from './cached-secret.ts';

/**
 * Keyed hashes (HMAC-SHA256) of personal data, keyed by a secret in Secrets Manager. A plain hash of an email
 * address can be reversed by hashing a list of addresses; without the key it cannot. The key is read on first
 * use, not at cold start (most requests never need it), and kept for the container's life; a failed read is
 * not kept, so the next request tries again.
 */
export class SecretKeyedHasher implements PersonalDataHasher {
  private readonly key: CachedSecret<string>;

  constructor(client: SecretsManagerClient, secretId: string) {
    this.key = new CachedSecret(client, secretId, (value) => {
      if (!value) throw new Error('The personal data key secret has no value');
      return value;
    });
  }

  async hash(kind: 'email' | 'phone', normalised: string): Promise<string> {
    const key = await this.key.read();
    return createHmac('sha256', key).update(`${kind}:${normalised}`).digest('base64url');
  }
}
