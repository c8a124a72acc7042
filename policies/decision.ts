/**
 * What the engine decides for one event under one policy set, as data: the matching policy (with
 * the instance's one capacity setting, as the resolvePolicy activity hands it to the run), the
 * run's opening move and the retry schedule its plan includes. `policies explain` prints it,
 * `policies test` checks it against expectations and `policies diff` compares two of them, so the
 * three can never disagree about what an event gets. Pure.
 */
import type { ConnectFailureEvent } from '../events/types';
import { additionalInfoOf, matchFactsOf } from './facts';
import { withInstanceCapacity } from './instance-capacity';
import { matchPolicy, type MatchResult } from './match';
import { openingMove, type OpeningMove } from './opening-move';
import type { PolicySet } from './policy-set';
import { plannedSchedule, type PlannedSchedule } from './schedule';
import type { MatchFacts, ResolvedPolicy } from './types';

export interface DecisionInput {
  set: PolicySet;
  facts: MatchFacts;
  /** additionalInfo.retryDelay of the event (ms), honoured when the policy says so. */
  retryHintMs?: number;
}

export interface Decision {
  /** The match, its policy carrying the instance's capacity setting. */
  match: MatchResult;
  policy: ResolvedPolicy;
  move: OpeningMove;
  /**
   * The re-issues on the policy's retry schedule the plan holds: for a retry, and for a wait for
   * capacity that retries (`capacity.then: retry`) once maxWait runs out. Absent otherwise.
   */
  retrySchedule?: PlannedSchedule;
}

export function decideEvent(input: DecisionInput): Decision {
  const matched = matchPolicy(input.set, input.facts);
  const policy = withInstanceCapacity(input.set, matched.policy, input.facts.instanceId);
  const move = openingMove(policy, input.facts);
  const retries =
    move.kind === 'retry' || (move.kind === 'wait-for-capacity' && policy.capacity?.then === 'retry');
  return {
    match: { ...matched, policy },
    policy,
    move,
    ...(retries ? { retrySchedule: plannedSchedule(policy, { retryHintMs: input.retryHintMs }) } : {}),
  };
}

/** The decision for a whole event: its facts and AWS's retryDelay, as the workflow reads them. */
export function decideFailureEvent(set: PolicySet, event: ConnectFailureEvent): Decision {
  return decideEvent({ set, facts: matchFactsOf(event), retryHintMs: additionalInfoOf(event).retryDelay });
}
