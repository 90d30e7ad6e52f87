/**
 * How the partnership publishes counts of enquiries without letting anyone single one out (statistical
 * disclosure control, as the ONS practises it): a count under 5 is published as `<5`; and because every table
 * of a dimension sums to a total a reader can learn from another table, a table whose small cells would then
 * be pinned to an exact value (one small cell, or small cells that can only all be 4) has its smallest cells
 * combined with their neighbours into one row, published exactly. Pure: the counters it is given come from
 * the statistics consumer's monthly items, never from reading enquiries.
 */

/** Counts below this are published as {@link SMALL}. */
export const SMALL_COUNT_LIMIT = 5;

/** What a small count is published as. */
export const SMALL = '<5';

/** A published count: exact when at least {@link SMALL_COUNT_LIMIT}, else {@link SMALL}. */
export type PublishedCount = number | typeof SMALL;

/** One row of a published table: one key, or several combined so that none of them can be singled out. */
export interface PublishedRow {
  readonly keys: readonly string[];
  readonly count: PublishedCount;
}

/** `n` as published. */
export function published(n: number): PublishedCount {
  return n >= SMALL_COUNT_LIMIT ? n : SMALL;
}

/** A count to publish: `mayBeZero` false for a key listed only because it was seen (so it is at least 1). */
export type CountEntry = readonly [key: string, count: number, mayBeZero?: boolean];

/**
 * A table of counts (in the order to publish them) as published: small counts as `<5`, and keys combined until
 * no small count can be worked out from the table's total. A key that is always listed, zero or not, may be
 * 0; one listed only when seen (a postcode sector) is known to be at least 1, which a reader can use too.
 */
export function publishTable(counts: readonly CountEntry[]): PublishedRow[] {
  let rows = counts.map(([key, count, mayBeZero = true]) => ({ keys: [key], count, mayBeZero }));
  while (rows.length > 1 && smallCountsArePinned(rows)) {
    const small = rows.filter((row) => row.count > 0 && row.count < SMALL_COUNT_LIMIT);
    const first = small.reduce((a, b) => (b.count < a.count ? b : a));
    const others = rows.filter((row) => row !== first);
    const partner = others.reduce((a, b) => (b.count < a.count ? b : a));
    // The combined row takes the place of the earlier of the two, its keys in the table's order.
    const [earlier, later] =
      rows.indexOf(first) < rows.indexOf(partner) ? [first, partner] : [partner, first];
    const merged = {
      keys: [...earlier.keys, ...later.keys],
      count: first.count + partner.count,
      mayBeZero: first.mayBeZero && partner.mayBeZero,
    };
    const at = rows.indexOf(earlier);
    rows = rows.filter((row) => row !== first && row !== partner);
    rows.splice(at, 0, merged);
  }
  return rows.map((row) => ({ keys: row.keys, count: published(row.count) }));
}

/**
 * True when a reader who knows the table's total could work out a small count exactly (and it is not zero):
 * the small cells together hold `total − Σ exact cells`, each between its least (0, or 1 for a key listed only
 * when seen) and 4.
 */
export function smallCountsArePinned(
  rows: readonly { readonly count: number; readonly mayBeZero?: boolean }[],
): boolean {
  const small = rows.filter((row) => row.count < SMALL_COUNT_LIMIT);
  const hidden = small.reduce((total, row) => total + row.count, 0);
  const max = SMALL_COUNT_LIMIT - 1;
  const least = (row: { readonly mayBeZero?: boolean }) => (row.mayBeZero === false ? 1 : 0);
  const leastOfAll = small.reduce((sum, row) => sum + least(row), 0);
  return small.some((row) => {
    const lowest = Math.max(least(row), hidden - max * (small.length - 1));
    const highest = Math.min(max, hidden - (leastOfAll - least(row)));
    return lowest === highest && lowest >= 1;
  });
}

/** The median of a histogram of whole days (`{ 2: 10, 3: 4 }`), or null from fewer than 5 values. */
export function medianDays(histogram: Readonly<Record<number, number>>): number | null {
  const entries = Object.entries(histogram)
    .map(([days, count]) => [Number(days), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total < SMALL_COUNT_LIMIT) return null;
  const valueAt = (position: number): number => {
    let seen = 0;
    for (const [days, count] of entries) {
      seen += count;
      if (seen > position) return days;
    }
    return entries.at(-1)?.[0] ?? 0;
  };
  const middle = Math.floor(total / 2);
  return total % 2 === 1 ? valueAt(middle) : (valueAt(middle - 1) + valueAt(middle)) / 2;
}
