/**
 * The remediation's wait for task capacity, from the run's side of the instance's gate
 * (capacity-gate.ts): queue, wait for a permit, re-issue holding it, release it with the outcome,
 * and leave the queue when an operator answers or `maxWait` passes. The run never re-issues
 * without a permit, so a storm drains at the pace the quota frees up.
 */
import {
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { CapacitySettings } from '../policies/types';
import {
  capacityGateWorkflowId,
  capacityGrantedSignal,
  releasePermitSignal,
  withdrawFromCapacitySignal,
  type AttemptRecord,
  type PermitOutcome,
  type RemediationStatus,
} from './definitions';
import { classifyReissueFailure } from './failures';
import { enterPhase, formatDuration } from './visibility';

// Joining the gate is one signal-with-start: retried until it succeeds, visibly, as a pending activity.
const { enqueueForCapacity } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// Nice to have: a queued run without a fresh position rather than one waiting on it.
const { capacityQueuePosition } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 3 },
});

/**
 * How often a queued run asks the gate for its position: every query lands on the one gate
 * workflow, so far-back runs ask rarely (a storm of thousands must not become a storm of queries).
 */
function positionRefreshMs(position: number | undefined): number {
  if (position === undefined) return 2 * 60_000;
  return Math.min(15 * 60_000, Math.max(60_000, position * 5_000));
}

/** Permits the gate grants this run; installed when the run starts, so no grant is ever missed. */
export class PermitInbox {
  private permitId?: string;

  constructor() {
    setHandler(capacityGrantedSignal, ({ permitId }) => {
      this.permitId = permitId;
    });
  }

  get held(): boolean {
    return this.permitId !== undefined;
  }

  take(): string | undefined {
    const permitId = this.permitId;
    this.permitId = undefined;
    return permitId;
  }
}

export interface CapacityWait {
  instanceId: string;
  capacity: CapacitySettings & { maxWaitMs: number };
  status: RemediationStatus;
  permits: PermitInbox;
  /** An operator decision is waiting to be acted on. */
  operatorDecided(): boolean;
  /** Re-issues once (trigger `capacity`) after waiting `delayMs`. */
  reissue(delayMs: number): Promise<AttemptRecord>;
}

export type CapacityWaitOutcome =
  | { kind: 'recovered'; attempt: AttemptRecord }
  /** The re-issue failed in a way waiting cannot fix. */
  | { kind: 'escalate'; reason: string }
  /** Left the queue: an operator decided. */
  | { kind: 'operator-decided' }
  /** Left the queue: `maxWait` passed without capacity. */
  | { kind: 'max-wait-passed' };

const now = () => Date.now();

export async function waitForCapacity(wait: CapacityWait): Promise<CapacityWaitOutcome> {
  const { instanceId, capacity, status, permits } = wait;
  const since = now();
  const deadline = since + capacity.maxWaitMs;
  const request = {
    instanceId,
    workflowId: workflowInfo().workflowId,
    priority: capacity.priority ?? 0,
    source: capacity.source,
    ...(capacity.quota !== undefined ? { quota: capacity.quota } : {}),
    ...(capacity.queues ? { queues: capacity.queues } : {}),
  };
  const gate = getExternalWorkflowHandle(capacityGateWorkflowId(instanceId));
  // A gate that is gone (terminated by hand) has no queue to leave and no permits to release.
  const withdraw = () =>
    gate.signal(withdrawFromCapacitySignal, { workflowId: request.workflowId }).catch(() => undefined);
  const release = (permitId: string, outcome: PermitOutcome) =>
    gate
      .signal(releasePermitSignal, { permitId, workflowId: request.workflowId, outcome })
      .catch(() => undefined);

  status.capacity = { waitingSince: new Date(since).toISOString() };
  await enqueueForCapacity.executeWithOptions({ summary: 'Queue for task capacity' }, [request]);
  try {
    for (;;) {
      describeCapacityWait(status, since);
      const refreshMs = Math.min(positionRefreshMs(status.capacity.position), Math.max(0, deadline - now()));
      if (!permits.held && !wait.operatorDecided() && refreshMs > 0) {
        await condition(() => permits.held || wait.operatorDecided(), refreshMs, {
          summary: 'Wait for a task-capacity permit',
        });
      }
      if (wait.operatorDecided() && !permits.held) {
        await withdraw();
        return { kind: 'operator-decided' };
      }
      const permitId = permits.take();
      if (permitId !== undefined) {
        const attempt = await wait.reissue(now() - since);
        const verdict = attempt.ok ? undefined : classifyReissueFailure(attempt.error!);
        await release(
          permitId,
          attempt.ok ? 'created' : verdict!.verdict === 'wait-for-capacity' ? 'quota-exceeded' : 'failed',
        );
        if (attempt.ok) return { kind: 'recovered', attempt };
        if (verdict!.verdict === 'escalate')
          return { kind: 'escalate', reason: `${verdict!.why}: ${attempt.error!.message}` };
        // Quota still full (the gate re-queued us at the head) or a transient error: wait again.
        if (verdict!.verdict === 'retry')
          await enqueueForCapacity.executeWithOptions({ summary: 'Queue for task capacity again' }, [
            request,
          ]);
        continue;
      }
      if (now() >= deadline) {
        await withdraw();
        return { kind: 'max-wait-passed' };
      }
      const queue = await capacityQueuePosition
        .executeWithOptions({ summary: 'Check queue position' }, [
          { instanceId, workflowId: request.workflowId },
        ])
        .catch(() => undefined);
      if (queue?.position !== undefined) status.capacity.position = queue.position;
      else if (queue && !permits.held) {
        // The gate does not know us (it was reset or reclaimed our permit): queue again.
        await enqueueForCapacity.executeWithOptions({ summary: 'Queue for task capacity again' }, [request]);
      }
    }
  } finally {
    delete status.capacity;
  }
}

function describeCapacityWait(status: RemediationStatus, since: number): void {
  const position = status.capacity?.position;
  const ahead =
    position === undefined ? 'queued' : position === 0 ? 'permit granted' : `${position - 1} ahead`;
  enterPhase(
    status,
    'waiting-capacity',
    `waiting for task capacity: ${ahead}, ${formatDuration(now() - since)} so far`,
  );
}
