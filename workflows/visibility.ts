/**
 * How a run shows itself to people: search attributes (findable), memo (policy and set hash), and
 * the Web UI's "current details" (what it is doing right now, in a sentence).
 */
import { setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { ConnectFailureEvent } from '../events/types';
import type { ResolvedPolicy } from '../policies/types';
import type { RemediationStatus } from './definitions';
import {
  receivedSearchAttributes,
  RemediationPhase,
  RemediationPolicy,
  type RemediationPhaseValue,
} from './search-attributes';

export function announceEvent(event: ConnectFailureEvent, instanceId: string): void {
  upsertSearchAttributes(receivedSearchAttributes(event, instanceId));
  setCurrentDetails(
    `**received** — ${event.detail.actionType} failed with ${event.detail.reasonCode}: ${event.detail.error}`,
  );
}

export function announcePolicy(policy: ResolvedPolicy): void {
  upsertSearchAttributes([{ key: RemediationPolicy, value: policy.name }]);
  upsertMemo({ policy: policy.name, policySetHash: policy.setHash, strategy: policy.strategy });
}

/** Moves the run to `phase` (search attribute + status) and says what it is doing. */
export function enterPhase(status: RemediationStatus, phase: RemediationPhaseValue, details: string): void {
  if (status.phase !== phase) {
    status.phase = phase;
    upsertSearchAttributes([{ key: RemediationPhase, value: phase }]);
  }
  setCurrentDetails(`**${phase}** — ${details}`);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.round(m / 60)} h`;
}
