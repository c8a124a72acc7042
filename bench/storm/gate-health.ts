/**
 * Reads the capacity gate's health from the Temporal server after a storm: every run of the gate's
 * workflow id (continue-as-new makes many) and of its overflow chunks, all statuses, their full
 * histories, reduced by the pure functions of figures.ts. The benchmark's dev server is private,
 * so every overflow chunk on it belongs to the storm's one instance.
 */
import type { Client } from '@temporalio/client';
import { mapConcurrent } from '../../ingress/map-concurrent';
import { CAPACITY_OVERFLOW_WORKFLOW_TYPE, capacityGateWorkflowId } from '../../workflows/definitions';
import { gateHealth, type GateHealth, type GateRunHistory } from './figures';

/** Histories fetched at once: enough to overlap round trips, few enough not to load the server. */
const FETCH_CONCURRENCY = 5;

export async function listRuns(
  client: Client,
  query: string,
): Promise<{ workflowId: string; runId: string }[]> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const execution of client.workflow.list({ query })) {
    runs.push({ workflowId: execution.workflowId, runId: execution.runId });
  }
  return runs;
}

async function histories(client: Client, query: string): Promise<GateRunHistory[]> {
  const runs = await listRuns(client, query);
  return mapConcurrent(runs, FETCH_CONCURRENCY, async ({ workflowId, runId }) => ({
    workflowId,
    history: await client.workflow.getHandle(workflowId, runId).fetchHistory(),
  }));
}

export async function readGateHealth(client: Client, instanceId: string): Promise<GateHealth> {
  const gate = await histories(client, `WorkflowId = '${capacityGateWorkflowId(instanceId)}'`);
  const overflow = await histories(client, `WorkflowType = '${CAPACITY_OVERFLOW_WORKFLOW_TYPE}'`);
  return gateHealth(gate, overflow);
}
