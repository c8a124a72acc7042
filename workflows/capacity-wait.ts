/**
 * The remediation's wait for task capacity, from the run's side: make sure the instance's gate
 * runs, leave the re-issue in the instance's waiting room, and take the gate's answer — the task
 * it created, or AWS's refusal — unless an operator decides first or `maxWait` passes.
 *
 * While queued the run does nothing: no timer, no activity, no message. Every `livenessCheck` its
 * task's schedule-to-start timeout (the server's, free) hands it back; the run makes sure the gate
 * still runs and queues again. Position is not the run's to know: Temporal holds the room in
 * priority order, close to arrival order within a priority (docs/capacity-gate.md).
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { CapacitySettings, ReissueOverrides } from '../policies/types';
import { capacityGateWorkflowId } from './capacity-definitions';
import type { AttemptRecord, RemediationStatus } from './definitions';
import { classifyReissueFailure } from './failures';
import type { Reissuer } from './reissue';
import { enterPhase, formatDuration } from './visibility';

const { ensureCapacityGate } = proxyLocalActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

const DEFAULT_LIVENESS_CHECK_MS = 30 * 60_000;

/** Temporal's task-queue priority keys: 1 runs first, 3 is the default, 5 last. */
export function priorityKeyOf(priority: number | undefined): number {
  return Math.min(5, Math.max(1, 3 - Math.round(priority ?? 0)));
}

export interface CapacityWait {
  instanceId: string;
  capacity: CapacitySettings & { maxWaitMs: number };
  status: RemediationStatus;
  reissuer: Reissuer;
  overrides: ReissueOverrides;
  /** An operator decision is waiting to be acted on. */
  operatorDecided(): boolean;
}

export type CapacityWaitOutcome =
  | { kind: 'recovered'; attempt: AttemptRecord }
  /** The re-issue failed in a way waiting cannot fix. */
  | { kind: 'escalate'; reason: string }
  /** Left the queue: an operator decided. */
  | { kind: 'operator-decided' }
  /** Left the queue: `maxWait` passed without capacity. */
  | { kind: 'max-wait-passed' };

export async function waitForCapacity(wait: CapacityWait): Promise<CapacityWaitOutcome> {
  const { instanceId, capacity, status } = wait;
  const since = Date.now();
  const deadline = since + capacity.maxWaitMs;
  status.capacity = { waitingSince: new Date(since).toISOString() };
  try {
    for (;;) {
      if (wait.operatorDecided()) return { kind: 'operator-decided' };
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) return { kind: 'max-wait-passed' };
      enterPhase(
        status,
        'waiting-capacity',
        `waiting for task capacity at ${capacityGateWorkflowId(instanceId)} for ${formatDuration(Date.now() - since)}`,
      );
      await ensureCapacityGate({ instanceId });
      const answer = await wait.reissuer.atGate(wait.overrides, {
        instanceId,
        waitMs: Math.min(remainingMs, capacity.livenessCheckMs ?? DEFAULT_LIVENESS_CHECK_MS),
        priorityKey: priorityKeyOf(capacity.priority),
        waitedMs: () => Date.now() - since,
        cancelWhen: wait.operatorDecided,
      });
      if (answer.kind === 'cancelled') return { kind: 'operator-decided' };
      if (answer.kind !== 'attempt') continue; // queue again (the gate is made sure of first)
      const { record } = answer;
      if (record.ok) return { kind: 'recovered', attempt: record };
      const { verdict, why } = classifyReissueFailure(record.error!);
      if (verdict === 'escalate') return { kind: 'escalate', reason: `${why}: ${record.error!.message}` };
      // Quota still full (another caller took the slot) or a transient answer: wait again.
    }
  } finally {
    delete status.capacity;
  }
}
