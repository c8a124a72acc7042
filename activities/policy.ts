/**
 * resolvePolicy: the one place a run learns its policy. The workflow calls it once and keeps the
 * result (name, set hash, effective settings) in its history, so later YAML edits never change
 * or break a running remediation, and replay never reads the file.
 */
import { log } from '@temporalio/activity';
import { withInstanceCapacity } from '../policies/instance-capacity';
import { describeMiss, matchPolicy } from '../policies/match';
import type { MatchFacts, ResolvedPolicy } from '../policies/types';
import type { LoadedPolicySet } from '../policies/store.node';

export interface PolicySource {
  current(): LoadedPolicySet;
}

export function createPolicyActivities(store: PolicySource) {
  return {
    async resolvePolicy(facts: MatchFacts): Promise<ResolvedPolicy> {
      const { set, file } = store.current();
      const match = matchPolicy(set, facts);
      log.info(`policy "${match.policy.name}" (${file}:${match.line}, set ${set.hash})`, {
        policy: match.policy.name,
        setHash: set.hash,
        skipped: match.trace.map((miss) => `${miss.name}: ${miss.misses.map(describeMiss).join('; ')}`),
      });
      return withInstanceCapacity(set, match.policy, facts.instanceId);
    },
  };
}

export type PolicyActivities = ReturnType<typeof createPolicyActivities>;
