/**
 * First match in file order wins, like firewall rules: predictable, and explainable — the trace
 * says, for every earlier policy, which conditions the event failed. Pure (workflow-safe).
 */
import type { CompiledConditions, CompiledPolicy, ConditionName, PolicySet } from './policy-set';
import type { MatchFacts, ResolvedPolicy } from './types';

export interface ConditionMiss {
  condition: ConditionName;
  /** What the policy accepts, as written (values or patterns). */
  wanted: string[];
  /** What the event has ('unknown' when the fact is absent, e.g. retryable without additionalInfo). */
  actual: string;
}

export interface PolicyMiss {
  index: number;
  name: string;
  line: number;
  misses: ConditionMiss[];
}

export interface MatchResult {
  policy: ResolvedPolicy;
  index: number;
  line: number;
  /** Every policy before the match, with the conditions that ruled it out. */
  trace: PolicyMiss[];
}

type ValueCondition = 'reasonCode' | 'actionType' | 'triggerEvent' | 'instanceId' | 'ruleId';

function valueMiss(condition: ValueCondition, when: CompiledConditions, facts: MatchFacts): ConditionMiss[] {
  const wanted = when[condition];
  return wanted && !wanted.includes(facts[condition])
    ? [{ condition, wanted, actual: JSON.stringify(facts[condition]) }]
    : [];
}

function retryableMiss(when: CompiledConditions, facts: MatchFacts): ConditionMiss[] {
  if (when.retryable === undefined || facts.retryable === when.retryable) return [];
  const actual =
    facts.retryable === undefined ? 'unknown (additionalInfo has no retryable)' : String(facts.retryable);
  return [{ condition: 'retryable', wanted: [String(when.retryable)], actual }];
}

function errorMiss(when: CompiledConditions, facts: MatchFacts): ConditionMiss[] {
  if (!when.errorMatches || when.errorMatches.some(({ regex }) => regex.test(facts.error))) return [];
  const wanted = when.errorMatches.map(({ pattern }) => `/${pattern}/`);
  return [{ condition: 'errorMatches', wanted, actual: JSON.stringify(facts.error) }];
}

/** The conditions of `when` that `facts` fail, in a fixed order; empty means the policy matches. */
export function conditionMisses(when: CompiledConditions, facts: MatchFacts): ConditionMiss[] {
  return [
    ...valueMiss('reasonCode', when, facts),
    ...valueMiss('actionType', when, facts),
    ...valueMiss('triggerEvent', when, facts),
    ...retryableMiss(when, facts),
    ...valueMiss('instanceId', when, facts),
    ...valueMiss('ruleId', when, facts),
    ...errorMiss(when, facts),
  ];
}

export function matchPolicy(set: PolicySet, facts: MatchFacts): MatchResult {
  const trace: PolicyMiss[] = [];
  for (const candidate of set.policies) {
    const misses = conditionMisses(candidate.when, facts);
    if (misses.length === 0) {
      return { policy: candidate.resolved, index: candidate.index, line: candidate.line, trace };
    }
    trace.push(missOf(candidate, misses));
  }
  // The loader requires a final catch-all, so this means a PolicySet built by hand.
  throw new Error(`no policy in ${set.fileName} matches and it has no catch-all (when: {})`);
}

function missOf(candidate: CompiledPolicy, misses: ConditionMiss[]): PolicyMiss {
  return { index: candidate.index, name: candidate.resolved.name, line: candidate.line, misses };
}

/** `reasonCode is "ThrottlingException", wanted ServiceQuotaExceededException` */
export function describeMiss(miss: ConditionMiss): string {
  if (miss.condition === 'errorMatches') {
    return `error text ${miss.actual} matches none of ${miss.wanted.join(', ')}`;
  }
  const wanted = miss.wanted.length === 1 ? miss.wanted[0] : `one of ${miss.wanted.join(', ')}`;
  return `${miss.condition} is ${miss.actual}, wanted ${wanted}`;
}
