import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A secret read from Secrets Manager on first use (not at cold start: most requests never need it) and kept,
 * as `parse` makes it, for the container's life. A failed read or parse is not kept: the next use tries again.
 */
export class CachedSecret<T> {
  private value: Promise<T> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    /** Checks the secret's text and turns it into what callers use; throws when it is unusable. */
    private readonly parse: (secret: string | undefined) => T,
  ) {}

  read(): Promise<T> {
    this.value ??= this.client
      .send(new GetSecretValueCommand({ SecretId: this.secretId }))
      .then(({ SecretString }) => this.parse(SecretString));
    this.value.catch(() => {
      this.value = undefined;
    });
    return this.value;
  }
}
