/**
 * Parses EventBridge Scheduler expressions for the local scheduler: `rate(n unit)` and
 * `cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC or, as Scheduler does, in the
 * schedule's time zone.
 */

/** When the expression next fires after `from`, or throws for an unsupported expression. */
export function nextFireTime(expression: string, from: Date, timeZone = 'UTC'): Date {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const amount = Number(rate[1]);
    const unitMs = rate[2]!.startsWith('minute')
      ? 60_000
      : rate[2]!.startsWith('hour')
        ? 3_600_000
        : 86_400_000;
    if (amount < 1) throw new Error(`Invalid rate in ${expression}`);
    return new Date(from.getTime() + amount * unitMs);
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) return nextCronTime(cron[1]!, from, timeZone);
  throw new Error(`Unsupported schedule expression: ${expression}`);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseField(
  field: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = min,
): Set<number> {
  const values = new Set<number>();
  const toNumber = (token: string) => {
    const named = names.indexOf(token.toUpperCase());
    const value = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`Bad cron value ${token}`);
    return value;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let start = min;
    let end = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range!.split('-');
      start = toNumber(a!);
      end = b !== undefined ? toNumber(b) : stepText ? max : start;
    }
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return values;
}

/** The wall-clock fields of an instant in `timeZone`. */
function wallClock(format: Intl.DateTimeFormat, t: Date) {
  const parts = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  return {
    minute: Number(parts.minute),
    hour: Number(parts.hour) % 24,
    day: Number(parts.day),
    month: Number(parts.month),
    year: Number(parts.year),
    weekday: DAYS.indexOf(String(parts.weekday).toUpperCase()),
  };
}

function nextCronTime(body: string, from: Date, timeZone: string): Date {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron() needs 6 fields, got ${fields.length}: ${body}`);
  const [min, hour, dom, mon, dow, year] = fields as [string, string, string, string, string, string];
  if (/[LW#]/.test(dom + dow)) throw new Error(`cron L, W and # are not supported locally: ${body}`);
  const minutes = parseField(min, 0, 59);
  const hours = parseField(hour, 0, 23);
  const daysOfMonth = dom === '?' ? undefined : parseField(dom, 1, 31);
  const months = parseField(mon, 1, 12, MONTHS, 1);
  // EventBridge numbers days of the week 1 (SUN) to 7 (SAT).
  const daysOfWeek = dow === '?' ? undefined : parseField(dow, 1, 7, DAYS, 1);
  const years = year === '*' ? undefined : parseField(year, 1970, 2199);
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  });
  const t = new Date(from.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  // Minute steps over at most a few years; fine for a local scheduler evaluated rarely. Zones we use are
  // whole hours from UTC, so the minute is checked before the (slower) wall-clock conversion.
  for (let i = 0; i < 60 * 24 * 366 * 5; i++) {
    if (minutes.has(t.getUTCMinutes())) {
      const local = wallClock(format, t);
      const matches =
        minutes.has(local.minute) &&
        hours.has(local.hour) &&
        months.has(local.month) &&
        (!daysOfMonth || daysOfMonth.has(local.day)) &&
        (!daysOfWeek || daysOfWeek.has(local.weekday + 1)) &&
        (!years || years.has(local.year));
      if (matches) return t;
    }
    t.setUTCMinutes(t.getUTCMinutes() + 1);
  }
  throw new Error(`cron(${body}) never fires within five years`);
}
