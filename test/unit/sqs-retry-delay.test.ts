import { describe, expect, it } from 'vitest';
import { queueUrlFromArn } from '../../functions/adapters/sqs-retry-delay.ts';
import {
  backoffSeconds,
  OUTAGE_TO_OUTLAST_SECONDS,
  QUEUES,
  retryHorizonSeconds,
} from '../../functions/topology.ts';

describe('backoffSeconds', () => {
  it('doubles from the base on each receive, up to the cap', () => {
    const policy = { baseSeconds: 10, maxSeconds: 300 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffSeconds(n, policy))).toEqual([
      10, 20, 40, 80, 160, 300, 300,
    ]);
  });

  it("never exceeds SQS's 12-hour visibility limit", () => {
    expect(backoffSeconds(40, { baseSeconds: 60, maxSeconds: 10 ** 9 })).toBe(43_200);
  });
});

describe('retryHorizonSeconds', () => {
  it('is when the last try happens: the back-offs after every receive but the last', () => {
    expect(
      retryHorizonSeconds({ maxReceiveCount: 4, retryBackoff: { baseSeconds: 10, maxSeconds: 25 } }),
    ).toBe(10 + 20 + 25);
    expect(
      retryHorizonSeconds({ maxReceiveCount: 1, retryBackoff: { baseSeconds: 30, maxSeconds: 3600 } }),
    ).toBe(0);
  });

  it('outlasts a 6-hour outage with the queues’ settings', () => {
    for (const spec of Object.values(QUEUES)) {
      expect(retryHorizonSeconds(spec)).toBeGreaterThanOrEqual(OUTAGE_TO_OUTLAST_SECONDS);
    }
  });
});

describe('queueUrlFromArn', () => {
  it('builds the standard queue URL', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-2:123456789012:csp-dev-mail')).toBe(
      'https://sqs.eu-west-2.amazonaws.com/123456789012/csp-dev-mail',
    );
  });

  it('refuses something that is not a queue ARN', () => {
    expect(() => queueUrlFromArn('not-an-arn')).toThrow(/Not an SQS queue ARN/);
  });
});
