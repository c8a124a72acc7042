/**
 * A resolved policy's durations in milliseconds, as the workflow waits on them. Resolution records
 * them (policies/resolve.ts); runs recorded before it did derive them from the strings, the same
 * arithmetic, so a replay of an old run waits exactly as long as the run did. Pure.
 */
import { BUILTIN_CAPACITY } from './builtin-defaults';
import { durationMs } from './durations';
import type { CapacitySettings, ResolvedPolicy } from './types';

export interface PolicyTimings {
  deadlineMs: number;
  operatorWaitMs: number;
}

export function policyTimings(policy: ResolvedPolicy): PolicyTimings {
  return {
    deadlineMs: policy.deadlineMs ?? durationMs(policy.deadline),
    operatorWaitMs: policy.operatorWaitMs ?? durationMs(policy.operatorWait),
  };
}

/** The policy's capacity settings (the built-in ones if it has none), with `maxWaitMs`. */
export function capacityOf(policy: ResolvedPolicy): CapacitySettings & { maxWaitMs: number } {
  const capacity = policy.capacity ?? BUILTIN_CAPACITY;
  return { ...capacity, maxWaitMs: capacity.maxWaitMs ?? durationMs(capacity.maxWait) };
}
