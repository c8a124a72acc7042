/**
 * The product's path through a storm: N remediation runs on a private Temporal dev server, worked
 * by the real worker in a child process (worker-process.ts), queued at the instance's capacity gate.
 * Afterwards, while the server still holds them, the histories say how healthy the gate stayed
 * (gate-health.ts) and what the waiting runs cost (waiting-cost.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningSimulator } from '../../simulator';
import { quotaFailureEvent } from '../../simulator/quota-storm';
import { mapConcurrent } from '../../ingress/map-concurrent';
import {
  REMEDIATION_WORKFLOW_TYPE,
  capacityGateStatusQuery,
  capacityGateWorkflowId,
  remediationWorkflowId,
  type CapacityGateStatus,
} from '../../workflows/definitions';
import { startBenchTemporal } from '../temporal';
import { connectCallFigures, requestCounts } from './connect-calls';
import { readGateHealth } from './gate-health';
import type { StormOptions } from './options';
import { stormPolicies } from './policy';
import {
  drainToIdealRatio,
  fullInstance,
  startBulkFreer,
  startProgress,
  type BulkFreer,
  type IdealDrain,
} from './scenario';
import { readWaitingCost } from './waiting-cost';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

const TASK_QUEUE = 'bench-quota-storm';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number) => Math.round(n * 1000) / 1000;

export async function runGatePath(
  options: StormOptions,
  sim: RunningSimulator,
  ideal: IdealDrain,
  log: (line: string) => void,
) {
  const temporal = await startBenchTemporal(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-bench-'));
  let worker: WorkerProcess | undefined;
  try {
    const instance = await fullInstance(sim, options.quota);
    const policies = stormPolicies(instance, options);
    const policiesFile = path.join(dir, 'policies.yaml');
    fs.writeFileSync(policiesFile, policies.yaml);
    worker = await startWorkerProcess({
      temporalAddress: temporal.address,
      temporalNamespace: temporal.namespace,
      taskQueue: TASK_QUEUE,
      policiesFile,
      awsEndpoint: sim.endpoint,
      log,
    });

    const { client } = temporal;
    const gate = client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));
    // Undefined before the first run has started the gate, or while it is between runs.
    const gateStatus = (): Promise<CapacityGateStatus | undefined> =>
      gate.query(capacityGateStatusQuery).catch(() => undefined);
    // Finished runs are counted through visibility instead of holding N result long-polls open:
    // those would load the server this benchmark is measuring.
    const finishedQuery = `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND ExecutionStatus != 'Running'`;
    const recoveredQuery = `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND RemediationPhase = 'recovered'`;
    const count = async (query: string) => (await client.workflow.count(query)).count;

    const stopProgress = startProgress(async () => {
      const [finished, recovered, status, view] = await Promise.all([
        count(finishedQuery),
        count(recoveredQuery),
        gateStatus(),
        sim.admin.instance(instance.instanceId),
      ]);
      return (
        `gate: ${finished}/${options.events} finished, ${recovered} recovered, ` +
        `queue ${status?.queueLength ?? '?'}, ${view.openTasks}/${options.quota} tasks open`
      );
    }, log);
    let freer: BulkFreer | undefined;
    try {
      const before = await requestCounts(sim.admin);
      const events = Array.from({ length: options.events }, () => quotaFailureEvent(instance, options.quota));
      log(`gate: starting ${events.length} remediation runs (quota ${options.quota}, ${options.source})`);
      const startedAt = Date.now();
      await mapConcurrent(events, 50, (event) =>
        client.workflow.start(REMEDIATION_WORKFLOW_TYPE, {
          taskQueue: TASK_QUEUE,
          workflowId: remediationWorkflowId(event.id),
          args: [{ event, receivedVia: 'bench' }],
        }),
      );

      // Steady: capacity trickles back from the start, so the drain does too. Bulk free: nothing
      // can drain before the first free, so the drain is timed from it and queuing apart.
      let drainFrom = startedAt;
      let queuing: { queuedBeforeFirstFree: number; queuingSeconds: number } | undefined;
      if (options.bulkFree) {
        const queued = await waitUntilQueued(gateStatus, options.events, options.queueTimeout * 1000, log);
        drainFrom = Date.now();
        queuing = { queuedBeforeFirstFree: queued, queuingSeconds: (drainFrom - startedAt) / 1000 };
        freer = startBulkFreer(
          sim.admin,
          instance,
          options.quota,
          async () => ((await gateStatus())?.queueLength ?? 0) > 0,
          log,
        );
      }
      while ((await count(finishedQuery)) < events.length) await sleep(500);
      const drainSeconds = (Date.now() - drainFrom) / 1000;
      await freer?.stop();

      const recovered = await count(recoveredQuery);
      const after = await requestCounts(sim.admin);
      const { peakOpenTasks } = await sim.admin.instance(instance.instanceId);
      const workerExit = await worker.stop();
      const workerPeakRssMb = worker.peakRssMb();
      log(`gate: drained in ${drainSeconds} s; worker stopped (${workerExit}); reading histories`);
      return {
        source: options.source,
        policyApiRateLimits: policies.apiRateLimits,
        recovered,
        drainSeconds,
        tasksPerSecond: recovered > 0 ? round(recovered / drainSeconds) : 0,
        drainToIdealRatio: drainToIdealRatio(drainSeconds, ideal),
        ...queuing,
        ...(freer ? { bulkFrees: freer.bulkFrees() } : {}),
        ...connectCallFigures(before, after, recovered),
        peakOpenTasks,
        ...(await readGateHealth(client, instance.instanceId)),
        ...(await readWaitingCost(client)),
        workerPeakRssMb,
        workerRssMbWhenPolling: worker.rssMbWhenPolling,
        workerStartupPeakRssMb: worker.startupPeakRssMb,
      };
    } finally {
      stopProgress();
      await freer?.stop();
    }
  } finally {
    await worker?.stop();
    await temporal.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bulk free: the first free waits until every run has queued at the gate (its status query counts
 * the gate's queue and its overflow chunks), as ops would find it — or until the timeout, said in
 * the log and visible in `queuedBeforeFirstFree`. Returns the queue length seen last.
 */
async function waitUntilQueued(
  gateStatus: () => Promise<CapacityGateStatus | undefined>,
  events: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queued = (await gateStatus())?.queueLength ?? 0;
    if (queued >= events) {
      log(`gate: all ${events} runs queued; freeing capacity in bulk from now on`);
      return queued;
    }
    if (Date.now() >= deadline) {
      log(`gate: only ${queued}/${events} runs queued after ${timeoutMs / 1000} s; freeing capacity anyway`);
      return queued;
    }
    await sleep(1000);
  }
}
