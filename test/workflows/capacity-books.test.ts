/** The gate's books (workflows/capacity-books.ts): pacing, the probe window, back-off, counts. */
import {
  admitted,
  coolingDown,
  newBooks,
  paceAllows,
  paceWaitMs,
  probeSlots,
  settled,
  type GateBooks,
} from '../../workflows/capacity-books';

const T0 = 1_800_000_000_000;

function booksAt(grantsPerSecond?: number): GateBooks {
  const books = newBooks(T0);
  books.settings = { source: 'metrics', quota: 100, ...(grantsPerSecond ? { grantsPerSecond } : {}) };
  return books;
}

describe('pace', () => {
  test('no budget: admissions are not paced', () => {
    const books = booksAt();
    expect(paceAllows(books, T0)).toBe(Infinity);
    expect(paceWaitMs(books, T0)).toBe(0);
  });

  test('the StartTaskContact budget, with a two-second burst', () => {
    const books = booksAt(10);
    expect(paceAllows(books, T0)).toBe(0);
    expect(paceWaitMs(books, T0)).toBe(100);
    expect(paceAllows(books, T0 + 1_000)).toBe(10);
    // Idle for a minute: the burst is two seconds' worth, not sixty.
    expect(paceAllows(books, T0 + 60_000)).toBe(20);
    admitted(books, 20, T0 + 60_000);
    expect(paceAllows(books, T0 + 60_000)).toBe(0);
    expect(paceWaitMs(books, T0 + 60_000)).toBe(100);
    expect(paceAllows(books, T0 + 60_500)).toBe(5);
  });
});

describe('probe window (no metrics)', () => {
  test('grows on each task created, halves and backs off on a full quota', () => {
    const books = booksAt();
    expect(probeSlots(books, 0)).toBe(1);
    for (let i = 0; i < 20; i++) settled(books, 'created', T0);
    expect(books.window).toBeGreaterThan(6);
    expect(probeSlots(books, 2)).toBe(Math.floor(books.window) - 2);
    const before = books.window;
    settled(books, 'quota-exceeded', T0);
    expect(books.window).toBeCloseTo(before / 2);
    expect(coolingDown(books, T0 + 999)).toBe(true);
    expect(coolingDown(books, T0 + 1_000)).toBe(false);
    // Refused again: the back-off doubles, up to 30 s.
    settled(books, 'quota-exceeded', T0);
    expect(books.cooldownUntil).toBe(T0 + 2_000);
    for (let i = 0; i < 10; i++) settled(books, 'quota-exceeded', T0);
    expect(books.cooldownUntil).toBe(T0 + 30_000);
    expect(books.window).toBe(1);
    // A task created ends the back-off's growth.
    settled(books, 'created', T0 + 30_000);
    expect(books.cooldownMs).toBe(0);
  });

  test('a transient answer pauses admissions a second without shrinking the window', () => {
    const books = booksAt();
    books.window = 8;
    settled(books, 'transient', T0);
    expect(books.window).toBe(8);
    expect(coolingDown(books, T0 + 500)).toBe(true);
    expect(coolingDown(books, T0 + 1_000)).toBe(false);
  });
});

describe('counts', () => {
  test('every outcome is counted; admissions per minute keep the last fifteen minutes', () => {
    const books = booksAt();
    for (const kind of [
      'created',
      'created',
      'quota-exceeded',
      'transient',
      'failed',
      'cancelled',
      'gone',
    ] as const)
      settled(books, kind, T0);
    expect(books.stats).toEqual({
      admitted: 0,
      created: 2,
      quotaErrors: 1,
      transientErrors: 1,
      failed: 1,
      cancelled: 2,
    });
    const minute = Math.floor(T0 / 60_000) * 60_000;
    admitted(books, 3, minute + 1_000);
    admitted(books, 2, minute + 59_000);
    admitted(books, 4, minute + 60_000);
    expect(books.grantsPerMinute).toEqual([
      { minute, grants: 5 },
      { minute: minute + 60_000, grants: 4 },
    ]);
    for (let m = 2; m < 20; m++) admitted(books, 1, minute + m * 60_000);
    expect(books.grantsPerMinute).toHaveLength(15);
    expect(books.grantsPerMinute[0]!.minute).toBe(minute + 5 * 60_000);
    expect(books.stats.admitted).toBe(9 + 18);
  });

  test('what the gate carries across continue-as-new stays a few hundred bytes', () => {
    const books = booksAt(20);
    for (let m = 0; m < 60; m++) admitted(books, 1_000, T0 + m * 60_000);
    expect(JSON.stringify(books).length).toBeLessThan(1_500);
  });
});
