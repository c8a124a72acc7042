/**
 * How fast a gate has been admitting, minute by minute, and how long its waiting runs would take
 * to drain at that pace. Pure: `now` is passed in, so fixed inputs give fixed answers.
 */
import type { CapacityGateStatus } from '../../workflows/definitions';

export const MINUTE_MS = 60_000;
/** Complete minutes averaged for the drain estimate. */
export const RATE_MINUTES = 5;

export interface GrantMinute {
  /** Minute start (ms), as the gate records it. */
  start: number;
  grants: number;
  /** False for the minute still under way. */
  complete: boolean;
}

/**
 * The last `count` minutes of a gate's grant record, newest last, ending with the minute under way
 * at `now`. Minutes the gate did not record count as 0 grants (a gate may record only the minutes
 * it granted in); nothing is assumed before the record's first minute.
 */
export function grantMinutes(
  history: readonly { minute: number; grants: number }[] | undefined,
  now: number,
  count: number,
): GrantMinute[] {
  if (!history?.length || count <= 0) return [];
  const grants = new Map<number, number>();
  for (const { minute, grants: n } of history) grants.set(minute, (grants.get(minute) ?? 0) + n);
  const starts = [...grants.keys()];
  const oldest = Math.min(...starts);
  let newest = Math.max(...starts);
  // Minutes after the last recorded one, up to the one under way, saw no grants.
  while (newest + MINUTE_MS <= now) newest += MINUTE_MS;
  const minutes: GrantMinute[] = [];
  for (let start = newest; start >= oldest && minutes.length < count; start -= MINUTE_MS)
    minutes.unshift({ start, grants: grants.get(start) ?? 0, complete: start + MINUTE_MS <= now });
  return minutes;
}

export type DrainEstimate =
  /** Nothing waits. */
  | { basis: 'empty'; seconds: 0 }
  /** Runs waiting ÷ the mean grant rate of the last complete minutes. */
  | { basis: 'recent-grants'; seconds: number; grantsPerMinute: number; minutes: number }
  /**
   * No grants to go by, but the policy's grant-rate budget caps the pace: the queue cannot drain
   * faster than that, so `seconds` is a lower bound.
   */
  | { basis: 'grant-budget'; seconds: number; grantsPerSecond: number; why: string }
  | { basis: 'unknown'; why: string };

export function estimateDrain(status: CapacityGateStatus, now: number): DrainEstimate {
  const waiting = status.waiting ?? 0;
  if (waiting <= 0) return { basis: 'empty', seconds: 0 };
  const complete = grantMinutes(status.grantsPerMinute, now, RATE_MINUTES + 1)
    .filter((m) => m.complete)
    .slice(-RATE_MINUTES);
  const granted = complete.reduce((sum, m) => sum + m.grants, 0);
  if (granted > 0) {
    const grantsPerMinute = granted / complete.length;
    return {
      basis: 'recent-grants',
      seconds: (waiting / grantsPerMinute) * 60,
      grantsPerMinute,
      minutes: complete.length,
    };
  }
  const why =
    complete.length > 0
      ? `no grants in the last ${plural(complete.length, 'complete minute')}`
      : 'no complete minute of grants yet';
  const budget = status.settings?.grantsPerSecond;
  if (budget !== undefined && budget > 0)
    return {
      basis: 'grant-budget',
      seconds: waiting / budget,
      grantsPerSecond: budget,
      why,
    };
  return { basis: 'unknown', why: `${why}, and no grant-rate budget is known` };
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
