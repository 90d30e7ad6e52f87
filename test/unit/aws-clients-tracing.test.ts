/**
 * The AWS client modules as Lambda loads them: every client but SES records its calls as X-Ray subsegments
 * (SES's error messages quote addresses), and outside Lambda none is touched.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const LAMBDA = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: 'csp-test',
  AWS_REGION: 'eu-west-2',
};

async function clientMiddlewares(environment: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  const [{ documentClient }, { eventBridgeClient }, { secretsManagerClient }, { sqsClient }, { sesClient }] =
    await Promise.all([
      import('../../functions/adapters/clients/dynamodb.ts'),
      import('../../functions/adapters/clients/eventbridge.ts'),
      import('../../functions/adapters/clients/secrets-manager.ts'),
      import('../../functions/adapters/clients/sqs.ts'),
      import('../../functions/adapters/clients/ses.ts'),
    ]);
  const traced = (client: { middlewareStack: { identify(): string[] } }) =>
    client.middlewareStack.identify().some((name) => /xray/i.test(name));
  return {
    dynamodb: traced(documentClient),
    eventbridge: traced(eventBridgeClient),
    secretsManager: traced(secretsManagerClient),
    sqs: traced(sqsClient),
    ses: traced(sesClient),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('AWS clients', () => {
  it('trace every call but SES’s when running in Lambda', async () => {
    expect(await clientMiddlewares(LAMBDA)).toEqual({
      dynamodb: true,
      eventbridge: true,
      secretsManager: true,
      sqs: true,
      ses: false,
    });
  });

  it('are left as they are outside Lambda', async () => {
    expect(
      Object.values(await clientMiddlewares({ AWS_REGION: 'eu-west-2', AWS_EXECUTION_ENV: '' })),
    ).toEqual([false, false, false, false, false]);
  });
});
