/**
 * How a run shows itself to people: search attributes (findable), memo (policy, set hash and
 * attempts for `runs list`), and the Web UI's "current details" (what it is doing right now).
 *
 * Every search-attribute upsert is a billed Temporal action, so a run makes as few as its phases
 * need: the attributes its starter set are not upserted again, and the policy rides along with
 * the first phase after it.
 */
import { setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { ConnectFailureEvent } from '../events/types';
import type { ResolvedPolicy } from '../policies/types';
import type { RemediationStatus } from './definitions';
import {
  ConnectReasonCode,
  receivedSearchAttributes,
  RemediationPhase,
  RemediationPolicy,
  type RemediationPhaseValue,
} from './search-attributes';

/** Attributes to upsert with the next phase change, per run status. */
const unannounced = new WeakMap<RemediationStatus, SearchAttributePair[]>();

export function announceEvent(event: ConnectFailureEvent, instanceId: string): void {
  // Starters (ingress, CLI, SQS) set these at start, free; a run started without them sets them.
  if (workflowInfo().typedSearchAttributes.get(ConnectReasonCode) === undefined) {
    upsertSearchAttributes(receivedSearchAttributes(event, instanceId));
  }
  setCurrentDetails(
    `**received** — ${event.detail.actionType} failed with ${event.detail.reasonCode}: ${event.detail.error}`,
  );
}

/** The policy is shown with the run's next phase (one upsert for both). */
export function announcePolicy(policy: ResolvedPolicy, status: RemediationStatus): void {
  unannounced.set(status, [{ key: RemediationPolicy, value: policy.name }]);
  upsertMemo({ policy: policy.name, policySetHash: policy.setHash, strategy: policy.strategy });
}

/** Moves the run to `phase` (search attribute + status) and says what it is doing. */
export function enterPhase(status: RemediationStatus, phase: RemediationPhaseValue, details: string): void {
  if (status.phase !== phase) {
    status.phase = phase;
    upsertSearchAttributes([...(unannounced.get(status) ?? []), { key: RemediationPhase, value: phase }]);
    unannounced.delete(status);
  }
  setCurrentDetails(`**${phase}** — ${details}`);
}

/** The attempt count `runs list` shows without asking each run. */
export function recordAttempts(status: RemediationStatus): void {
  upsertMemo({ attempts: status.attempts.length });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.round(m / 60)} h`;
}
