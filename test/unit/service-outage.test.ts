/**
 * A database outage is a 503 with Retry-After, never a 500: the SDK's own errors are classified (built as the
 * SDK builds them, not mocked), and the API is run against a DynamoDB endpoint that refuses connections.
 */
import net from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isServiceOutage } from '../../functions/adapters/aws-outage.ts';
import { createDocumentClient } from '../../functions/adapters/clients/dynamodb.ts';
import { DynamoDbDirectoryRepository } from '../../functions/adapters/dynamodb-directory-repository.ts';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { DynamoDbReferenceDataRepository } from '../../functions/adapters/dynamodb-reference-data-repository.ts';
import { createApi } from '../../functions/api/app.ts';
import { RETRY_AFTER_OUTAGE_SECONDS } from '../../functions/api/problem.ts';
import { aSeededPartnership } from '../support/in-memory-governance.ts';
import {
  aClock,
  InMemoryAuditTrail,
  InMemoryCases,
  InMemoryEnquiries,
  InMemoryOpen311Clients,
  InMemoryStatisticsStore,
  RecordingPublisher,
  testHasher,
} from '../support/in-memory-ports.ts';

const metadata = { $metadata: {} };

describe('isServiceOutage', () => {
  it('counts throttling, the service’s own failures and unreachable endpoints as outages', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
    const serverError = Object.assign(new Error('Internal'), { $metadata: { httpStatusCode: 500 } });

    expect(
      isServiceOutage(new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata })),
    ).toBe(true);
    expect(isServiceOutage(refused)).toBe(true);
    expect(isServiceOutage(new Error('request failed', { cause: refused }))).toBe(true);
    expect(isServiceOutage(serverError)).toBe(true);
    expect(isServiceOutage(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('does not count our own mistakes or the client’s', () => {
    expect(isServiceOutage(new ConditionalCheckFailedException({ message: 'no', ...metadata }))).toBe(false);
    expect(isServiceOutage(new ResourceNotFoundException({ message: 'no table', ...metadata }))).toBe(false);
    expect(isServiceOutage(Object.assign(new Error('bad'), { $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
    expect(isServiceOutage(new TypeError('undefined is not a function'))).toBe(false);
    expect(isServiceOutage('ECONNREFUSED')).toBe(false);
  });
});

/** A port nothing listens on: connections to it are refused at once. */
async function aClosedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the API while DynamoDB is unreachable', async () => {
  const port = await aClosedPort();
  const unreachable = createDocumentClient(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
  );
  const referenceData = new DynamoDbReferenceDataRepository(unreachable, 'csp-test');
  const clock = aClock();
  const { governance, records } = await aSeededPartnership(clock());
  const cases = new InMemoryCases(new InMemoryEnquiries());
  const app = createApi({
    enquiries: new DynamoDbEnquiryRepository(unreachable, 'csp-test', 30),
    cases,
    audit: new InMemoryAuditTrail(cases),
    statistics: new InMemoryStatisticsStore(),
    open311Clients: new InMemoryOpen311Clients(),
    referenceData,
    cachedReferenceData: referenceData,
    governance,
    directory: new DynamoDbDirectoryRepository(unreachable, 'csp-test'),
    records,
    staffTokens: {
      async verify() {
        throw new Error('no staff routes here');
      },
    },
    personalData: testHasher,
    events: new RecordingPublisher(),
    clock,
    logger: new Logger({ logLevel: 'SILENT' }),
    publicApiUrl: 'https://api.example',
    statusPageBaseUrl: 'https://www.example/report',
    allowedOrigins: [],
  });

  it.each([
    ['GET', '/enquiry-categories', undefined],
    ['GET', '/enquiries/CSU-2026-000001/status?token=abc', undefined],
    [
      'POST',
      '/enquiries',
      JSON.stringify({
        category: 'parking',
        description: 'A van on the pavement',
        email: 'sam@resident.example',
      }),
    ],
  ])('answers %s %s with 503 problem+json and Retry-After', async (method, path, body) => {
    const response = await app.request(path, {
      method,
      body,
      headers: body ? { 'content-type': 'application/json' } : {},
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_OUTAGE_SECONDS));
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe('urn:csp:problem:service-unavailable');
    expect(problem.detail).not.toContain('127.0.0.1');
  });
});
