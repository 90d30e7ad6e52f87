import { describe, expect, it } from 'vitest';
import { SCHEDULES, type ScheduleSpec } from '../../functions/topology.ts';
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

  it.each([
    // GMT: 08:00 in London is 08:00 UTC; Friday evening → Monday morning.
    ['2026-11-27T18:00:00Z', '2026-11-30T08:00:00.000Z'],
    // BST: 08:00 in London is 07:00 UTC.
    ['2026-06-10T09:00:00Z', '2026-06-11T07:00:00.000Z'],
    // Across the change to BST on Sunday 29 March 2026: Friday in GMT, Monday in BST.
    ['2026-03-27T09:00:00Z', '2026-03-30T07:00:00.000Z'],
  ])(
    'evaluates a cron in its schedule’s time zone: from %s the next 08:00 UK weekday is %s',
    (from, expected) => {
      expect(nextFireTime('cron(0 8 ? * MON-FRI *)', at(from), 'Europe/London').toISOString()).toBe(expected);
    },
  );

  it('rejects expressions it cannot honour rather than guessing', () => {
    expect(() => nextFireTime('at(2026-12-01T00:00:00)', new Date())).toThrow(/Unsupported/);
    expect(() => nextFireTime('cron(0 0 L * ? *)', new Date())).toThrow(/not supported/);
  });

  it('understands every schedule in the topology', () => {
    for (const schedule of Object.values(SCHEDULES) as ScheduleSpec[]) {
      expect(nextFireTime(schedule.expression, new Date(), schedule.timeZone).getTime()).toBeGreaterThan(
        Date.now(),
      );
    }
  });
});
