/**
 * Side effects of the task-capacity gate: reading Connect's open tasks, and the client calls a
 * remediation run makes to join or inspect its instance's gate (signal-with-start starts the gate
 * on demand, atomically, so the first of a thousand concurrent failures creates it and the rest
 * queue up behind it).
 */
import {
  GetCurrentMetricDataCommand,
  paginateListQueues,
  type ConnectClient,
  type CurrentMetricName,
} from '@aws-sdk/client-connect';
import type { Client } from '@temporalio/client';
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

/**
 * How to reach an instance's gate. The workflow side owns these names (workflows/definitions.ts);
 * the worker hands them in, so activities stay free of workflow code.
 */
export interface CapacityGateContract {
  workflowType: string;
  workflowId(instanceId: string): string;
  enqueueSignal: string;
  positionQuery: string;
}

/** What a waiting run asks the gate for (the gate's own type, restated for this adapter). */
export interface GateEnqueueRequest {
  instanceId: string;
  workflowId: string;
  priority: number;
  source: 'metrics' | 'probe';
  quota?: number;
  queues?: string[];
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

/** GetCurrentMetricData takes at most 100 queues per call. */
const QUEUES_PER_CALL = 100;

async function listQueueIds(connect: ConnectClient, instanceId: string): Promise<string[]> {
  const ids: string[] = [];
  await callAws('ListQueues', async () => {
    for await (const page of paginateListQueues(
      { client: connect },
      { InstanceId: instanceId, QueueTypes: ['STANDARD'] },
    )) {
      for (const q of page.QueueSummaryList ?? []) if (q.Id) ids.push(q.Id);
    }
  });
  return ids;
}

/**
 * An instance's queues change rarely, but the gate reads open tasks every second of a storm:
 * remember each instance's queue ids for a while instead of listing them on every read.
 */
const QUEUE_IDS_TTL_MS = 5 * 60_000;

function cachedQueueIds(connect: ConnectClient) {
  const cache = new Map<string, { ids: string[]; at: number }>();
  return async (instanceId: string): Promise<string[]> => {
    const hit = cache.get(instanceId);
    if (hit && Date.now() - hit.at < QUEUE_IDS_TTL_MS) return hit.ids;
    const ids = await listQueueIds(connect, instanceId);
    cache.set(instanceId, { ids, at: Date.now() });
    return ids;
  };
}

export function createCapacityActivities(deps: CapacityDeps) {
  const instanceQueueIds = cachedQueueIds(deps.connect);
  return {
    /** Open tasks of the instance: the policy's queues, or every standard queue it has. */
    async readOpenTasks({ instanceId, queues }: { instanceId: string; queues?: string[] }): Promise<number> {
      const queueIds = queues?.length ? queues : await instanceQueueIds(instanceId);
      let open = 0;
      for (let i = 0; i < queueIds.length; i += QUEUES_PER_CALL) {
        const response = await callAws('GetCurrentMetricData', () =>
          deps.connect.send(
            new GetCurrentMetricDataCommand({
              InstanceId: instanceId,
              Filters: { Channels: ['TASK'], Queues: queueIds.slice(i, i + QUEUES_PER_CALL) },
              CurrentMetrics: OPEN_TASK_METRICS.map((Name) => ({ Name, Unit: 'COUNT' })),
            }),
          ),
        );
        for (const result of response.MetricResults ?? []) {
          for (const c of result.Collections ?? []) open += c.Value ?? 0;
        }
      }
      return Math.round(open);
    },

    async enqueueForCapacity(request: GateEnqueueRequest): Promise<void> {
      const { instanceId, ...waiter } = request;
      const gate = deps.temporal.capacityGate;
      await deps.temporal.client.workflow.signalWithStart(gate.workflowType, {
        workflowId: gate.workflowId(instanceId),
        taskQueue: deps.temporal.taskQueue,
        args: [{ instanceId }],
        signal: gate.enqueueSignal,
        signalArgs: [waiter],
        staticSummary: `Task-capacity gate for Connect instance ${instanceId}`,
      });
    },

    async capacityQueuePosition({
      instanceId,
      workflowId,
    }: {
      instanceId: string;
      workflowId: string;
    }): Promise<GateQueuePosition> {
      const gate = deps.temporal.capacityGate;
      return deps.temporal.client.workflow
        .getHandle(gate.workflowId(instanceId))
        .query<GateQueuePosition, [string]>(gate.positionQuery, workflowId);
    },
  };
}
