/**
 * Every task the simulator has created, indexed so that each StartTaskContact costs O(1): open tasks
 * per instance, ClientTokens per instance, tasks per PreviousContactId. Open tasks are kept in
 * creation order, so expiring them after a lifetime only ever looks at the oldest ones.
 */
import type { SimulatedTask, StartTaskContactRequestRecord, TaskCompletion, TaskOrigin } from '../types';

export interface TaskRecord {
  contactId: string;
  instanceId: string;
  queueId: string;
  createdBy: TaskOrigin;
  createdAtMs: number;
  completedAtMs?: number;
  completedBy?: TaskCompletion;
  /** Epoch ms before which the task counts as scheduled rather than waiting in its queue. */
  scheduledForMs?: number;
  request: StartTaskContactRequestRecord;
}

const key = (instanceId: string, id: string) => `${instanceId}\u0000${id}`;

export class TaskStore {
  private readonly all = new Map<string, TaskRecord>();
  /** Open tasks, oldest first (Map iteration follows insertion order). */
  private readonly open = new Map<string, TaskRecord>();
  private readonly openPerInstance = new Map<string, Set<TaskRecord>>();
  private readonly completedPerInstance = new Map<string, number>();
  /** Most tasks ever open at once per instance: what a quota storm must never push past the quota. */
  private readonly peakOpenPerInstance = new Map<string, number>();
  private readonly linkedToPrevious = new Map<string, number>();
  private readonly tokens = new Map<string, { contactId: string; atMs: number }>();

  get(contactId: string): TaskRecord | undefined {
    return this.all.get(contactId);
  }

  openCount(instanceId: string): number {
    return this.openPerInstance.get(instanceId)?.size ?? 0;
  }

  peakOpenCount(instanceId: string): number {
    return this.peakOpenPerInstance.get(instanceId) ?? 0;
  }

  completedCount(instanceId: string): number {
    return this.completedPerInstance.get(instanceId) ?? 0;
  }

  openTasksOf(instanceId: string): Iterable<TaskRecord> {
    return this.openPerInstance.get(instanceId) ?? [];
  }

  /** Tasks ever created with this PreviousContactId (completed ones still count, as in AWS). */
  linkedCount(instanceId: string, previousContactId: string): number {
    return this.linkedToPrevious.get(key(instanceId, previousContactId)) ?? 0;
  }

  /** The task an earlier successful call with this ClientToken created, while the token is live. */
  findByClientToken(instanceId: string, token: string, nowMs: number, ttlMs: number): TaskRecord | undefined {
    const entry = this.tokens.get(key(instanceId, token));
    if (!entry) return undefined;
    if (nowMs - entry.atMs >= ttlMs) {
      this.tokens.delete(key(instanceId, token));
      return undefined;
    }
    return this.all.get(entry.contactId);
  }

  add(task: TaskRecord): void {
    this.all.set(task.contactId, task);
    this.open.set(task.contactId, task);
    let openSet = this.openPerInstance.get(task.instanceId);
    if (!openSet) this.openPerInstance.set(task.instanceId, (openSet = new Set()));
    openSet.add(task);
    if (openSet.size > this.peakOpenCount(task.instanceId))
      this.peakOpenPerInstance.set(task.instanceId, openSet.size);
    const { PreviousContactId, ClientToken } = task.request;
    if (PreviousContactId !== undefined) {
      const linkKey = key(task.instanceId, PreviousContactId);
      this.linkedToPrevious.set(linkKey, (this.linkedToPrevious.get(linkKey) ?? 0) + 1);
    }
    if (ClientToken !== undefined) {
      this.tokens.set(key(task.instanceId, ClientToken), {
        contactId: task.contactId,
        atMs: task.createdAtMs,
      });
    }
  }

  /** Completes an open task; returns false when it was already completed. */
  complete(task: TaskRecord, by: TaskCompletion, atMs: number): boolean {
    if (!this.open.delete(task.contactId)) return false;
    this.openPerInstance.get(task.instanceId)?.delete(task);
    this.completedPerInstance.set(task.instanceId, this.completedCount(task.instanceId) + 1);
    task.completedAtMs = atMs;
    task.completedBy = by;
    return true;
  }

  /** Completes tasks older than `lifetimeMs`, each at the moment its lifetime ended. */
  expire(lifetimeMs: number, nowMs: number): void {
    for (const task of this.open.values()) {
      const endsAt = task.createdAtMs + lifetimeMs;
      if (endsAt > nowMs) break;
      this.complete(task, 'lifetime', endsAt);
    }
  }

  /** The oldest `count` open tasks (of one instance, or of all). */
  oldestOpen(count: number, instanceId?: string): TaskRecord[] {
    const source = instanceId === undefined ? this.open.values() : this.openTasksOf(instanceId);
    const out: TaskRecord[] = [];
    for (const task of source) {
      if (out.length >= count) break;
      out.push(task);
    }
    return out;
  }

  list(filter: { openOnly: boolean; instanceId?: string }): TaskRecord[] {
    const source = filter.openOnly ? this.open.values() : this.all.values();
    const out: TaskRecord[] = [];
    for (const task of source) {
      if (filter.instanceId === undefined || task.instanceId === filter.instanceId) out.push(task);
    }
    return out;
  }

  clear(): void {
    this.all.clear();
    this.open.clear();
    this.openPerInstance.clear();
    this.completedPerInstance.clear();
    this.peakOpenPerInstance.clear();
    this.linkedToPrevious.clear();
    this.tokens.clear();
  }
}

export function toTaskView(task: TaskRecord): SimulatedTask {
  return {
    contactId: task.contactId,
    instanceId: task.instanceId,
    queueId: task.queueId,
    status: task.completedAtMs === undefined ? 'OPEN' : 'COMPLETED',
    createdBy: task.createdBy,
    createdAt: new Date(task.createdAtMs).toISOString(),
    ...(task.completedAtMs !== undefined ? { completedAt: new Date(task.completedAtMs).toISOString() } : {}),
    ...(task.completedBy !== undefined ? { completedBy: task.completedBy } : {}),
    request: task.request,
  };
}
