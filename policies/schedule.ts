/**
 * The retry schedule, in one place for both sides: the workflow computes each real delay with
 * `nextAttemptDelay` (its `random` is the workflow's deterministic Math.random), and
 * `policies explain` shows the same arithmetic as a plan with `plannedSchedule`. Pure.
 *
 * Attempt n (1-based) is the n-th re-issue of the failed action; its delay is the wait before it.
 */
import { durationMs } from './durations';
import type { ResolvedPolicy, RetrySettings } from './types';

export interface DelayOptions {
  /** Uniform in [0, 1). */
  random: () => number;
  /** AWS's suggested wait (additionalInfo.retryDelay or the latest error's Retry-After), ms. */
  retryHintMs?: number;
}

/** Exponential delay before attempt n, before jitter and hints: min(maximumInterval, initial × coef^(n−1)). */
export function baseDelay(attempt: number, retry: RetrySettings): number {
  const initial = durationMs(retry.initialInterval);
  const maximum = durationMs(retry.maximumInterval);
  return Math.min(maximum, initial * Math.pow(retry.backoffCoefficient, attempt - 1));
}

/** The hint as a whole number of ms that is never shorter than the hint itself. */
function hintFloor(retry: RetrySettings, retryHintMs: number | undefined): number {
  if (!retry.honorRetryDelay || retryHintMs === undefined || !(retryHintMs > 0)) return 0;
  return Math.ceil(retryHintMs);
}

/** Milliseconds (integer) to wait before attempt n. */
export function nextAttemptDelay(attempt: number, retry: RetrySettings, options: DelayOptions): number {
  const maximum = durationMs(retry.maximumInterval);
  const spread = retry.jitter * (2 * options.random() - 1);
  const jittered = Math.min(maximum, Math.round(baseDelay(attempt, retry) * (1 + spread)));
  return Math.max(jittered, hintFloor(retry, options.retryHintMs));
}

/** Bounds of nextAttemptDelay for attempt n over every possible random value. */
export function delayRange(
  attempt: number,
  retry: RetrySettings,
  retryHintMs?: number,
): { base: number; min: number; max: number } {
  const maximum = durationMs(retry.maximumInterval);
  const base = baseDelay(attempt, retry);
  const floor = hintFloor(retry, retryHintMs);
  return {
    base: Math.round(base),
    min: Math.max(floor, Math.min(maximum, Math.round(base * (1 - retry.jitter)))),
    max: Math.max(floor, Math.min(maximum, Math.round(base * (1 + retry.jitter)))),
  };
}

export interface PlannedAttempt {
  attempt: number;
  /** Delay before this attempt without jitter (hint applied). */
  delayMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Time from the start of the remediation to this attempt, earliest and latest (attempt durations excluded). */
  earliestAtMs: number;
  latestAtMs: number;
  /** The deadline may fall before this attempt, depending on jitter. */
  mayMissDeadline: boolean;
}

export interface PlannedSchedule {
  attempts: PlannedAttempt[];
  deadlineMs: number;
  maximumAttempts: number;
  /** Why the plan ends: all attempts fit before the deadline, or the deadline cuts them off. */
  endsBy: 'maximumAttempts' | 'deadline';
  /** With endsBy 'deadline': the first attempt that can never start before the deadline. */
  firstCutAttempt?: number;
}

/**
 * Every attempt the policy's retry settings allow, until maximumAttempts or until an attempt can
 * no longer start before the deadline.
 */
export function plannedSchedule(
  policy: Pick<ResolvedPolicy, 'retry' | 'deadline'>,
  options: { retryHintMs?: number } = {},
): PlannedSchedule {
  const deadlineMs = durationMs(policy.deadline);
  const { maximumAttempts } = policy.retry;
  const attempts: PlannedAttempt[] = [];
  let earliest = 0;
  let latest = 0;
  for (let attempt = 1; attempt <= maximumAttempts; attempt++) {
    const range = delayRange(attempt, policy.retry, options.retryHintMs);
    earliest += range.min;
    latest += range.max;
    if (earliest > deadlineMs) {
      return { attempts, deadlineMs, maximumAttempts, endsBy: 'deadline', firstCutAttempt: attempt };
    }
    attempts.push({
      attempt,
      delayMs: Math.max(range.base, hintFloor(policy.retry, options.retryHintMs)),
      minDelayMs: range.min,
      maxDelayMs: range.max,
      earliestAtMs: earliest,
      latestAtMs: latest,
      mayMissDeadline: latest > deadlineMs,
    });
  }
  return { attempts, deadlineMs, maximumAttempts, endsBy: 'maximumAttempts' };
}
