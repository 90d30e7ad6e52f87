/**
 * Calendar dates as the partnership lives them: in UK time. A chair term starting on 1 April starts at
 * midnight in Ashford, which is 23:00 UTC the day before during British Summer Time.
 */
const UK_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The UK calendar date (YYYY-MM-DD) of an instant. */
export function ukDate(instant: Date): string {
  return UK_DATE.format(instant);
}
