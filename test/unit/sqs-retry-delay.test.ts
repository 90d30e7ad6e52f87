import { describe, expect, it } from 'vitest';
import { backoffSeconds, queueUrlFromArn } from '../../functions/adapters/sqs-retry-delay.ts';

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
