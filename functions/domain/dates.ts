/**
 * Calendar dates as the partnership lives them: in UK time. A chair term starting on 1 April starts at
 * midnight in Ashford, which is 23:00 UTC the day before during British Summer Time.
 */
// Built on first use: constructing a formatter loads time-zone data, a cost every cold start would pay.
let ukDateFormat: Intl.DateTimeFormat | undefined;

/** The UK calendar date (YYYY-MM-DD) of an instant. */
export function ukDate(instant: Date): string {
  ukDateFormat ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return ukDateFormat.format(instant);
}
