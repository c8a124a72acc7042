/**
 * The task-capacity gate's public surface: names, the waiting room, what a round and an admission
 * report, and the gate's status query. Imported by the gate, the waiting runs, the activities'
 * wiring (worker/), the CLI and the tests, so no side spells a name differently.
 *
 * How the pieces fit (docs/capacity-gate.md has the why):
 * - a run that waits for capacity schedules one `awaitTaskCapacity` activity on its instance's
 *   waiting-room task queue, which no worker polls: Temporal holds the waiting runs, durably, in
 *   priority order, and the run does nothing until its task is taken;
 * - the instance's gate (`task-capacity-<instanceId>`, one long-lived workflow) reads the free
 *   capacity and takes at most that many tasks from the room in an admission round, then re-issues
 *   each taken run's task on the StartTaskContact budget and completes the run's waiting task with
 *   the answer — so the gate knows exactly what it has in flight, and nothing is ever sent *to* it.
 */
import { defineQuery } from '@temporalio/workflow';
import type { GateSettings } from '../activities/capacity';

export const CAPACITY_GATE_WORKFLOW_TYPE = 'taskCapacityGate';
export const capacityGateWorkflowId = (instanceId: string): string => `task-capacity-${instanceId}`;

/**
 * Gates have a task queue of their own: in a storm, the main queue holds thousands of runs'
 * workflow tasks, and a gate's must not wait behind them to admit.
 */
export const capacityGateTaskQueue = (taskQueue: string): string => `${taskQueue}-capacity-gates`;

/** An instance's waiting room: a task queue no worker polls; its gate takes from it. */
export const waitingRoomTaskQueue = (taskQueue: string, instanceId: string): string =>
  `${taskQueue}-waiting-${instanceId}`;

/** The activity type of a waiting run's task. No worker implements it: the gate completes it. */
export const AWAIT_TASK_CAPACITY = 'awaitTaskCapacity';

/**
 * The failure a waiting task ends with when the gate took it but found no capacity after all (it
 * took it while listening to an empty room): the run queues again at once.
 */
export const NO_TASK_CAPACITY_YET = 'NoTaskCapacityYet';

/**
 * Re-issues out at once, at most. Each one that ends while a workflow task of the gate runs is two
 * buffered events (activity started, completed), and Temporal force-closes a workflow task once
 * more than 100 events are buffered (`history.maximumBufferedEventsBatch`; the task fails with
 * FORCE_CLOSE_COMMAND and runs again). 45 keeps every admission out, a round's read and a timer
 * under that limit however slow the worker is; at Connect's usual latency it is far above any
 * StartTaskContact budget, so it does not slow a drain.
 */
export const GATE_MAX_IN_FLIGHT = 45;

export interface GateStats {
  admitted: number;
  created: number;
  quotaErrors: number;
  transientErrors: number;
  failed: number;
  cancelled: number;
}

export type GateMode = 'listening' | 'admitting' | 'full' | 'cooling-down' | 'handing-over';

export interface CapacityGateStatus {
  instanceId: string;
  mode: GateMode;
  settings?: GateSettings;
  /** The waiting room's backlog at the latest round (approximate). */
  waiting?: number;
  /** Re-issues out now. */
  inFlight: number;
  /** Probe source: current admission window. */
  window: number;
  lastOpenTasks?: number;
  metricsUnreadable?: string;
  stats: GateStats;
  /** Grants per minute, oldest first. */
  grantsPerMinute: { minute: number; grants: number }[];
}

export const capacityGateStatusQuery = defineQuery<CapacityGateStatus>('gateStatus');
