/**
 * FROZEN: the first capacity wait, kept only so runs that started waiting before
 * CAPACITY_WAIT_V2 (workflows/patches.ts) replay and finish. Do not change what it does.
 *
 * It asked the gate for its position every 1–15 minutes and re-queued at the end after a
 * transient failure; ../capacity-wait.ts is what runs now.
 */
import { condition, getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RemediationActivities } from '../../activities';
import type { CapacityWait, CapacityWaitOutcome } from '../capacity-wait';
import {
  capacityGateWorkflowId,
  releasePermitSignal,
  withdrawFromCapacitySignal,
  type PermitOutcome,
  type RemediationStatus,
} from '../definitions';
import { classifyReissueFailure } from '../failures';
import { enterPhase, formatDuration } from '../visibility';

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

const now = () => Date.now();

export async function waitForCapacityV1(wait: CapacityWait): Promise<CapacityWaitOutcome> {
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
