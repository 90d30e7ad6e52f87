/**
 * The outbox sweeper's Lambda entry point against DynamoDB Local: each run publishes its backlog as a
 * CloudWatch embedded-metric-format line, the name, namespace and dimension the stack's alarm watches.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DynamoDbEnquiryRepository } from '../../functions/adapters/dynamodb-enquiry-repository.ts';
import { ENV } from '../../functions/config.ts';
import { CUSTOM_METRICS, metricsNamespace } from '../../functions/metrics.ts';
import { aFreshTable } from '../support/dynamodb.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';

const ENVIRONMENT = {
  AWS_REGION: 'eu-west-2',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: inject('localCloud').dynamodb,
  [ENV.eventBusName]: 'unused-bus',
  [ENV.outboxGraceSeconds]: '120',
  POWERTOOLS_SERVICE_NAME: 'csp-outbox-sweeper',
  POWERTOOLS_METRICS_NAMESPACE: metricsNamespace('test'),
  // The local cloud turns metrics off for the functions it runs; this test is about them.
  POWERTOOLS_METRICS_DISABLED: 'false',
};
const saved = new Map<string, string | undefined>();
let handler: () => Promise<unknown>;

beforeAll(async () => {
  const { documentClient, tableName } = await aFreshTable();
  for (const [name, value] of Object.entries({ ...ENVIRONMENT, [ENV.tableName]: tableName })) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  const enquiries = new DynamoDbEnquiryRepository(documentClient, tableName, 30);
  // In the outbox since an hour ago, but not due again for a while: counted, not republished.
  const enquiry = aStoredEnquiry({
    reference: await enquiries.nextReference(2026),
    receivedAt: new Date(Date.now() - 60 * 60 * 1000).toISOString(),
  });
  await enquiries.create(enquiry);
  await enquiries.deferOutbox(enquiry.reference, new Date(Date.now() + 60 * 60 * 1000).toISOString());
  ({ handler } = await import('../../functions/outbox-sweeper-handler.ts'));
});

afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('outbox sweeper handler', () => {
  it('publishes the backlog as an embedded metric the alarm can read', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await handler();
    } finally {
      spy.mockRestore();
    }

    const metricLines = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(metricLines).toHaveLength(1);
    const [line] = metricLines;
    expect(line?.['_aws']).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: metricsNamespace('test'),
          Dimensions: [['service']],
          Metrics: [{ Name: CUSTOM_METRICS.outboxBacklog, Unit: 'Count' }],
        },
      ],
    });
    expect(line?.['service']).toBe('csp-outbox-sweeper');
    expect(line?.[CUSTOM_METRICS.outboxBacklog]).toBe(1);
  });
});
