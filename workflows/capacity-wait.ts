/**
 * The remediation's wait for task capacity, from the run's side of the instance's gate
 * (capacity-gate.ts): queue, wait for a permit, re-issue holding it, release it with the outcome,
 * and leave the queue when an operator answers or `maxWait` passes. The run never re-issues
 * without a live permit, so a storm drains at the pace the quota frees up.
 *
 * While queued a run does no periodic work: it wakes for its grant, an operator's decision,
 * `maxWait`, or a rare liveness check (`livenessCheck`, at most every 30 minutes) that notices a
 * gate that is gone or replaced and queues again at once. Its position is read on demand from the
 * gate (`runs show`, the gate's `position` query), never pushed into every run.
 */
import {
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { CapacitySettings } from '../policies/types';
import {
  CAPACITY_INTAKE,
  capacityGateWorkflowId,
  capacityGrantedSignal,
  rateLimitedTaskQueue,
  releasePermitSignal,
  withdrawFromCapacitySignal,
  type AttemptRecord,
  type CapacityGrant,
  type CapacityRequest,
  type PermitOutcome,
  type RemediationStatus,
} from './definitions';
import { classifyReissueFailure } from './failures';
import { waitForCapacityV1 } from './legacy/capacity-wait-v1';
import { CAPACITY_WAIT_V2 } from './patches';
import { enterPhase, formatDuration } from './visibility';

// Joining the gate (or its open overflow chunk; signal-with-start starts the gate on demand) tells
// the gate's lineage. It runs on the capacity intake's rate-limited queue, so a storm's arrivals
// never flood one workflow; retried until it succeeds, visibly, as a pending activity.
const { joinCapacityGate } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// The liveness check: a failed check is simply tried again at the next one.
const { capacityGateLineage } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 3 },
});

const DEFAULT_LIVENESS_CHECK_MS = 30 * 60_000;

const gateOf = (instanceId: string) => getExternalWorkflowHandle(capacityGateWorkflowId(instanceId));

/**
 * Permits the gate grants this run; installed when the run starts, so no grant is ever missed.
 * Runs that waited before CAPACITY_WAIT_V2 take any grant (as they did); now a grant counts only
 * for the wait it answers (its ticket), and one that arrives when the run is not waiting for it —
 * stale, or racing a withdraw — goes straight back to the gate unused.
 */
export class PermitInbox {
  private permitId?: string;
  /** The ticket of the current wait; undefined while not waiting (v2 only). */
  private expected?: number;
  private ticketed = false;
  /** Capacity waits so far: each gets its own ticket. */
  tickets = 0;

  constructor(private readonly instanceId: string) {
    setHandler(capacityGrantedSignal, async (grant: CapacityGrant) => {
      if (!this.ticketed || this.accepts(grant)) {
        this.permitId = grant.permitId;
        return;
      }
      await release(this.instanceId, grant.permitId, 'unused');
    });
  }

  private accepts(grant: CapacityGrant): boolean {
    if (this.expected === undefined || this.permitId !== undefined) return false;
    return grant.ticket === undefined || grant.ticket === this.expected;
  }

  /** From now on, grants count only for the wait with `ticket` (undefined: none). */
  expect(ticket: number | undefined): void {
    this.ticketed = true;
    this.expected = ticket;
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

function release(instanceId: string, permitId: string, outcome: PermitOutcome): Promise<void> {
  // If the gate is gone its permits are gone with it: nothing to release.
  return gateOf(instanceId)
    .signal(releasePermitSignal, {
      permitId,
      workflowId: workflowInfo().workflowId,
      outcome,
      ...(outcome === 'created' ? { createdAt: Date.now() } : {}),
    })
    .catch(() => undefined);
}

export interface CapacityWait {
  instanceId: string;
  capacity: CapacitySettings & { maxWaitMs: number };
  /** The policy set the run's policy came from: the gate follows the newest set's setting. */
  setHash: string;
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

export function waitForCapacity(wait: CapacityWait): Promise<CapacityWaitOutcome> {
  return patched(CAPACITY_WAIT_V2) ? waitAtGate(wait) : waitForCapacityV1(wait);
}

/** What a re-issue outcome tells the gate about the permit. */
function permitOutcome(
  verdict: ReturnType<typeof classifyReissueFailure>['verdict'] | undefined,
): PermitOutcome {
  if (verdict === undefined) return 'created';
  if (verdict === 'wait-for-capacity') return 'quota-exceeded';
  return verdict === 'retry' ? 'transient' : 'failed';
}

async function waitAtGate(wait: CapacityWait): Promise<CapacityWaitOutcome> {
  const { instanceId, capacity, status, permits } = wait;
  const since = Date.now();
  const deadline = since + capacity.maxWaitMs;
  const ticket = ++permits.tickets;
  const request: CapacityRequest & { instanceId: string } = {
    instanceId,
    workflowId: workflowInfo().workflowId,
    priority: capacity.priority ?? 0,
    since,
    ticket,
    source: capacity.source,
    ...(capacity.quota !== undefined ? { quota: capacity.quota } : {}),
    ...(capacity.queues ? { queues: capacity.queues } : {}),
    settings: {
      source: capacity.source,
      ...(capacity.quota !== undefined ? { quota: capacity.quota } : {}),
      ...(capacity.queues ? { queues: capacity.queues } : {}),
      ...(capacity.grantsPerSecond !== undefined ? { grantsPerSecond: capacity.grantsPerSecond } : {}),
      ...(capacity.settingsFrom ? { policy: capacity.settingsFrom } : {}),
      setHash: wait.setHash,
    },
  };
  const join = () =>
    joinCapacityGate.executeWithOptions(
      {
        summary: 'Queue for task capacity',
        taskQueue: rateLimitedTaskQueue(workflowInfo().taskQueue, CAPACITY_INTAKE),
      },
      [request],
    );
  const withdraw = () =>
    gateOf(instanceId)
      .signal(withdrawFromCapacitySignal, { workflowId: request.workflowId })
      .catch(() => undefined);

  status.capacity = { waitingSince: new Date(since).toISOString() };
  permits.expect(ticket);
  let { lineage } = await join();
  try {
    for (;;) {
      enterPhase(
        status,
        'waiting-capacity',
        `waiting for task capacity at ${capacityGateWorkflowId(instanceId)} for ${formatDuration(Date.now() - since)} ` +
          `(position: its \`position\` query, or \`runs show\`)`,
      );
      const timeoutMs = Math.min(
        capacity.livenessCheckMs ?? DEFAULT_LIVENESS_CHECK_MS,
        Math.max(0, deadline - Date.now()),
      );
      if (!permits.held && !wait.operatorDecided() && timeoutMs > 0) {
        await condition(() => permits.held || wait.operatorDecided(), timeoutMs, {
          summary: 'Wait for a task-capacity permit',
        });
      }
      // An operator's answer wins, even over a grant that arrived in the same moment.
      if (wait.operatorDecided()) {
        const unused = permits.take();
        if (unused !== undefined) await release(instanceId, unused, 'unused');
        await withdraw();
        return { kind: 'operator-decided' };
      }
      const permitId = permits.take();
      if (permitId !== undefined) {
        const attempt = await wait.reissue(Date.now() - since);
        const verdict = attempt.ok ? undefined : classifyReissueFailure(attempt.error!);
        await release(instanceId, permitId, permitOutcome(verdict?.verdict));
        if (attempt.ok) return { kind: 'recovered', attempt };
        if (verdict!.verdict === 'escalate') {
          return { kind: 'escalate', reason: `${verdict!.why}: ${attempt.error!.message}` };
        }
        // Quota still full or a transient error: the gate keeps our place; wait again.
        continue;
      }
      if (Date.now() >= deadline) {
        await withdraw();
        return { kind: 'max-wait-passed' };
      }
      // Liveness: a gate terminated or replaced (another lineage) does not know us: queue again.
      const gate = await capacityGateLineage
        .executeWithOptions({ summary: 'Is the capacity gate still there?' }, [{ instanceId }])
        .catch(() => undefined);
      if (gate && (!gate.running || gate.lineage !== lineage)) ({ lineage } = await join());
    }
  } finally {
    permits.expect(undefined);
    delete status.capacity;
  }
}
