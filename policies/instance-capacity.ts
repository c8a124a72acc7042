/**
 * One capacity setting per Connect instance. Several policies may wait for capacity on the same
 * instance (different reason codes, rules, priorities), but the instance has one quota and one
 * gate: where its open tasks come from (`source`, `quota`, `queues`) is decided once per policy
 * set, deterministically — the first wait-for-capacity policy in file order that names the
 * instance (`when.instanceId`), else the first one that names no instance. `maxWait`, `then`,
 * `priority` and `livenessCheck` stay per policy. Pure.
 */
import type { PolicySet } from './policy-set';
import type { ResolvedPolicy } from './types';

export function capacitySettingsPolicy(set: PolicySet, instanceId: string): ResolvedPolicy | undefined {
  const waiting = set.policies.filter(
    (p) => p.resolved.strategy === 'wait-for-capacity' && p.resolved.capacity,
  );
  const naming = waiting.find((p) => p.when.instanceId?.includes(instanceId));
  return (naming ?? waiting.find((p) => p.when.instanceId === undefined))?.resolved;
}

/** The matched policy with its instance's one capacity setting (unchanged when it has no capacity). */
export function withInstanceCapacity(
  set: PolicySet,
  policy: ResolvedPolicy,
  instanceId: string,
): ResolvedPolicy {
  const owner = capacitySettingsPolicy(set, instanceId);
  if (!policy.capacity || !owner?.capacity) return policy;
  const { source, quota, quotaAuto, queues } = owner.capacity;
  const { quota: _quota, quotaAuto: _quotaAuto, queues: _queues, ...own } = policy.capacity;
  return {
    ...policy,
    capacity: {
      ...own,
      source,
      ...(quota !== undefined ? { quota } : {}),
      ...(quotaAuto ? { quotaAuto } : {}),
      ...(queues !== undefined ? { queues } : {}),
      settingsFrom: owner.name,
    },
  };
}
