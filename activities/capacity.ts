/**
 * Side effects of the task-capacity gate: reading Connect's open tasks (GetCurrentMetricData over
 * the instance's queues, ListQueues to know them), and the Temporal client calls a run or a gate
 * makes about a gate: joining it (by Update; signal-with-start starts the gate on demand,
 * atomically, so the first of a thousand concurrent failures creates it and the rest queue up
 * behind it), starting its overflow chunks and carrying their reports to it, checking it is still
 * the same gate (its lineage), and asking which permit holders have ended.
 */
import {
  GetCurrentMetricDataCommand,
  paginateListQueues,
  type ConnectClient,
  type CurrentMetricName,
} from '@aws-sdk/client-connect';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { setTimeout as delay } from 'node:timers/promises';
import { callAws } from './aws-failures';

/**
 * Tasks that count against the active-tasks quota: waiting in queue, scheduled for later, and
 * being worked (slots in use). Real Connect needs the queues to filter on.
 */
export const OPEN_TASK_METRICS: CurrentMetricName[] = [
  'CONTACTS_IN_QUEUE',
  'CONTACTS_SCHEDULED',
  'SLOTS_ACTIVE',
];

/** Tasks wait in standard queues and in agents' own queues (a task transferred to an agent). */
const TASK_QUEUE_TYPES = ['STANDARD', 'AGENT'] as const;

/** How long a worker process trusts the gate's answer to "where do runs join?". */
const INTAKE_TTL_MS = 1_000;
const INTAKE_QUERY_DEADLINE_MS = 5_000;

/**
 * A gate may ask for its next read of open tasks a little later (`notBefore`): Temporal timers
 * under a second fire late, so a sub-second poll waits here instead. Never longer than this, so
 * reads stay close to when the rate-limited queue let them out.
 */
const MAX_READ_DELAY_MS = 1_000;

/** Waits `ms`, at most MAX_READ_DELAY_MS: the short exact waits gates ask activities for. */
const waitBriefly = (ms: number) => delay(Math.max(0, Math.min(ms, MAX_READ_DELAY_MS)));

/** GetCurrentMetricData takes at most 100 queues per call. */
export const QUEUES_PER_METRICS_CALL = 100;

/**
 * How to reach an instance's gate. The workflow side owns these names (workflows/definitions.ts);
 * the worker hands them in, so activities stay free of workflow code.
 */
export interface CapacityGateContract {
  workflowType: string;
  workflowId(instanceId: string): string;
  enqueueSignal: string;
  /** Joining the gate by Update (gates from v3 on; see workflows/definitions.ts for why). */
  enqueueUpdate: string;
  /** A chunk's report to its gate, by Update. */
  overflowReportUpdate: string;
  positionQuery: string;
  /** Where a run joins: `{ chunk, room }` (an overflow chunk) while the gate overflows, else the gate. */
  intakeQuery: string;
  overflowWorkflowId(instanceId: string, chunk: number): string;
  overflowWorkflowType: string;
  /** Waiters the gate hands to a chunk that is already running. */
  holdSignal: string;
  /** The gates' own task queue, from the main one. */
  taskQueue(mainTaskQueue: string): string;
}

/** What a waiting run asks the gate for (the gate's own CapacityRequest, restated for this adapter). */
export interface GateEnqueueRequest {
  instanceId: string;
  workflowId: string;
  priority: number;
  source: 'metrics' | 'probe';
  quota?: number;
  queues?: string[];
  since?: number;
  ticket?: number;
  settings?: object;
}

export interface GateQueuePosition {
  position?: number;
  queueLength: number;
  inFlight: number;
}

export interface CapacityDeps {
  connect: ConnectClient;
  temporal: { client: Client; taskQueue: string; capacityGate: CapacityGateContract };
}

async function listQueueIds(
  connect: ConnectClient,
  instanceId: string,
  types: readonly string[],
): Promise<string[]> {
  const ids: string[] = [];
  await callAws('ListQueues', async () => {
    for await (const page of paginateListQueues(
      { client: connect },
      { InstanceId: instanceId, QueueTypes: [...types] as ('STANDARD' | 'AGENT')[] },
    )) {
      for (const q of page.QueueSummaryList ?? []) if (q.Id) ids.push(q.Id);
    }
  });
  return ids;
}

/**
 * Runs started before gates listed queues themselves read open tasks of every standard queue on
 * each call: remember each instance's queue ids for a while instead of listing them every time.
 */
const QUEUE_IDS_TTL_MS = 5 * 60_000;

function cachedStandardQueueIds(connect: ConnectClient) {
  const cache = new Map<string, { ids: string[]; at: number }>();
  return async (instanceId: string): Promise<string[]> => {
    const hit = cache.get(instanceId);
    if (hit && Date.now() - hit.at < QUEUE_IDS_TTL_MS) return hit.ids;
    const ids = await listQueueIds(connect, instanceId, ['STANDARD']);
    cache.set(instanceId, { ids, at: Date.now() });
    return ids;
  };
}

export function createCapacityActivities(deps: CapacityDeps) {
  const standardQueueIds = cachedStandardQueueIds(deps.connect);
  const gate = deps.temporal.capacityGate;
  const client = deps.temporal.client;

  async function openTasksOf(instanceId: string, queueIds: string[]): Promise<number> {
    let open = 0;
    for (let i = 0; i < queueIds.length; i += QUEUES_PER_METRICS_CALL) {
      const response = await callAws('GetCurrentMetricData', () =>
        deps.connect.send(
          new GetCurrentMetricDataCommand({
            InstanceId: instanceId,
            Filters: { Channels: ['TASK'], Queues: queueIds.slice(i, i + QUEUES_PER_METRICS_CALL) },
            CurrentMetrics: OPEN_TASK_METRICS.map((Name) => ({ Name, Unit: 'COUNT' })),
          }),
        ),
      );
      for (const result of response.MetricResults ?? []) {
        for (const c of result.Collections ?? []) open += c.Value ?? 0;
      }
    }
    return Math.round(open);
  }

  /** The gate chain's identity: its first run id, the same across continue-as-new. */
  async function lineageOf(instanceId: string): Promise<{ running: boolean; lineage?: string }> {
    try {
      const description = await client.workflow.getHandle(gate.workflowId(instanceId)).describe();
      const lineage = description.raw.workflowExecutionInfo?.firstRunId ?? undefined;
      return { running: description.status.name === 'RUNNING', ...(lineage ? { lineage } : {}) };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { running: false };
      throw err;
    }
  }

  /**
   * Where runs of an instance join, and the gate's lineage — asked once a second at most per
   * worker process: a storm's thousands of joins then cost one signal each. A stale answer is
   * harmless: a full chunk still takes a late arrival, a gone one refuses it (the run joins the
   * gate), and a lineage that changed meanwhile makes the run's next liveness check re-queue it.
   */
  const intakes = new Map<string, { chunk?: number; lineage?: string; at: number }>();
  /**
   * Joins this process sent to each chunk, and the room the gate first said it had: never more
   * than that into one chunk, however stale the gate's count (a flooded chunk reports late).
   */
  const sentToChunk = new Map<string, { sent: number; room: number }>();
  async function intakeOf(instanceId: string): Promise<{ chunk?: number; lineage?: string }> {
    let intake = intakes.get(instanceId);
    if (!intake || Date.now() - intake.at >= INTAKE_TTL_MS) {
      const gateNow = await lineageOf(instanceId);
      // A gate too busy to answer soon is simply joined directly.
      const answer = gateNow.running
        ? await client.connection
            .withDeadline(Date.now() + INTAKE_QUERY_DEADLINE_MS, () =>
              client.workflow
                .getHandle(gate.workflowId(instanceId))
                .query<{ chunk?: number; room?: number }>(gate.intakeQuery),
            )
            .catch(() => ({}) as { chunk?: number; room?: number })
        : {};
      intake = {
        ...(answer.chunk !== undefined ? { chunk: answer.chunk } : {}),
        ...lineageOnly(gateNow),
        at: Date.now(),
      };
      intakes.set(instanceId, intake);
      const key = `${instanceId}/${answer.chunk}`;
      if (answer.chunk !== undefined && !sentToChunk.has(key)) {
        // The gate moved on to a new tail: this instance's earlier chunks are done with.
        for (const earlier of [...sentToChunk.keys()]) {
          if (earlier.startsWith(`${instanceId}/`)) sentToChunk.delete(earlier);
        }
        sentToChunk.set(key, { sent: 0, room: answer.room ?? 0 });
      }
    }
    const budget = intake.chunk === undefined ? undefined : sentToChunk.get(`${instanceId}/${intake.chunk}`);
    if (!budget || budget.sent >= budget.room) return lineageOnly(intake);
    budget.sent++;
    return intake;
  }

  /**
   * True when the run is now queued in that overflow chunk. A signal, not an Update: a storm's
   * thousands of joins land on one chunk, and Temporal takes only a few Updates in flight per
   * workflow (each its own workflow task) — measured, the joins retried far more than they landed.
   * A chunk never continues as new and is no longer joined long before it ends.
   */
  async function joinOverflowChunk(
    instanceId: string,
    chunk: number,
    waiter: Omit<GateEnqueueRequest, 'instanceId'>,
  ): Promise<boolean> {
    try {
      await client.workflow
        .getHandle(gate.overflowWorkflowId(instanceId, chunk))
        .signal(gate.enqueueSignal, waiter);
      return true;
    } catch {
      return false; // the chunk moved on: join the gate itself
    }
  }

  /**
   * An Update to the instance's running gate. False when no gate is running — or, `orRefused`, when
   * a gate from before Updates refuses it (signal-with-start then queues the run there instead).
   */
  async function updateGate(instanceId: string, update: string, arg: unknown, orRefused = false) {
    try {
      await client.workflow.getHandle(gate.workflowId(instanceId)).executeUpdate(update, { args: [arg] });
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      if (orRefused && err instanceof WorkflowUpdateFailedError) return false;
      throw err;
    }
  }

  const lineageOnly = ({ lineage }: { lineage?: string }) => (lineage ? { lineage } : {});

  return {
    /**
     * Open tasks of the instance over `queueIds` (GetCurrentMetricData task queue; at most 100
     * queues make one call). Without them (runs and gates from before), over every standard queue.
     */
    async readOpenTasks({
      instanceId,
      queues,
      queueIds,
      notBefore,
    }: {
      instanceId: string;
      queues?: string[];
      queueIds?: string[];
      /** Epoch ms: read no earlier (at most MAX_READ_DELAY_MS from now). */
      notBefore?: number;
    }): Promise<number> {
      if (notBefore !== undefined) await waitBriefly(notBefore - Date.now());
      const ids = queueIds ?? (queues?.length ? queues : await standardQueueIds(instanceId));
      return openTasksOf(instanceId, ids);
    },

    /** Every queue that can hold the instance's tasks, agent queues included (ListQueues task queue). */
    async listInstanceQueues({ instanceId }: { instanceId: string }): Promise<string[]> {
      return listQueueIds(deps.connect, instanceId, TASK_QUEUE_TYPES);
    },

    /**
     * Queues the run at its instance's gate (starting the gate if needed) — or, while the gate
     * overflows, straight in its open tail chunk, so a flood of arrivals does not land on the one
     * gate workflow. Returns the gate's lineage.
     */
    async joinCapacityGate(request: GateEnqueueRequest): Promise<{ lineage?: string }> {
      const { instanceId, ...waiter } = request;
      const intake = await intakeOf(instanceId);
      if (intake.chunk !== undefined && (await joinOverflowChunk(instanceId, intake.chunk, waiter))) {
        return lineageOnly(intake);
      }
      intakes.delete(instanceId);
      const joined = await updateGate(instanceId, gate.enqueueUpdate, waiter, true);
      if (joined) return lineageOnly(await lineageOf(instanceId));
      // No gate: signal-with-start starts one atomically (the first of a thousand concurrent
      // failures creates it); its first workflow task takes the signal, so nothing can refuse it.
      await client.workflow.signalWithStart(gate.workflowType, {
        workflowId: gate.workflowId(instanceId),
        taskQueue: gate.taskQueue(deps.temporal.taskQueue),
        args: [{ instanceId, taskQueue: deps.temporal.taskQueue }],
        signal: gate.enqueueSignal,
        signalArgs: [waiter],
        staticSummary: `Task-capacity gate for Connect instance ${instanceId}`,
      });
      return lineageOnly(await lineageOf(instanceId));
    },

    /**
     * Starts an overflow chunk on the gates' queue (an activity, not a child workflow: a child's
     * completion would reach the gate unasked). A chunk already running takes the waiters instead.
     */
    async startOverflowChunk(input: {
      instanceId: string;
      chunk: number;
      gateLineage: string;
      waiters: unknown[];
    }): Promise<void> {
      const workflowId = gate.overflowWorkflowId(input.instanceId, input.chunk);
      try {
        await client.workflow.start(gate.overflowWorkflowType, {
          workflowId,
          taskQueue: gate.taskQueue(deps.temporal.taskQueue),
          args: [input],
          staticSummary: `Overflow chunk ${input.chunk} of the task-capacity gate for ${input.instanceId}`,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // Started by an earlier attempt of this activity: the chunk ignores waiters it holds.
        if (input.waiters.length > 0) {
          await client.workflow.getHandle(workflowId).signal(gate.holdSignal, input.waiters);
        }
      }
    },

    /** A chunk's report to its gate; false when the gate is gone (its runs re-queue themselves). */
    async reportToCapacityGate({
      instanceId,
      report,
    }: {
      instanceId: string;
      report: object;
    }): Promise<boolean> {
      return updateGate(instanceId, gate.overflowReportUpdate, report);
    },

    /**
     * A short wait a gate needs exactly (at most MAX_READ_DELAY_MS): Temporal timers under a second
     * fire up to a second late.
     */
    async pauseBriefly({ ms }: { ms: number }): Promise<void> {
      await waitBriefly(ms);
    },

    /** Whether the instance's gate is running, and which gate chain it is. */
    async capacityGateLineage({ instanceId }: { instanceId: string }) {
      return lineageOf(instanceId);
    },

    /** Of these workflows, the ones that have ended (or never existed): their permits can be reclaimed. */
    async endedWorkflows({ workflowIds }: { workflowIds: string[] }): Promise<string[]> {
      const ended: string[] = [];
      for (const workflowId of workflowIds) {
        try {
          const { status } = await client.workflow.getHandle(workflowId).describe();
          if (status.name !== 'RUNNING') ended.push(workflowId);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) ended.push(workflowId);
          else throw err;
        }
      }
      return ended;
    },

    /** Runs started before lineages: signal-with-start only. */
    async enqueueForCapacity(request: GateEnqueueRequest): Promise<void> {
      const { instanceId, ...waiter } = request;
      await client.workflow.signalWithStart(gate.workflowType, {
        workflowId: gate.workflowId(instanceId),
        taskQueue: deps.temporal.taskQueue,
        args: [{ instanceId }],
        signal: gate.enqueueSignal,
        signalArgs: [waiter],
        staticSummary: `Task-capacity gate for Connect instance ${instanceId}`,
      });
    },

    /** Runs started before position was read on demand: they still ask now and then. */
    async capacityQueuePosition({
      instanceId,
      workflowId,
    }: {
      instanceId: string;
      workflowId: string;
    }): Promise<GateQueuePosition> {
      return client.workflow
        .getHandle(gate.workflowId(instanceId))
        .query<GateQueuePosition, [string]>(gate.positionQuery, workflowId);
    },
  };
}
