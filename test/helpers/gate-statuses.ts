/**
 * Capacity-gate statuses for the `capacity` command's tests (the pure formatting and the spawned
 * command print the same gates): one in a storm, every optional field present, and a probe gate
 * that has read no setting-dependent figure yet.
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
    mode: 'full',
    settings: {
      source: 'metrics',
      quota: 50,
      quotaFrom: 'policy',
      grantsPerSecond: 5,
      policy: 'task-quota',
      setHash: '60885e1a0284',
    },
    waiting: 1840,
    inFlight: 12,
    window: 1,
    lastOpenTasks: 50,
    stats: { admitted: 4211, created: 4100, quotaErrors: 3, transientErrors: 2, failed: 1, cancelled: 5 },
    grantsPerMinute: minuteStarts.map((minute, i) => ({ minute, grants: STORM_GRANTS_PER_MINUTE[i]! })),
  };
}

export function probeGateStatus(instanceId: string): CapacityGateStatus {
  return {
    instanceId,
    mode: 'admitting',
    settings: { source: 'probe', grantsPerSecond: 1, setHash: 'b2c1d4e5f6a7', policy: 'task-quota' },
    waiting: 7,
    inFlight: 2,
    window: 4,
    stats: { admitted: 9, created: 8, quotaErrors: 1, transientErrors: 0, failed: 0, cancelled: 0 },
    grantsPerMinute: [],
  };
}
