/**
 * Publishing counts without singling anyone out: small counts as `<5`, combined rows where a table's total
 * would give a small count away, and a reader who knows every total and tries to work a count out.
 */
import { describe, expect, it } from 'vitest';
import {
  medianDays,
  type PublishedRow,
  published,
  publishTable,
  SMALL,
  smallCountsArePinned,
} from '../../functions/domain/open-statistics.ts';

/** What a reader can work out about each key's count from a published table and the table's true total. */
function readerBounds(rows: readonly PublishedRow[], total: number): Map<string, [number, number]> {
  const exact = rows.filter((row) => row.count !== SMALL);
  const small = rows.filter((row) => row.count === SMALL);
  const hidden = total - exact.reduce((sum, row) => sum + (row.count as number), 0);
  const bounds = new Map<string, [number, number]>();
  for (const row of small) {
    // Each small row holds 0–4; together they hold `hidden`.
    const lowest = Math.max(0, hidden - 4 * (small.length - 1));
    const highest = Math.min(4, hidden);
    for (const key of row.keys) bounds.set(key, row.keys.length === 1 ? [lowest, highest] : [0, highest]);
  }
  for (const row of exact) {
    for (const key of row.keys) {
      bounds.set(
        key,
        row.keys.length === 1 ? [row.count as number, row.count as number] : [0, row.count as number],
      );
    }
  }
  return bounds;
}

/** True when the reader pins some key to an exact count between 1 and 4. */
function singlesOut(rows: readonly PublishedRow[], total: number): boolean {
  return [...readerBounds(rows, total).values()].some(([low, high]) => low === high && low >= 1 && low <= 4);
}

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('published counts', () => {
  it.each([
    [0, SMALL],
    [1, SMALL],
    [4, SMALL],
    [5, 5],
    [123, 123],
  ])('publishes %d as %s', (n, expected) => {
    expect(published(n)).toBe(expected);
  });
});

describe('publishTable', () => {
  it('publishes counts of 5 or more exactly and smaller ones as <5, in the given order', () => {
    expect(
      publishTable([
        ['parking', 12],
        ['noise', 0],
        ['drugs', 3],
        ['scams', 7],
      ]),
    ).toEqual([
      { keys: ['parking'], count: 12 },
      { keys: ['noise'], count: SMALL },
      { keys: ['drugs'], count: SMALL },
      { keys: ['scams'], count: 7 },
    ]);
  });

  it('combines a lone small count with the smallest other, so the total cannot give it away', () => {
    const rows = publishTable([
      ['parking', 12],
      ['drugs', 1],
      ['scams', 7],
    ]);

    expect(rows).toEqual([
      { keys: ['parking'], count: 12 },
      { keys: ['drugs', 'scams'], count: 8 },
    ]);
    expect(
      singlesOut(
        publishTable([
          ['parking', 12],
          ['drugs', 1],
          ['scams', 7],
        ]),
        20,
      ),
    ).toBe(false);
    // Without combining, a reader who knows the total (20) reads drugs = 1.
    expect(
      singlesOut(
        [
          { keys: ['parking'], count: 12 },
          { keys: ['drugs'], count: SMALL },
          { keys: ['scams'], count: 7 },
        ],
        20,
      ),
    ).toBe(true);
  });

  it('combines small counts that could only all be 4', () => {
    const rows = publishTable([
      ['a', 4],
      ['b', 4],
      ['c', 9],
    ]);

    expect(rows).toEqual([
      { keys: ['a', 'b'], count: 8 },
      { keys: ['c'], count: 9 },
    ]);
  });

  it('counts a key listed only when seen as at least 1, as a reader would', () => {
    // Sectors [1, 1, 40] with a total of 42: both small ones hold 2 and each is at least 1, so each is 1.
    expect(
      smallCountsArePinned([{ count: 1, mayBeZero: false }, { count: 1, mayBeZero: false }, { count: 40 }]),
    ).toBe(true);
    expect(smallCountsArePinned([{ count: 1 }, { count: 1 }, { count: 40 }])).toBe(false);
    expect(
      publishTable([
        ['TN23 1', 1, false],
        ['TN24 8', 1, false],
        ['TN25 4', 40, false],
      ]),
      // Combined, the two would still be known to hold one each: all three go together.
    ).toEqual([{ keys: ['TN23 1', 'TN24 8', 'TN25 4'], count: 42 }]);
  });

  it('leaves small counts alone when they cover each other', () => {
    expect(smallCountsArePinned([{ count: 0 }, { count: 3 }, { count: 10 }])).toBe(false);
    expect(smallCountsArePinned([{ count: 2 }, { count: 1 }, { count: 10 }])).toBe(false);
    expect(smallCountsArePinned([{ count: 0 }, { count: 10 }])).toBe(false);
    expect(smallCountsArePinned([{ count: 3 }, { count: 10 }])).toBe(true);
    expect(smallCountsArePinned([{ count: 4 }, { count: 4 }])).toBe(true);
  });

  it('never lets a reader who knows the total single out a count, over 5,000 random tables', () => {
    const next = random(2026);
    for (let table = 0; table < 5000; table++) {
      const size = 1 + Math.floor(next() * 8);
      const counts = Array.from({ length: size }, (_, i) => {
        const roll = next();
        const count = roll < 0.4 ? Math.floor(next() * 5) : roll < 0.5 ? 4 : Math.floor(next() * 40);
        return [`k${i}`, count] as const;
      });
      const total = counts.reduce((sum, [, count]) => sum + count, 0);
      const rows = publishTable(counts);

      // Every key is published once; every count is exact and at least 5, or <5.
      expect(rows.flatMap((row) => row.keys).sort()).toEqual(counts.map(([key]) => key).sort());
      for (const row of rows) expect(row.count === SMALL || (row.count as number) >= 5).toBe(true);
      // A single row is the table's total itself: when it is small nobody can know it from another table.
      if (rows.length > 1) expect(singlesOut(rows, total), JSON.stringify(counts)).toBe(false);
    }
  });

  it('keeps two tables of the same enquiries from singling anyone out together', () => {
    // Enquiries by category and by postcode sector; the total is known from the month table.
    const byCategory: [string, number][] = [
      ['parking', 20],
      ['noise', 1],
      ['drugs', 9],
    ];
    const bySector: [string, number][] = [
      ['TN23 1', 25],
      ['TN24 8', 2],
      ['TN25 4', 3],
    ];
    const total = 30;

    expect(singlesOut(publishTable(byCategory), total)).toBe(false);
    expect(singlesOut(publishTable(bySector), total)).toBe(false);
  });
});

describe('medianDays', () => {
  it('is the middle of the histogram, or the mean of the two middles', () => {
    expect(medianDays({ 1: 2, 3: 2, 10: 1 })).toBe(3);
    expect(medianDays({ 1: 3, 5: 3 })).toBe(3);
    expect(medianDays({ 2: 5 })).toBe(2);
    expect(medianDays({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 })).toBe(2.5);
  });

  it('is not published from fewer than 5 values', () => {
    expect(medianDays({ 1: 2, 3: 2 })).toBeNull();
    expect(medianDays({ 1: 0, 3: 0 })).toBeNull();
    expect(medianDays({})).toBeNull();
  });
});
