/**
 * Reads a storm's histories from the Temporal server afterwards — every run of the capacity gate's
 * workflow id (continue-as-new makes many) and an even sample of the recovered remediation runs —
 * and reduces them with the pure functions of figures.ts: the gate's health, what waiting runs
 * did, the Temporal actions per recovered task, and whether every one of them replays.
 */
import type { Client } from '@temporalio/client';
import { mapConcurrent } from '../../ingress/map-concurrent';
import { REMEDIATION_WORKFLOW_TYPE, capacityGateWorkflowId } from '../../workflows/definitions';
import {
  capacityWait,
  gateHealth,
  temporalActions,
  waitingRunFigures,
  type CapacityWait,
  type GateRunHistory,
} from './figures';
import { replayHistories } from './replay';

/** Histories fetched at once: enough to overlap round trips, few enough not to load the server. */
const FETCH_CONCURRENCY = 5;

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Every `length / size`-th item: the sample spans early, middle and late runs alike. */
export function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  return Array.from({ length: size }, (_, i) => items[Math.floor((i * items.length) / size)]!);
}

async function listRuns(client: Client, query: string): Promise<{ workflowId: string; runId: string }[]> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const execution of client.workflow.list({ query }))
    runs.push({ workflowId: execution.workflowId, runId: execution.runId });
  return runs;
}

function fetchAll(client: Client, runs: { workflowId: string; runId: string }[]): Promise<GateRunHistory[]> {
  return mapConcurrent(runs, FETCH_CONCURRENCY, async ({ workflowId, runId }) => ({
    workflowId,
    history: await client.workflow.getHandle(workflowId, runId).fetchHistory(),
  }));
}

export async function readStormHistories(
  client: Client,
  instanceId: string,
  recovered: number,
  sample: number,
) {
  const gate = await fetchAll(
    client,
    await listRuns(client, `WorkflowId = '${capacityGateWorkflowId(instanceId)}'`),
  );
  const runs = await fetchAll(
    client,
    evenSample(
      await listRuns(
        client,
        `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND RemediationPhase = 'recovered'`,
      ),
      sample,
    ),
  );
  const waits = runs.map((r) => capacityWait(r.history)).filter((w): w is CapacityWait => w !== undefined);
  const perRun = runs.map((r) => temporalActions(r.history));
  const gateActions = gate.map((r) => temporalActions(r.history)).reduce((n, a) => n + a.actions, 0);
  const runKinds: Record<string, number> = {};
  for (const a of perRun)
    for (const [kind, n] of Object.entries(a.byKind)) runKinds[kind] = (runKinds[kind] ?? 0) + n;
  const mean = (n: number) => (perRun.length ? round(n / perRun.length) : null);
  const runActionsMean = mean(perRun.reduce((n, a) => n + a.actions, 0));
  const gateActionsPerTask = recovered > 0 ? round(gateActions / recovered) : null;
  return {
    ...gateHealth(gate),
    ...waitingRunFigures(waits),
    temporalActions: {
      perRecoveredTask:
        runActionsMean !== null && gateActionsPerTask !== null
          ? round(runActionsMean + gateActionsPerTask)
          : null,
      perRun: runActionsMean,
      perRunByKind: Object.fromEntries(Object.entries(runKinds).map(([kind, n]) => [kind, mean(n)])),
      gatePerRecoveredTask: gateActionsPerTask,
      memoUpdatesPerRun: mean(perRun.reduce((n, a) => n + a.memoUpdates, 0)),
      runsSampled: perRun.length,
    },
    ...(await replayHistories([...gate, ...runs])),
  };
}
