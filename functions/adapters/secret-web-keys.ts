import { hkdfSync } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WebKeySource, WebKeys } from '../web/session.ts';
import { CachedSecret } from './cached-secret.ts';

/**
 * The web function's keys, derived (HKDF-SHA256, one label per use) from the session key secret: one secret to
 * rotate, and a key for each purpose, so a cookie can never be replayed as a form token. Read on first use and
 * kept for the container's life; a failed read is not kept, so the next request tries again.
 */
export class SecretWebKeys implements WebKeySource {
  private readonly secret: CachedSecret<WebKeys>;

  constructor(client: SecretsManagerClient, secretId: string) {
    this.secret = new CachedSecret(client, secretId, (value) => {
      if (!value || value.length < 32) throw new Error('The session key secret is missing or too short');
      const derive = (label: string) => new Uint8Array(hkdfSync('sha256', value, 'csp-web', label, 32));
      return { cookies: derive('console session cookies v1'), forms: derive('contact form tokens v1') };
    });
  }

  keys(): Promise<WebKeys> {
    return this.secret.read();
  }
}
