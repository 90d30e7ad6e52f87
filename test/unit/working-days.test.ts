import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BANK_HOLIDAYS_FIRST_YEAR,
  BANK_HOLIDAYS_LAST_YEAR,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
} from '../../functions/domain/bank-holidays.ts';
import {
  calendarDaysOverdue,
  isWorkingDay,
  ukDateRange,
  ukMidnight,
  workingDayDeadline,
} from '../../functions/domain/working-days.ts';
import { BANK_HOLIDAYS_MODULE, bankHolidaysModuleSource } from '../../scripts/generate-bank-holidays.ts';

const deadline = (from: string, workingDays: number) =>
  workingDayDeadline(new Date(from), workingDays).toISOString();

describe('working days in England and Wales', () => {
  it('are Monday to Friday', () => {
    expect(isWorkingDay('2026-11-27')).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29')).toBe(false); // Sunday
    expect(isWorkingDay('2026-11-30')).toBe(true); // Monday
  });

  it('exclude bank holidays: Good Friday and Easter Monday 2027, and the spring bank holiday 2026', () => {
    expect(isWorkingDay('2027-03-25')).toBe(true);
    expect(isWorkingDay('2027-03-26')).toBe(false);
    expect(isWorkingDay('2027-03-29')).toBe(false);
    expect(isWorkingDay('2027-03-30')).toBe(true);
    expect(isWorkingDay('2026-05-25')).toBe(false);
  });

  it('exclude substitute days when Christmas and Boxing Day fall at a weekend (27, 28 December 2027)', () => {
    expect(isWorkingDay('2027-12-24')).toBe(true);
    expect(isWorkingDay('2027-12-27')).toBe(false);
    expect(isWorkingDay('2027-12-28')).toBe(false);
    expect(isWorkingDay('2027-12-29')).toBe(true);
  });

  it('fail loudly outside the bank-holiday table, and for dates that are not calendar dates', () => {
    expect(() => isWorkingDay(`${BANK_HOLIDAYS_LAST_YEAR + 1}-01-05`)).toThrow(/generate:bank-holidays/);
    expect(() => isWorkingDay(`${BANK_HOLIDAYS_FIRST_YEAR - 1}-12-31`)).toThrow(/No bank holidays known/);
    expect(() => isWorkingDay('2026-02-29')).toThrow(RangeError);
    expect(() => isWorkingDay('26-11-27')).toThrow(RangeError);
  });
});

describe('working-day deadlines', () => {
  it('end at UK midnight after the Nth working day after the day received: Friday + 1 ends Monday', () => {
    expect(deadline('2026-11-27T16:00:00Z', 1)).toBe('2026-12-01T00:00:00.000Z');
    expect(deadline('2026-11-27T00:00:00Z', 1)).toBe('2026-12-01T00:00:00.000Z');
    expect(deadline('2026-11-30T08:00:00Z', 5)).toBe('2026-12-08T00:00:00.000Z');
  });

  it('skip Christmas, the weekend and the Boxing Day substitute day', () => {
    expect(deadline('2026-12-24T10:00:00Z', 1)).toBe('2026-12-30T00:00:00.000Z');
  });

  it('end at midnight UK time, which is 23:00 UTC in British Summer Time', () => {
    expect(deadline('2026-05-21T10:00:00Z', 1)).toBe('2026-05-22T23:00:00.000Z');
    // Friday 22 May + 1 skips the weekend and the spring bank holiday on Monday 25 May.
    expect(deadline('2026-05-22T10:00:00Z', 1)).toBe('2026-05-26T23:00:00.000Z');
  });

  it('start from the UK date: 23:30 UTC on a BST Thursday is already Friday in the UK', () => {
    expect(deadline('2026-05-21T23:30:00Z', 1)).toBe('2026-05-26T23:00:00.000Z');
  });

  it('count ten working days over Easter 2027', () => {
    // Thursday 25 March: 26 and 29 March are bank holidays, so the ten working days
    // are 30 March to 2 April, 5 to 9 April and Monday 12 April (BST).
    expect(deadline('2027-03-25T09:00:00Z', 10)).toBe('2027-04-12T23:00:00.000Z');
  });

  it('refuse a number of working days that is not a whole number of at least 1', () => {
    const from = new Date('2026-11-27T16:00:00Z');
    expect(() => workingDayDeadline(from, 0)).toThrow(RangeError);
    expect(() => workingDayDeadline(from, 1.5)).toThrow(RangeError);
    expect(() => workingDayDeadline(from, -1)).toThrow(RangeError);
    expect(() => workingDayDeadline(from, Number.NaN)).toThrow(RangeError);
  });

  it('fail loudly rather than run past the bank-holiday table', () => {
    expect(() => workingDayDeadline(new Date(`${BANK_HOLIDAYS_LAST_YEAR}-12-29T12:00:00Z`), 5)).toThrow(
      /No bank holidays known/,
    );
  });
});

describe('UK midnight', () => {
  it('is midnight UTC in GMT and 23:00 UTC the day before in BST', () => {
    expect(ukMidnight('2026-01-15').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(ukMidnight('2026-07-01').toISOString()).toBe('2026-06-30T23:00:00.000Z');
  });

  it('is right on the days the clocks change (at 01:00 UTC, after midnight)', () => {
    // Clocks go forward on 29 March 2026: midnight is still GMT; the next midnight is BST.
    expect(ukMidnight('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(ukMidnight('2026-03-30').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    // Clocks go back on 25 October 2026: midnight is still BST; the next midnight is GMT.
    expect(ukMidnight('2026-10-25').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(ukMidnight('2026-10-26').toISOString()).toBe('2026-10-26T00:00:00.000Z');
  });

  it('refuses a date that does not exist', () => {
    expect(() => ukMidnight('2026-13-01')).toThrow(RangeError);
  });
});

describe('calendar days overdue', () => {
  const dueBy = new Date('2026-12-01T00:00:00Z'); // the end of Monday 30 November

  it('is 0 until the deadline has passed, and on the last day allowed', () => {
    expect(calendarDaysOverdue(dueBy, new Date('2026-11-25T12:00:00Z'))).toBe(0);
    expect(calendarDaysOverdue(dueBy, new Date('2026-11-30T23:59:59Z'))).toBe(0);
  });

  it('is 1 the day after the last day allowed, and counts UK calendar days after that', () => {
    expect(calendarDaysOverdue(dueBy, new Date('2026-12-01T00:00:00Z'))).toBe(1);
    expect(calendarDaysOverdue(dueBy, new Date('2026-12-01T09:00:00Z'))).toBe(1);
    expect(calendarDaysOverdue(dueBy, new Date('2026-12-02T09:00:00Z'))).toBe(2);
    expect(calendarDaysOverdue(dueBy, new Date('2027-01-01T09:00:00Z'))).toBe(32);
  });

  it('uses UK dates in BST: due at UK midnight (23:00 UTC), overdue from UK midnight', () => {
    const dueInSummer = new Date('2026-05-22T23:00:00Z'); // the end of Friday 22 May
    expect(calendarDaysOverdue(dueInSummer, new Date('2026-05-22T22:59:59Z'))).toBe(0);
    expect(calendarDaysOverdue(dueInSummer, new Date('2026-05-22T23:30:00Z'))).toBe(1);
  });

  it('counts days, not hours: a deadline during the day is 0 days overdue later that day', () => {
    const dueAfternoon = new Date('2026-12-01T15:00:00Z');
    expect(calendarDaysOverdue(dueAfternoon, new Date('2026-12-01T16:00:00Z'))).toBe(0);
    expect(calendarDaysOverdue(dueAfternoon, new Date('2026-12-02T09:00:00Z'))).toBe(1);
  });
});

describe('the generated bank-holiday table', () => {
  it('is exactly what scripts/generate-bank-holidays.ts makes from the installed date-holidays', () => {
    const onDisk = readFileSync(BANK_HOLIDAYS_MODULE, 'utf8');
    expect(
      onDisk === bankHolidaysModuleSource(),
      'functions/domain/bank-holidays.ts is out of date or was edited by hand: ' +
        'run `npm run generate:bank-holidays`',
    ).toBe(true);
  });

  it('covers at least the next ten years from today, so it is extended well before it runs out', () => {
    const thisYear = new Date().getUTCFullYear();
    expect(
      BANK_HOLIDAYS_LAST_YEAR,
      'Raise LAST_YEAR in scripts/generate-bank-holidays.ts and run `npm run generate:bank-holidays`',
    ).toBeGreaterThanOrEqual(thisYear + 10);
    expect(BANK_HOLIDAYS_FIRST_YEAR).toBeLessThanOrEqual(thisYear);
  });

  it('holds sorted, distinct dates, all within its range, at least eight a year', () => {
    const dates = ENGLAND_AND_WALES_BANK_HOLIDAYS;
    expect([...new Set(dates)].sort()).toEqual(dates);
    for (let year = BANK_HOLIDAYS_FIRST_YEAR; year <= BANK_HOLIDAYS_LAST_YEAR; year++) {
      expect(dates.filter((date) => date.startsWith(`${year}-`)).length, `${year}`).toBeGreaterThanOrEqual(8);
    }
    expect(dates.every((date) => /^\d{4}-\d{2}-\d{2}$/.test(date))).toBe(true);
    expect(dates[0]!.startsWith(`${BANK_HOLIDAYS_FIRST_YEAR}-`)).toBe(true);
    expect(dates.at(-1)!.startsWith(`${BANK_HOLIDAYS_LAST_YEAR}-`)).toBe(true);
  });
});

describe('ukDateRange', () => {
  it('spans whole UK days, from the first midnight to the midnight after the last, in GMT and in BST', () => {
    expect(ukDateRange('2026-11-01', '2026-11-30')).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      before: '2026-12-01T00:00:00.000Z',
    });
    expect(ukDateRange('2026-07-01', '2026-07-01')).toEqual({
      from: '2026-06-30T23:00:00.000Z',
      before: '2026-07-01T23:00:00.000Z',
    });
  });

  it('leaves an end that was not given open', () => {
    expect(ukDateRange(undefined, '2026-03-28')).toEqual({
      from: undefined,
      before: '2026-03-29T00:00:00.000Z',
    });
    expect(ukDateRange('2026-03-29')).toEqual({ from: '2026-03-29T00:00:00.000Z', before: undefined });
    expect(ukDateRange()).toEqual({ from: undefined, before: undefined });
  });
});
