/**
 * The retry arithmetic the workflow runs and `policies explain` shows: exponential growth capped
 * at maximumInterval, symmetric jitter that never exceeds the cap, AWS's retry hint as a floor.
 */
import fc from 'fast-check';
import { durationMs, formatDuration, parseDuration } from '../../policies/durations';
import { baseDelay, delayRange, nextAttemptDelay, plannedSchedule } from '../../policies/schedule';
import type { RetrySettings } from '../../policies/types';

const retry = (overrides: Partial<RetrySettings> = {}): RetrySettings => ({
  initialInterval: '10s',
  backoffCoefficient: 2,
  maximumInterval: '10m',
  maximumAttempts: 8,
  jitter: 0,
  honorRetryDelay: true,
  ...overrides,
});

const fixed = (value: number) => () => value;

describe('nextAttemptDelay', () => {
  test.each<[string, number, Partial<RetrySettings>, number, number | undefined, number]>([
    ['first attempt waits initialInterval', 1, {}, 0.5, undefined, 10_000],
    ['second doubles', 2, {}, 0.5, undefined, 20_000],
    ['sixth: 10s × 2^5 = 320s', 6, {}, 0.5, undefined, 320_000],
    ['seventh would be 640s: capped at 10m', 7, {}, 0.5, undefined, 600_000],
    ['coefficient 1 keeps it constant', 5, { backoffCoefficient: 1 }, 0.5, undefined, 10_000],
    ['coefficient 1.5', 3, { backoffCoefficient: 1.5 }, 0.5, undefined, 22_500],
    ['jitter at random 0 is −jitter', 1, { jitter: 0.2 }, 0, undefined, 8_000],
    ['jitter at random 0.5 is the base', 1, { jitter: 0.2 }, 0.5, undefined, 10_000],
    ['jitter at random 0.75 is +jitter/2', 1, { jitter: 0.2 }, 0.75, undefined, 11_000],
    ['jitter never exceeds maximumInterval', 7, { jitter: 0.2 }, 0.999, undefined, 600_000],
    ['jitter can go below the cap', 7, { jitter: 0.2 }, 0, undefined, 480_000],
    ['a longer hint wins', 1, {}, 0.5, 45_000, 45_000],
    ['a shorter hint does not shorten', 2, {}, 0.5, 5_000, 20_000],
    ['a hint may exceed maximumInterval', 1, {}, 0.5, 900_000, 900_000],
    ['a fractional hint rounds up (never below it)', 1, { initialInterval: '10ms' }, 0.5, 28.2, 29],
    ['hints are ignored without honorRetryDelay', 1, { honorRetryDelay: false }, 0.5, 45_000, 10_000],
    ['milliseconds come out whole', 1, { initialInterval: '333ms', jitter: 0.1 }, 0.3, undefined, 320],
  ])('%s', (_, attempt, overrides, random, retryHintMs, expected) => {
    expect(nextAttemptDelay(attempt, retry(overrides), { random: fixed(random), retryHintMs })).toBe(
      expected,
    );
  });

  test('a huge attempt number stays at the cap (no Infinity, no NaN)', () => {
    expect(nextAttemptDelay(5000, retry({ backoffCoefficient: 100 }), { random: fixed(0.5) })).toBe(600_000);
  });

  const settings = fc.record({
    initialMs: fc.integer({ min: 1, max: 3_600_000 }),
    extraMaxMs: fc.integer({ min: 0, max: 86_400_000 }),
    backoffCoefficient: fc.double({ min: 1, max: 10, noNaN: true }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    honorRetryDelay: fc.boolean(),
  });

  test('property: within [base·(1−jitter), maximumInterval], whole, never below an honoured hint', () => {
    fc.assert(
      fc.property(
        settings,
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 10_000_000, noNaN: true }), { nil: undefined }),
        (s, attempt, random, retryHintMs) => {
          const settingsUsed = retry({
            initialInterval: `${s.initialMs}ms`,
            maximumInterval: `${s.initialMs + s.extraMaxMs}ms`,
            backoffCoefficient: s.backoffCoefficient,
            jitter: s.jitter,
            honorRetryDelay: s.honorRetryDelay,
          });
          const delay = nextAttemptDelay(attempt, settingsUsed, { random: () => random, retryHintMs });
          const maximum = s.initialMs + s.extraMaxMs;
          const base = baseDelay(attempt, settingsUsed);
          const hint = s.honorRetryDelay && retryHintMs !== undefined ? retryHintMs : 0;
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(hint);
          expect(delay).toBeLessThanOrEqual(Math.max(maximum, Math.ceil(hint)));
          expect(delay).toBeGreaterThanOrEqual(Math.min(Math.floor(base * (1 - s.jitter)), maximum));
          const range = delayRange(attempt, settingsUsed, retryHintMs);
          expect(delay).toBeGreaterThanOrEqual(range.min);
          expect(delay).toBeLessThanOrEqual(range.max);
        },
      ),
    );
  });

  test('property: without jitter, delays never decrease from one attempt to the next', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 40 }), (s, attempt) => {
        const settingsUsed = retry({
          initialInterval: `${s.initialMs}ms`,
          maximumInterval: `${s.initialMs + s.extraMaxMs}ms`,
          backoffCoefficient: s.backoffCoefficient,
          jitter: 0,
        });
        const options = { random: () => 0.5 };
        expect(nextAttemptDelay(attempt + 1, settingsUsed, options)).toBeGreaterThanOrEqual(
          nextAttemptDelay(attempt, settingsUsed, options),
        );
      }),
    );
  });
});

describe('plannedSchedule', () => {
  test('lists every attempt with its delay range and cumulative time when the deadline is far', () => {
    const plan = plannedSchedule({ retry: retry({ maximumAttempts: 3, jitter: 0.2 }), deadline: '24h' });
    expect(plan).toEqual({
      attempts: [
        {
          attempt: 1,
          delayMs: 10_000,
          minDelayMs: 8_000,
          maxDelayMs: 12_000,
          earliestAtMs: 8_000,
          latestAtMs: 12_000,
          mayMissDeadline: false,
        },
        {
          attempt: 2,
          delayMs: 20_000,
          minDelayMs: 16_000,
          maxDelayMs: 24_000,
          earliestAtMs: 24_000,
          latestAtMs: 36_000,
          mayMissDeadline: false,
        },
        {
          attempt: 3,
          delayMs: 40_000,
          minDelayMs: 32_000,
          maxDelayMs: 48_000,
          earliestAtMs: 56_000,
          latestAtMs: 84_000,
          mayMissDeadline: false,
        },
      ],
      deadlineMs: 86_400_000,
      maximumAttempts: 3,
      endsBy: 'maximumAttempts',
    });
  });

  test('the deadline cuts the plan at the first attempt that can never start in time', () => {
    // Constant 10m delays: attempts at 10m, 20m, … ; a 35m deadline allows three.
    const plan = plannedSchedule({
      retry: retry({ initialInterval: '10m', backoffCoefficient: 1, maximumAttempts: 50 }),
      deadline: '35m',
    });
    expect(plan.attempts.map((a) => a.earliestAtMs)).toEqual([600_000, 1_200_000, 1_800_000]);
    expect(plan).toMatchObject({ endsBy: 'deadline', firstCutAttempt: 4, maximumAttempts: 50 });
  });

  test('attempts that only jitter can push past the deadline are marked, not dropped', () => {
    const plan = plannedSchedule({
      retry: retry({
        initialInterval: '10m',
        backoffCoefficient: 1,
        maximumInterval: '20m',
        jitter: 0.5,
        maximumAttempts: 5,
      }),
      deadline: '25m',
    });
    // Earliest times 5m, 10m, 15m, 20m, 25m all fit; latest times 15m, 30m, … may not.
    expect(plan.attempts.map((a) => [a.attempt, a.mayMissDeadline])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
    ]);
    expect(plan.endsBy).toBe('maximumAttempts');
  });

  test("the event's retry hint is a floor for every planned delay, as in the workflow", () => {
    const plan = plannedSchedule(
      { retry: retry({ maximumAttempts: 3 }), deadline: '24h' },
      { retryHintMs: 30_000 },
    );
    expect(plan.attempts.map((a) => a.delayMs)).toEqual([30_000, 30_000, 40_000]);
    expect(plan.attempts.map((a) => a.earliestAtMs)).toEqual([30_000, 60_000, 100_000]);
  });

  test('agrees with nextAttemptDelay at the extremes of random', () => {
    const settings = retry({ jitter: 0.3, maximumAttempts: 10 });
    const plan = plannedSchedule({ retry: settings, deadline: '24h' }, { retryHintMs: 15_000 });
    for (const planned of plan.attempts) {
      expect(nextAttemptDelay(planned.attempt, settings, { random: () => 0, retryHintMs: 15_000 })).toBe(
        planned.minDelayMs,
      );
      expect(
        nextAttemptDelay(planned.attempt, settings, { random: () => 0.999999999, retryHintMs: 15_000 }),
      ).toBe(planned.maxDelayMs);
    }
  });
});

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['7 days', 604_800_000],
    ['1.5h', 5_400_000],
    ['0s', 0],
  ])('%s is %d ms, exactly as Temporal reads it', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(durationMs(text)).toBe(ms);
  });

  test.each(['10', '-5m', '10x', 'soon', '', ' 10s', '10S', '1y'])('"%s" is refused', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(() => durationMs(text)).toThrow(/not a policy duration/);
  });

  test.each([
    [28.2, '28ms'],
    [1_500, '1.5s'],
    [59_999, '1m'],
    [60_000, '1m'],
    [90_061_000, '1d 1h 1m 1s'],
    [7_200_000, '2h'],
  ])('formatDuration(%d) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
