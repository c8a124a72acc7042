/**
 * FROZEN: the first capacity gate, kept only so gate runs started before CAPACITY_GATE_V2
 * (workflows/patches.ts) replay and finish; their continue-as-new starts the current gate
 * (../capacity-gate.ts), which takes over their queue. Do not change what this code does.
 *
 * taskCapacityGate — one per Connect instance (`task-capacity-<instanceId>`): a durable FIFO
 * semaphore in front of StartTaskContact, so a storm of quota failures drains at the pace the
 * quota frees up instead of every run hammering the API on its own timer.
 *
 * Waiting remediation runs `enqueue` (signal-with-start); the gate grants permits
 * (`capacityGranted` signal) to no more runs than the estimated free capacity; each run re-issues
 * its task and `release`s the permit with the outcome. Free capacity comes from Connect's current
 * metrics (quota − open tasks − permits in flight) or, when metrics are not configured or cannot
 * be read, from AIMD probing (grow the window while re-issues succeed, halve it on a quota error).
 * History stays bounded by continuing as new with the queue carried over.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../../activities';
import {
  capacityGateStatusQuery,
  capacityGrantedSignal,
  enqueueForCapacitySignal,
  queuePositionQuery,
  releasePermitSignal,
  withdrawFromCapacitySignal,
  type CapacityGateStatus,
  type CapacityRequest,
  type CapacitySource,
  type PermitRelease,
} from '../definitions';

const { readOpenTasks } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', maximumAttempts: 3 },
});

/** How often to look again while the quota is full (GetCurrentMetricData allows a few TPS). */
const POLL_INTERVAL_MS = 1_000;
/** A permit whose run never reported back (crashed, cancelled) is reclaimed after this. */
const PERMIT_TIMEOUT_MS = 5 * 60_000;
/** An idle gate completes; the next storm starts a new one. */
const IDLE_TIMEOUT_MS = 60_000;
const MAX_COOLDOWN_MS = 30_000;
/** Continue as new well before Temporal's history limits, carrying the queue. */
const MAX_HISTORY_EVENTS = 4_000;

interface Waiter {
  workflowId: string;
  priority: number;
  /** FIFO order among equal priorities; re-queued runs get a smaller one to keep their place. */
  seq: number;
}

interface Permit {
  permitId: string;
  workflowId: string;
  grantedAt: number;
  waiter: Waiter;
}

export interface CapacityGateStateV1 {
  source: CapacitySource;
  queue: Waiter[];
  permits: Permit[];
  window: number;
  nextSeq: number;
  headSeq: number;
  cooldownMs: number;
  cooldownUntil: number;
  stats: Pick<CapacityGateStatus, 'admitted' | 'created' | 'quotaErrors' | 'reclaimed'>;
}

export interface CapacityGateInputV1 {
  instanceId: string;
  /** Present after continue-as-new. */
  state?: CapacityGateStateV1;
  /** History length that triggers continue-as-new (default 4000; tests use less). */
  maxHistoryEvents?: number;
}

/** Runs the frozen first gate (called by taskCapacityGate for runs started before v2). */
export function runCapacityGateV1(input: CapacityGateInputV1): Promise<CapacityGateStatus> {
  return new CapacityGate(input).run();
}

/** Orders waiters: higher priority first, then FIFO. */
function before(a: Waiter, b: Waiter): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

class CapacityGate {
  private readonly instanceId: string;
  private readonly maxHistoryEvents: number;
  private readonly state: CapacityGateStateV1;
  private readonly permits = new Map<string, Permit>();
  private changed = true;
  private lastOpenTasks?: number;
  /** Tasks our permits created since the last metrics read (not yet visible in it). */
  private createdSinceRead = 0;
  private lastReadAt = 0;

  constructor(input: CapacityGateInputV1) {
    this.instanceId = input.instanceId;
    this.maxHistoryEvents = input.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
    this.state = input.state ?? {
      source: { source: 'probe' },
      queue: [],
      permits: [],
      window: 1,
      nextSeq: 1,
      headSeq: 0,
      cooldownMs: 0,
      cooldownUntil: 0,
      stats: { admitted: 0, created: 0, quotaErrors: 0, reclaimed: 0 },
    };
    for (const p of this.state.permits) this.permits.set(p.permitId, p);
    setHandler(enqueueForCapacitySignal, (request) => this.enqueue(request));
    setHandler(releasePermitSignal, (release) => this.release(release));
    setHandler(withdrawFromCapacitySignal, ({ workflowId }) => this.withdraw(workflowId));
    setHandler(queuePositionQuery, (workflowId) => this.position(workflowId));
    setHandler(capacityGateStatusQuery, () => this.status());
  }

  async run(): Promise<CapacityGateStatus> {
    for (;;) {
      this.reclaimExpiredPermits();
      if (this.state.queue.length > 0) await this.admit();
      this.describe();
      if (this.shouldContinueAsNew()) {
        await condition(allHandlersFinished);
        this.state.permits = [...this.permits.values()];
        return continueAsNew<typeof runCapacityGateV1>({
          instanceId: this.instanceId,
          state: this.state,
          ...(this.maxHistoryEvents !== MAX_HISTORY_EVENTS
            ? { maxHistoryEvents: this.maxHistoryEvents }
            : {}),
        });
      }
      this.changed = false;
      if (this.state.queue.length === 0 && this.permits.size === 0) {
        if (!(await condition(() => this.changed, IDLE_TIMEOUT_MS))) return this.status();
      } else {
        await condition(() => this.changed, this.nextWakeMs());
      }
    }
  }

  private enqueue(request: CapacityRequest): void {
    // The latest request's settings win: a policy edit applies to the gate from the next enqueue.
    this.state.source = {
      source: request.source,
      ...(request.quota !== undefined ? { quota: request.quota } : {}),
      ...(request.queues ? { queues: request.queues } : {}),
    };
    const already =
      this.state.queue.some((w) => w.workflowId === request.workflowId) ||
      [...this.permits.values()].some((p) => p.workflowId === request.workflowId);
    if (!already)
      this.insert({ workflowId: request.workflowId, priority: request.priority, seq: this.state.nextSeq++ });
    this.changed = true;
  }

  private insert(waiter: Waiter): void {
    // Binary search keeps enqueue O(log n) comparisons in a storm of thousands.
    let lo = 0;
    let hi = this.state.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.state.queue[mid]!, waiter)) lo = mid + 1;
      else hi = mid;
    }
    this.state.queue.splice(lo, 0, waiter);
  }

  private release({ permitId, outcome }: PermitRelease): void {
    const permit = this.permits.get(permitId);
    if (!permit) return; // reclaimed already, or a duplicate report
    this.permits.delete(permitId);
    if (outcome === 'created') {
      this.state.stats.created++;
      this.createdSinceRead++;
      this.state.window = Math.min(this.state.window + 1 / this.state.window, 100_000);
      this.state.cooldownMs = 0;
    } else if (outcome === 'quota-exceeded') {
      // Our estimate was wrong: shrink, back off, and give the run its place back at the head.
      this.state.stats.quotaErrors++;
      this.state.window = Math.max(1, this.state.window / 2);
      this.state.cooldownMs = Math.min(
        Math.max(this.state.cooldownMs * 2, POLL_INTERVAL_MS),
        MAX_COOLDOWN_MS,
      );
      this.state.cooldownUntil = Date.now() + this.state.cooldownMs;
      this.insert({ ...permit.waiter, seq: --this.state.headSeq });
    }
    this.changed = true;
  }

  private withdraw(workflowId: string): void {
    this.state.queue = this.state.queue.filter((w) => w.workflowId !== workflowId);
    for (const [id, p] of this.permits) if (p.workflowId === workflowId) this.permits.delete(id);
    this.changed = true;
  }

  private reclaimExpiredPermits(): void {
    const now = Date.now();
    for (const [id, p] of this.permits) {
      if (now - p.grantedAt > PERMIT_TIMEOUT_MS) {
        this.permits.delete(id);
        this.state.stats.reclaimed++;
      }
    }
  }

  /** Free slots by the configured source; metrics that cannot be read fall back to probing. */
  private async freeSlots(): Promise<number> {
    if (Date.now() < this.state.cooldownUntil) return 0;
    const { source, quota } = this.state.source;
    if (source === 'metrics' && quota !== undefined) {
      const open = await this.openTasks();
      if (open !== undefined) return Math.max(0, quota - open - this.permits.size);
    }
    return Math.max(0, Math.floor(this.state.window) - this.permits.size);
  }

  /**
   * Open tasks, read at most once per poll interval (a burst of signals must not become a burst of
   * GetCurrentMetricData calls); between reads, tasks our permits created are added to the last one.
   */
  private async openTasks(): Promise<number | undefined> {
    if (this.lastOpenTasks !== undefined && Date.now() - this.lastReadAt < POLL_INTERVAL_MS) {
      return this.lastOpenTasks + this.createdSinceRead;
    }
    try {
      this.lastOpenTasks = await readOpenTasks.executeWithOptions(
        { summary: `Read open tasks of ${this.instanceId}` },
        [
          {
            instanceId: this.instanceId,
            ...(this.state.source.queues ? { queues: this.state.source.queues } : {}),
          },
        ],
      );
      this.lastReadAt = Date.now();
      this.createdSinceRead = 0;
      return this.lastOpenTasks;
    } catch {
      this.lastOpenTasks = undefined; // unreadable (permissions, outage): probe instead
      return undefined;
    }
  }

  private async admit(): Promise<void> {
    const free = Math.min(await this.freeSlots(), this.state.queue.length);
    if (free <= 0) return;
    const admitted = this.state.queue.splice(0, free);
    const now = Date.now();
    const grants = admitted.map((waiter) => {
      const permit: Permit = {
        permitId: `${waiter.workflowId}#${this.state.stats.admitted++}`,
        workflowId: waiter.workflowId,
        grantedAt: now,
        waiter,
      };
      this.permits.set(permit.permitId, permit);
      return getExternalWorkflowHandle(waiter.workflowId)
        .signal(capacityGrantedSignal, { permitId: permit.permitId })
        .catch(() => this.permits.delete(permit.permitId)); // the run is gone: nobody to admit
    });
    await Promise.all(grants);
  }

  private nextWakeMs(): number {
    const now = Date.now();
    const waits = [PERMIT_TIMEOUT_MS];
    if (this.state.queue.length > 0) waits.push(Math.max(POLL_INTERVAL_MS, this.state.cooldownUntil - now));
    for (const p of this.permits.values()) waits.push(Math.max(1, p.grantedAt + PERMIT_TIMEOUT_MS - now));
    return Math.min(...waits);
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.maxHistoryEvents;
  }

  private position(workflowId: string) {
    const index = this.state.queue.findIndex((w) => w.workflowId === workflowId);
    const holding = [...this.permits.values()].some((p) => p.workflowId === workflowId);
    return {
      ...(index >= 0 ? { position: index + 1 } : holding ? { position: 0 } : {}),
      queueLength: this.state.queue.length,
      inFlight: this.permits.size,
    };
  }

  private status(): CapacityGateStatus {
    return {
      instanceId: this.instanceId,
      source: this.state.source,
      queueLength: this.state.queue.length,
      inFlight: this.permits.size,
      window: Math.floor(this.state.window * 100) / 100,
      ...(this.lastOpenTasks !== undefined ? { lastOpenTasks: this.lastOpenTasks } : {}),
      ...this.state.stats,
    };
  }

  private describe(): void {
    const open = this.lastOpenTasks !== undefined ? `, ${this.lastOpenTasks} open tasks` : '';
    setCurrentDetails(
      `**${this.state.queue.length} waiting**, ${this.permits.size} re-issuing${open} (${this.state.source.source}` +
        `${this.state.source.quota !== undefined ? `, quota ${this.state.source.quota}` : ''}); ` +
        `${this.state.stats.created} tasks created, ${this.state.stats.quotaErrors} quota errors`,
    );
  }
}
