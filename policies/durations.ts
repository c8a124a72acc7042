/**
 * Durations in the policy file are strings in the format Temporal itself accepts (the `ms`
 * package's syntax: "500ms", "10s", "5m", "2h", "7d"), resolved to milliseconds once, where the
 * policy is resolved. Ops must write a unit: a bare "10" would silently mean 10 milliseconds. Pure.
 */

/** The subset of `ms` syntax we accept: a non-negative number and a lowercase unit (no bare numbers). */
export const DURATION_PATTERN =
  '^(?:\\d+(?:\\.\\d+)?|\\.\\d+) ?(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$';
const DURATION_REGEX = new RegExp(DURATION_PATTERN);

/** Milliseconds per unit, keyed by the unit's first letters as DURATION_PATTERN spells them. */
const UNIT_MS: [RegExp, number][] = [
  [/^ms$|^millisecond/, 1],
  [/^s/, 1_000],
  [/^m/, 60_000],
  [/^h/, 3_600_000],
  [/^d/, 86_400_000],
  [/^w/, 604_800_000],
];

export const DURATION_EXAMPLES = '"500ms", "10s", "5m", "2h" or "7d"';

/** Milliseconds of a policy duration, or undefined when Temporal would not accept it. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_REGEX.test(text)) return undefined;
  const [, amount, unit] = /^([\d.]+) ?([a-z]+)$/.exec(text)!;
  const perUnit = UNIT_MS.find(([pattern]) => pattern.test(unit!))![1];
  // `ms` rounds to whole milliseconds; so do we, so "1.5s" and a timer agree exactly.
  const ms = Math.round(Number(amount) * perUnit);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Milliseconds of a duration that already passed validation (the loader guarantees that). */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new TypeError(`not a policy duration: "${text}"`);
  return ms;
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Short human form for explain output: 90061000 → "1d 1h 1m 1s", 28 → "28ms", 1500 → "1.5s". */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1_000) return `${rounded}ms`;
  const seconds = Number((rounded / 1_000).toFixed(1));
  if (seconds < 60) return `${seconds}s`;
  const parts: string[] = [];
  let rest = Math.round(rounded / 1_000) * 1_000;
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ');
}
