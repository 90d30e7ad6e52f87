import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PersonalDataHasher } from '../domain/ports.ts';

/**
 * Keyed hashes (HMAC-SHA256) of personal data, keyed by a secret in Secrets Manager. A plain hash of an email
 * address can be reversed by hashing a list of addresses; without the key it cannot. The key is read on first
 * use, not at cold start (most requests never need it), and kept for the container's life; a failed read is
 * not kept, so the next request tries again.
 */
export class SecretKeyedHasher implements PersonalDataHasher {
  private key: Promise<string> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async hash(kind: 'email' | 'phone', normalised: string): Promise<string> {
    const key = await this.readKey();
    return createHmac('sha256', key).update(`${kind}:${normalised}`).digest('base64url');
  }

  private readKey(): Promise<string> {
    this.key ??= this.client
      .send(new GetSecretValueCommand({ SecretId: this.secretId }))
      .then(({ SecretString }) => {
        if (!SecretString) throw new Error('The personal data key secret has no value');
        return SecretString;
      });
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }
}
