/**
 * Working days in England and Wales: Monday to Friday except bank holidays, counted in UK time. Response-time
 * targets for enquiries ("within 10 working days") are measured in these.
 */
import {
  BANK_HOLIDAYS_FIRST_YEAR,
  BANK_HOLIDAYS_LAST_YEAR,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
} from './bank-holidays.ts';
import { ukDate } from './dates.ts';

const BANK_HOLIDAYS = new Set(ENGLAND_AND_WALES_BANK_HOLIDAYS);
const DAY_MS = 86_400_000;

// Built on first use, like the formatter in dates.ts: constructing one loads time-zone data.
let ukOffsetFormat: Intl.DateTimeFormat | undefined;

/** Year, month (1–12) and day of a YYYY-MM-DD date; throws RangeError unless it is a real calendar date. */
function parseDate(date: string): [year: number, month: number, day: number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  // Date.UTC rolls 31 February over into March; a date that does not survive the round trip is not real.
  if (!match || new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return [year, month, day];
}

/** The calendar date after a YYYY-MM-DD date. Dates have no time zone, so UTC arithmetic is exact. */
function nextDate(date: string): string {
  const [year, month, day] = parseDate(date);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/** Whole days from one YYYY-MM-DD date to another (negative if `to` is earlier). */
function daysBetween(from: string, to: string): number {
  const [fromYear, fromMonth, fromDay] = parseDate(from);
  const [toYear, toMonth, toDay] = parseDate(to);
  return Math.round(
    (Date.UTC(toYear, toMonth - 1, toDay) - Date.UTC(fromYear, fromMonth - 1, fromDay)) / DAY_MS,
  );
}

/** How far UK clocks are ahead of UTC at an instant, in milliseconds (0 in GMT, 3,600,000 in BST). */
function ukOffsetMs(instant: Date): number {
  ukOffsetFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    timeZoneName: 'longOffset',
  });
  const zone = ukOffsetFormat.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value;
  // 'GMT' when the offset is zero, otherwise 'GMT+01:00'.
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(zone ?? '');
  if (!match) throw new Error(`Unexpected time-zone offset for Europe/London: ${zone}`);
  if (!match[1]) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000);
}

/**
 * Whether a UK calendar date is a working day in England and Wales: not a Saturday, Sunday or bank holiday.
 *
 * @param date - A calendar date, YYYY-MM-DD.
 * @throws RangeError if `date` is not a calendar date.
 * @throws Error if the year is outside the generated bank-holiday table: a stale table must fail loudly, not
 *   silently count a bank holiday as a working day.
 */
export function isWorkingDay(date: string): boolean {
  const [year, month, day] = parseDate(date);
  if (year < BANK_HOLIDAYS_FIRST_YEAR || year > BANK_HOLIDAYS_LAST_YEAR) {
    throw new Error(
      `No bank holidays known for ${year}: ` +
        `the table covers ${BANK_HOLIDAYS_FIRST_YEAR}–${BANK_HOLIDAYS_LAST_YEAR}. ` +
        'Extend the range in scripts/generate-bank-holidays.ts and run `npm run generate:bank-holidays`.',
    );
  }
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !BANK_HOLIDAYS.has(date);
}

/**
 * The instant 00:00 UK time starts a calendar date: midnight GMT in winter, 23:00 UTC the day before in BST.
 * UK clocks change at 01:00 UTC, so midnight exists (once) on both change days.
 *
 * @param date - A calendar date, YYYY-MM-DD.
 * @throws RangeError if `date` is not a calendar date.
 */
export function ukMidnight(date: string): Date {
  const [year, month, day] = parseDate(date);
  const utcMidnight = Date.UTC(year, month - 1, day);
  // The offset at UTC midnight is the offset at UK midnight unless the clocks change between the two;
  // taking the offset again at the candidate catches that case.
  const candidate = utcMidnight - ukOffsetMs(new Date(utcMidnight));
  return new Date(utcMidnight - ukOffsetMs(new Date(candidate)));
}

/**
 * Inclusive UK dates (a filter's `from` and `to`, either optional) as the instants `[from, before)` they span.
 */
export function ukDateRange(fromDate?: string, toDate?: string): { from?: string; before?: string } {
  return {
    from: fromDate ? ukMidnight(fromDate).toISOString() : undefined,
    before: toDate ? ukMidnightAfter(toDate).toISOString() : undefined,
  };
}

/** The instant the UK calendar day after `date` starts: the exclusive end of `date`, as a filter's "to". */
function ukMidnightAfter(date: string): Date {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return ukMidnight(next.toISOString().slice(0, 10));
}

/**
 * The deadline for doing something "within N working days" of an instant: the end of the Nth working day
 * strictly after the UK calendar date of `from` (the day something arrives does not count, however early).
 * The end of a day is the instant the next UK calendar day starts, so work done any time on the Nth working
 * day is in time: received Friday, 1 working day, is due by 00:00 UK time on Tuesday.
 *
 * @param from - When the clock starts, e.g. when an enquiry was received.
 * @param workingDays - N, a whole number of at least 1.
 * @throws RangeError if `workingDays` is not an integer ≥ 1 or `from` is not a valid date.
 * @throws Error if the count runs beyond the bank-holiday table (see {@link isWorkingDay}).
 */
export function workingDayDeadline(from: Date, workingDays: number): Date {
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`workingDays must be an integer of at least 1, not ${workingDays}`);
  }
  if (Number.isNaN(from.getTime())) throw new RangeError('from is not a valid date');
  let day = ukDate(from);
  for (let counted = 0; counted < workingDays; ) {
    day = nextDate(day);
    if (isWorkingDay(day)) counted++;
  }
  return ukMidnight(nextDate(day));
}

/**
 * How many whole UK calendar days something is overdue: the days from the last UK calendar date allowed to
 * the UK calendar date of `now`, never less than 0.
 *
 * The last date allowed is the UK date of the instant just before `dueBy` (dueBy − 1 ms), because deadlines
 * are usually UK midnight: due 2026-12-01T00:00Z means "by the end of 30 November", so at 09:00 on 1 December
 * the item is 1 day overdue and on 2 December 2 days. This counts days, not hours: something due at 15:00 is
 * 0 days overdue at 16:00 the same day; compare instants to decide whether it is late at all.
 *
 * @param dueBy - The deadline instant, e.g. from {@link workingDayDeadline}.
 * @param now - The current instant.
 */
export function calendarDaysOverdue(dueBy: Date, now: Date): number {
  const lastDayAllowed = ukDate(new Date(dueBy.getTime() - 1));
  return Math.max(0, daysBetween(lastDayAllowed, ukDate(now)));
}
