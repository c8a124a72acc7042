/**
 * Capacity-gate statuses for the `capacity` command's tests (the pure formatting and the spawned
 * command print the same gates): one of a storm today, every optional field present, and one of a
 * gate started before settings, overflow chunks and grant counts existed.
 */
import type { CapacityGateStatus } from '../../workflows/definitions';

/** Grants in each of six consecutive minutes, oldest first. */
export const STORM_GRANTS_PER_MINUTE = [90, 98, 104, 110, 101, 37] as const;

/** `minuteStarts`: the start (ms) of each of those six minutes, oldest first. */
export function stormGateStatus(instanceId: string, minuteStarts: readonly number[]): CapacityGateStatus {
  if (minuteStarts.length !== STORM_GRANTS_PER_MINUTE.length)
    throw new Error(`stormGateStatus: expected ${STORM_GRANTS_PER_MINUTE.length} minute starts`);
  return {
    instanceId,
    source: { source: 'metrics', quota: 50 },
    settings: {
      source: 'metrics',
      quota: 50,
      grantsPerSecond: 5,
      policy: 'task-quota',
      setHash: '60885e1a0284',
    },
    queueLength: 1840,
    overflowLength: 1200,
    overflowChunks: 3,
    inFlight: 12,
    window: 0,
    lastOpenTasks: 50,
    admitted: 4211,
    created: 4100,
    quotaErrors: 3,
    reclaimed: 1,
    grantsPerMinute: minuteStarts.map((start, i) => [start, STORM_GRANTS_PER_MINUTE[i]!]),
  };
}

export function oldProbeGateStatus(instanceId: string): CapacityGateStatus {
  return {
    instanceId,
    source: { source: 'probe' },
    queueLength: 7,
    inFlight: 2,
    window: 4,
    admitted: 9,
    created: 8,
    quotaErrors: 1,
    reclaimed: 0,
  };
}
