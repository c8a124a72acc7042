/**
 * resolvePolicy: the one place a run learns its policy. The workflow calls it once and keeps the
 * result (name, set hash, effective settings) in its history, so later YAML edits never change
 * or break a running remediation, and replay never reads the file.
 */
import { trace } from '@opentelemetry/api';
import { log } from '@temporalio/activity';
import type { AppliedQuotaReader } from './applied-quota';
import { withInstanceCapacity } from '../policies/instance-capacity';
import { describeMiss, matchPolicy } from '../policies/match';
import type { MatchFacts, ResolvedPolicy } from '../policies/types';
import type { LoadedPolicySet } from '../policies/store.node';

export interface PolicySource {
  current(): LoadedPolicySet;
}

/**
 * `quota: auto` (metrics source): the instance's applied quota, read from CloudWatch, replaces the
 * fallback. The run's policy hash then names the quota it read (`<set hash>+quota<n>`): a gate
 * adopts a new hash's setting, so a quota raised by AWS support reaches a running gate as an
 * edited policy set does.
 */
async function withAppliedQuota(
  policy: ResolvedPolicy,
  instanceId: string,
  quotas: AppliedQuotaReader | undefined,
): Promise<ResolvedPolicy> {
  const capacity = policy.capacity;
  if (!quotas || !capacity?.quotaAuto || capacity.source !== 'metrics') return policy;
  const quota = await quotas.quotaOf(instanceId);
  if (quota === undefined) return { ...policy, capacity: { ...capacity, quotaFrom: 'fallback' } };
  return {
    ...policy,
    setHash: `${policy.setHash}+quota${quota}`,
    capacity: { ...capacity, quota, quotaFrom: 'cloudwatch' },
  };
}

export function createPolicyActivities(store: PolicySource, quotas?: AppliedQuotaReader) {
  return {
    async resolvePolicy(facts: MatchFacts): Promise<ResolvedPolicy> {
      const { set, file } = store.current();
      const match = matchPolicy(set, facts);
      log.info(`policy "${match.policy.name}" (${file}:${match.line}, set ${set.hash})`, {
        policy: match.policy.name,
        setHash: set.hash,
        skipped: match.trace.map((miss) => `${miss.name}: ${miss.misses.map(describeMiss).join('; ')}`),
      });
      const resolved = await withAppliedQuota(
        withInstanceCapacity(set, match.policy, facts.instanceId),
        facts.instanceId,
        quotas,
      );
      // With tracing on, this runs in the activity interceptor's span (RunActivity:resolvePolicy):
      // the trace says which policy a run got, and from which set.
      trace.getActiveSpan()?.setAttributes({
        'connect_remediator.policy.name': resolved.name,
        'connect_remediator.policy.set_hash': resolved.setHash,
        'connect_remediator.policy.strategy': resolved.strategy,
        'connect_remediator.policy.line': match.line,
      });
      return resolved;
    },
  };
}

export type PolicyActivities = ReturnType<typeof createPolicyActivities>;
