/**
 * What a run does first, given its policy and the event: the one decision both the workflow and
 * `policies explain` make, so explain can never promise something the engine will not do. Pure.
 */
import { REISSUABLE_ACTION_TYPES } from './reason-codes';
import type { MatchFacts, ResolvedPolicy } from './types';

export type OpeningMove =
  | { kind: 'ignore' }
  | { kind: 'escalate'; because: 'policy' | 'not-reissuable' | 'not-retryable' }
  | { kind: 'wait-for-capacity' }
  | { kind: 'retry' };

export function openingMove(
  policy: ResolvedPolicy,
  facts: Pick<MatchFacts, 'actionType' | 'retryable'>,
): OpeningMove {
  if (policy.strategy === 'ignore') return { kind: 'ignore' };
  if (policy.strategy === 'escalate') return { kind: 'escalate', because: 'policy' };
  if (!REISSUABLE_ACTION_TYPES.includes(facts.actionType))
    return { kind: 'escalate', because: 'not-reissuable' };
  // Task capacity only limits CREATE_TASK. The SDK marks quota errors not retryable (there is no
  // point retrying *now*), so that flag does not apply: waiting for capacity is the remedy.
  if (policy.strategy === 'wait-for-capacity' && facts.actionType === 'CREATE_TASK')
    return { kind: 'wait-for-capacity' };
  if (facts.retryable === false && !policy.retryNonRetryable)
    return { kind: 'escalate', because: 'not-retryable' };
  return { kind: 'retry' };
}
