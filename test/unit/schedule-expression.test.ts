import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../functions/topology.ts';
import { nextFireTime } from '../../local/schedule-expression.ts';

const at = (iso: string) => new Date(iso);

describe('nextFireTime', () => {
  it.each([
    ['rate(1 minute)', '2026-11-26T10:00:30Z', '2026-11-26T10:01:30.000Z'],
    ['rate(5 minutes)', '2026-11-26T10:00:00Z', '2026-11-26T10:05:00.000Z'],
    ['rate(1 day)', '2026-11-26T10:00:00Z', '2026-11-27T10:00:00.000Z'],
    ['cron(0 6 1 4 ? *)', '2026-11-26T10:00:00Z', '2027-04-01T06:00:00.000Z'],
    ['cron(15 10 ? * MON-FRI *)', '2026-11-28T09:00:00Z', '2026-11-30T10:15:00.000Z'],
    ['cron(0/30 * * * ? *)', '2026-11-26T10:01:00Z', '2026-11-26T10:30:00.000Z'],
  ])('%s after %s is %s', (expression, from, expected) => {
    expect(nextFireTime(expression, at(from)).toISOString()).toBe(expected);
  });

  it('rejects expressions it cannot honour rather than guessing', () => {
    expect(() => nextFireTime('at(2026-12-01T00:00:00)', new Date())).toThrow(/Unsupported/);
    expect(() => nextFireTime('cron(0 0 L * ? *)', new Date())).toThrow(/not supported/);
  });

  it('understands every schedule in the topology', () => {
    for (const schedule of Object.values(SCHEDULES)) {
      expect(nextFireTime(schedule.expression, new Date()).getTime()).toBeGreaterThan(Date.now());
    }
  });
});
