/**
 * An instance's waiting room: a Temporal task queue that no worker polls. A run that waits for
 * task capacity schedules one `awaitTaskCapacity` activity there and does nothing more; the
 * instance's gate takes waiting tasks from it — with the Temporal API's own PollActivityTaskQueue,
 * one task per free slot — and answers each with the run's re-issue: completed with the task
 * created, or failed with AWS's answer, exactly as if the run had called StartTaskContact itself.
 *
 * Why a task queue: Temporal keeps its tasks durable, in priority order and close to arrival
 * order, for as long as the run waits, at no cost to anyone while nothing moves; the gate holds
 * none of them, so a storm of any size weighs nothing in its history (docs/capacity-gate.md).
 *
 * The names (queue, activity type, the gate's workflow) come from the workflow side through the
 * worker (WaitingRoomContract): activities import no workflow code.
 */
import { ApplicationFailure, defaultPayloadConverter, fromPayloadsAtIndex } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import os from 'node:os';
import type { ConnectFailureEvent } from '../events/types';
import type { ReissueOverrides } from '../policies/types';

/**
 * A poll of a room that may be empty: the server answers an empty poll about a second before
 * this (and warns of deadlines under a few seconds, refusing those under two).
 */
export const SHORT_POLL_MS = 5_000;
/**
 * Listening to an empty room polls this long at a time: a worker shutting down (which cancels the
 * activity) waits at most this long for it, and never cuts a poll short (a poll cut short could
 * take a task that nobody answers).
 */
const LISTEN_POLL_MS = 10_000;
/** Raw polls to the room at once. */
const POLLS_AT_ONCE = 10;
/** How often the gate looks again at a run that has news to read (see waiterState). */
const NEWS_POLL_MS = 250;

/**
 * A taken run as the gate finds it: still waiting; stopped (ended, or its operator decided and it
 * asked to cancel the wait); or with news it has not read in the grace the gate gave it.
 */
export type WaiterState = 'waiting' | 'stopped' | 'unread-news';

/** What a waiting run leaves in the room: everything its re-issue needs. */
export interface WaitingRequest {
  event: ConnectFailureEvent;
  overrides: ReissueOverrides;
  /** The run's attempt number for this re-issue. */
  attempt: number;
}

/** A waiting task the gate took from the room (its task token in base64). */
export interface TakenWaiter {
  taskToken: string;
  workflowId: string;
  runId: string;
  /** The waiting activity's id in the run (to see whether the run asked to cancel it). */
  activityId: string;
  request: WaitingRequest;
}

export interface WaitingRoomContract {
  /** The room of an instance, from the remediation task queue. */
  roomTaskQueue(taskQueue: string, instanceId: string): string;
}

const TASK_QUEUE_KIND_NORMAL = temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL;

export class WaitingRoom {
  private readonly identity = `${process.pid}@${os.hostname()}/capacity-gate`;

  constructor(
    private readonly client: Client,
    private readonly contract: WaitingRoomContract,
  ) {}

  private get service() {
    return this.client.connection.workflowService;
  }

  private get namespace(): string {
    return this.client.options.namespace;
  }

  /**
   * One waiting task, or undefined when none came within `waitMs`. The deadline is the server's
   * to honour: it answers an empty poll shortly before it, so no task is ever taken by a poll
   * that nobody is listening to any more.
   */
  private async pollOne(queue: string, waitMs: number): Promise<TakenWaiter | undefined> {
    const response = await this.client.connection.withDeadline(Date.now() + waitMs, () =>
      this.service.pollActivityTaskQueue({
        namespace: this.namespace,
        taskQueue: { name: queue, kind: TASK_QUEUE_KIND_NORMAL },
        identity: this.identity,
      }),
    );
    if (!response.taskToken?.length) return undefined;
    return {
      taskToken: Buffer.from(response.taskToken).toString('base64'),
      workflowId: response.workflowExecution?.workflowId ?? '',
      runId: response.workflowExecution?.runId ?? '',
      activityId: response.activityId ?? '',
      request: fromPayloadsAtIndex<WaitingRequest>(defaultPayloadConverter, 0, response.input?.payloads),
    };
  }

  /**
   * Up to `count` waiting tasks of the instance's room, in the order Temporal hands them out;
   * with `listen`, the first may be waited for that long (an empty room: the gate listens).
   */
  async take(
    taskQueue: string,
    instanceId: string,
    count: number,
    listen: { ms: number; stopped: () => boolean } = { ms: 0, stopped: () => false },
  ): Promise<TakenWaiter[]> {
    const queue = this.contract.roomTaskQueue(taskQueue, instanceId);
    const taken: TakenWaiter[] = [];
    if (count <= 0) return taken;
    if (listen.ms > 0) {
      const until = Date.now() + listen.ms;
      let first: TakenWaiter | undefined;
      while (!first && !listen.stopped() && Date.now() < until) {
        first = await this.pollOne(
          queue,
          Math.max(SHORT_POLL_MS, Math.min(LISTEN_POLL_MS, until - Date.now())),
        );
      }
      if (!first) return taken;
      taken.push(first);
    }
    while (taken.length < count) {
      const wanted = Math.min(count - taken.length, POLLS_AT_ONCE);
      const polled = await Promise.all(
        Array.from({ length: wanted }, () => this.pollOne(queue, SHORT_POLL_MS)),
      );
      const found = polled.filter((w): w is TakenWaiter => w !== undefined);
      taken.push(...found);
      if (found.length < wanted) break; // the room is empty for now
    }
    return taken;
  }

  /** The room's backlog as Temporal reports it (approximate and a few seconds old), if it does. */
  async backlog(taskQueue: string, instanceId: string): Promise<number | undefined> {
    try {
      const described = await this.service.describeTaskQueue({
        namespace: this.namespace,
        taskQueue: { name: this.contract.roomTaskQueue(taskQueue, instanceId), kind: TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        reportStats: true,
      });
      const count = described.stats?.approximateBacklogCount;
      return count === undefined || count === null ? undefined : Number(count);
    } catch {
      return undefined; // a server without task-queue stats: the count is only shown, never used
    }
  }

  /**
   * Whether the run still waits on this task: not when it ended, or when its operator decided
   * and it asked to cancel the wait. Read from the run's description: no action, no history.
   *
   * A run with a workflow task pending has news it has not read yet — an operator's decision,
   * most often (nothing else reaches a run that waits). The gate lets it read that news for up to
   * `graceMs` before deciding for it, so a decision sent before the run's turn came wins over the
   * re-issue, even one sent while no worker ran; `unread-news` when the run has not read it by then.
   */
  async waiterState(waiter: TakenWaiter, graceMs: number): Promise<WaiterState> {
    const until = Date.now() + graceMs;
    for (;;) {
      const seen = await this.describeWaiter(waiter);
      if (!seen.waiting) return 'stopped';
      if (!seen.newsPending) return 'waiting';
      if (Date.now() >= until) return 'unread-news';
      await new Promise((resolve) => setTimeout(resolve, NEWS_POLL_MS));
    }
  }

  private async describeWaiter(waiter: TakenWaiter): Promise<{ waiting: boolean; newsPending: boolean }> {
    try {
      const described = await this.service.describeWorkflowExecution({
        namespace: this.namespace,
        execution: { workflowId: waiter.workflowId, runId: waiter.runId },
      });
      const running =
        described.workflowExecutionInfo?.status ===
        temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
      const pending = described.pendingActivities?.find((a) => a.activityId === waiter.activityId);
      const waiting =
        running &&
        pending !== undefined &&
        pending.state !== temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED;
      return { waiting, newsPending: !!described.pendingWorkflowTask };
    } catch {
      return { waiting: false, newsPending: false };
    }
  }

  private token(waiter: TakenWaiter): Uint8Array {
    return Buffer.from(waiter.taskToken, 'base64');
  }

  /** Answers the run with its re-issue's result. False: the run no longer waits for an answer. */
  async answer(waiter: TakenWaiter, result: unknown): Promise<boolean> {
    return this.settle(() => this.client.activity.complete(this.token(waiter), result));
  }

  /** Answers the run with AWS's refusal (the same failure its own re-issue would have thrown). */
  async refuse(waiter: TakenWaiter, failure: ApplicationFailure): Promise<boolean> {
    return this.settle(() => this.client.activity.fail(this.token(waiter), failure));
  }

  /** The run asked to stop waiting (its operator decided): its wait ends cancelled. */
  async cancelled(waiter: TakenWaiter): Promise<boolean> {
    return this.settle(() => this.client.activity.reportCancellation(this.token(waiter)));
  }

  /** Taken, but there is no capacity after all: the run queues again at once. */
  async handBack(waiter: TakenWaiter, failureType: string): Promise<boolean> {
    return this.refuse(
      waiter,
      ApplicationFailure.create({
        type: failureType,
        message: 'The gate found no free task capacity after all: queue again',
        nonRetryable: true,
      }),
    );
  }

  private async settle(call: () => Promise<void>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch {
      // ActivityNotFoundError: the run ended, or its waiting task timed out and was queued again.
      return false;
    }
  }
}
