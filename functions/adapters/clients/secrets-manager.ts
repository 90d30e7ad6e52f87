/**
 * The Secrets Manager client, created once per container; `AWS_ENDPOINT_URL_SECRETS_MANAGER` points it at the
 * local cloud.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from './tracer.ts';

export const secretsManagerClient = tracer.captureAWSv3Client(new SecretsManagerClient({}));
