/**
 * The product's path through a storm, run as users run it: the product's own processes — the
 * simulator, the worker and the ingress started one by one on a private Temporal dev server, or
 * the whole embedded stack (`connect-remediator dev`, what `npm start` runs) — with the failure
 * events posted to the ingress, 100 per request. Optionally the worker is restarted twice in the
 * middle (SIGTERM, then SIGKILL).
 *
 * Afterwards, while the server still holds them, the histories say how healthy the gate stayed,
 * what waiting runs did, what the storm cost in Temporal actions — and every gate history and a
 * sample of the runs are replayed against the code that made them (replay.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../dev/temporal-dev-server';
import { SimulatorAdminClient } from '../../simulator';
import { addStormInstance, quotaFailureEvent, throttledFailureEvent } from '../../simulator/quota-storm';
import { mapConcurrent } from '../../ingress/map-concurrent';
import { REMEDIATION_WORKFLOW_TYPE } from '../../workflows/definitions';
import { startBenchTemporal } from '../temporal';
import { connectCallFigures, requestCounts } from './connect-calls';
import { readStormHistories } from './gate-health';
import { scrapeStormMetrics } from './metrics-scrape';
import type { StormOptions } from './options';
import { stormPolicies } from './policy';
import { startDevProcess, startIngressProcess, startSimulatorProcess } from './processes';
import {
  applyRateLimits,
  drainToIdealRatio,
  fullInstance,
  idealDrain,
  simulatorSettings,
  startBulkFreer,
  startProgress,
  type BulkFreer,
} from './scenario';
import { startWorkerProcess, type WorkerProcess } from './worker-process';
import { progressCounts } from '../../worker/terminal-progress';

const TASK_QUEUE = 'bench-quota-storm';
const EVENTS_PER_REQUEST = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number) => Math.round(n * 1000) / 1000;

interface Product {
  client: Client;
  admin: SimulatorAdminClient;
  simulatorEndpoint: string;
  ingressUrl: string;
  /** Writes the policy file the worker reads (it hot-reloads). */
  policiesFile: string;
  worker(): WorkerProcess | undefined;
  restartWorker(signal: NodeJS.Signals): Promise<void>;
  /** Peak resident memory of the worker (processes) or of the whole dev tree (dev), MB. */
  peakRssMb(): number;
  startupPeakRssMb?: number;
  /** The worker's Prometheus endpoint (the benchmark reads the storm's counters there). */
  metricsUrl: string;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

async function startProcesses(
  options: StormOptions,
  dir: string,
  log: (l: string) => void,
): Promise<Product> {
  const stack: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
  };
  try {
    const temporal = await startBenchTemporal(log);
    stack.push(() => temporal.stop());
    const simulator = await startSimulatorProcess(log);
    stack.push(() => simulator.process.stop());
    const policiesFile = path.join(dir, 'policies.yaml');
    fs.copyFileSync(path.join(__dirname, '..', '..', 'policies', 'policies.yaml'), policiesFile);
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      POLICIES_FILE: policiesFile,
    };
    const metricsPort = await freePort();
    const workerOptions = {
      temporalAddress: temporal.address,
      temporalNamespace: temporal.namespace,
      taskQueue: TASK_QUEUE,
      policiesFile,
      awsEndpoint: simulator.endpoint,
      env: {
        WORKER_METRICS_PORT: String(metricsPort),
        ...(options.gateCache !== undefined ? { WORKER_MAX_CACHED_GATES: String(options.gateCache) } : {}),
      },
      log,
    };
    let worker = await startWorkerProcess(workerOptions);
    let peak = 0;
    const ingress = await startIngressProcess(env, log);
    stack.push(() => ingress.process.stop());
    return {
      client: temporal.client,
      admin: new SimulatorAdminClient(simulator.endpoint),
      simulatorEndpoint: simulator.endpoint,
      ingressUrl: ingress.url,
      policiesFile,
      worker: () => worker,
      restartWorker: async (signal) => {
        peak = Math.max(peak, worker.peakRssMb());
        log(`restarting the worker (${signal}): ${await worker.stop(signal)}`);
        worker = await startWorkerProcess(workerOptions);
      },
      peakRssMb: () => Math.max(peak, worker.peakRssMb()),
      startupPeakRssMb: worker.startupPeakRssMb,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      stopWorker: async () => {
        peak = Math.max(peak, worker.peakRssMb());
        await worker.stop();
      },
      stop: async () => {
        await worker.stop();
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startDev(options: StormOptions, dir: string, log: (l: string) => void): Promise<Product> {
  const policiesFile = path.join(dir, 'policies.yaml');
  fs.copyFileSync(path.join(__dirname, '..', '..', 'policies', 'policies.yaml'), policiesFile);
  const metricsPort = await freePort();
  const dev = await startDevProcess(
    {
      CONNECT_REMEDIATOR_DATA_DIR: path.join(dir, 'data'),
      WORKER_METRICS_PORT: String(metricsPort),
      POLICIES_FILE: policiesFile,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      ...(options.gateCache !== undefined ? { WORKER_MAX_CACHED_GATES: String(options.gateCache) } : {}),
    },
    log,
  );
  try {
    const connection = await Connection.connect({ address: dev.temporalAddress });
    return {
      client: new Client({ connection }),
      admin: new SimulatorAdminClient(dev.simulatorEndpoint),
      simulatorEndpoint: dev.simulatorEndpoint,
      ingressUrl: dev.ingressUrl,
      policiesFile,
      worker: () => undefined,
      restartWorker: () => Promise.reject(new Error('--restart-worker needs --via processes')),
      peakRssMb: () => dev.process.peakRssMb(),
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      // The dev stack cannot stop its worker alone: histories are read with everything running.
      stopWorker: () => Promise.resolve(),
      stop: async () => {
        await connection.close();
        await dev.process.stop();
      },
    };
  } catch (err) {
    await dev.process.stop();
    throw err;
  }
}

/** Posts the events to the ingress, 100 per request, as an EventBridge replay or `submit` would. */
async function postEvents(ingressUrl: string, events: object[], log: (l: string) => void): Promise<void> {
  const batches: object[][] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_REQUEST)
    batches.push(events.slice(i, i + EVENTS_PER_REQUEST));
  let refused = 0;
  await mapConcurrent(batches, 4, async (batch) => {
    for (;;) {
      const response = await fetch(`${ingressUrl}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      if (response.status === 202) return;
      // 503: Temporal is busy or the ingress sheds load; the caller retries, as EventBridge does.
      refused++;
      if (response.status !== 503 && response.status !== 429)
        throw new Error(`ingress answered ${response.status}: ${await response.text()}`);
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
    }
  });
  log(`posted ${events.length} events to ${ingressUrl}/events (${refused} requests retried)`);
}

export async function runGatePath(
  options: StormOptions,
  log: (line: string) => void,
  progress: (status: string) => void = () => undefined,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-bench-'));
  const product =
    options.via === 'dev' ? await startDev(options, dir, log) : await startProcesses(options, dir, log);
  try {
    const { client, admin } = product;
    await admin.configure(simulatorSettings(options));
    const limits = await applyRateLimits(admin, options);
    const ideal = idealDrain(options, limits);
    // Throttled: room for every re-issue, so the runs retry on their own and never meet the gate.
    const instance = options.throttled
      ? await addStormInstance(admin, Math.max(options.quota, options.events))
      : await fullInstance(product.simulatorEndpoint, admin, options.quota);
    const policies = stormPolicies(instance, options);
    fs.writeFileSync(product.policiesFile, policies.yaml);
    await sleep(2_000); // the worker's file watcher picks the edit up

    const count = async (query: string) => (await client.workflow.count(query)).count;
    const finishedQuery = `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND ExecutionStatus != 'Running'`;
    const recoveredQuery = `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND RemediationPhase = 'recovered'`;
    const waitingQuery = `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND RemediationPhase = 'waiting-capacity'`;
    const stopProgress = startProgress(async () => {
      const [finished, recovered, waiting, view] = await Promise.all([
        count(finishedQuery),
        count(recoveredQuery),
        count(waitingQuery),
        admin.instance(instance.instanceId),
      ]);
      return `${finished}/${options.events} finished, ${recovered} recovered, ${waiting} waiting, ${view.openTasks}/${options.quota} tasks open`;
    }, log);
    let freer: BulkFreer | undefined;
    try {
      const before = await requestCounts(admin);
      const events = Array.from({ length: options.events }, () =>
        options.throttled ? throttledFailureEvent(instance) : quotaFailureEvent(instance, options.quota),
      );
      log(
        options.throttled
          ? `posting ${events.length} throttled failures (retried on backoff, via ${options.via})`
          : `posting ${events.length} quota failures (quota ${options.quota}, ${options.source}, via ${options.via})`,
      );
      const startedAt = Date.now();
      progress(`gate: posting ${events.length} events`);
      await postEvents(product.ingressUrl, events, log);

      let drainFrom = startedAt;
      let queuing: { queuedBeforeFirstFree: number; queuingSeconds: number } | undefined;
      if (options.bulkFree && !options.throttled) {
        const queued = await waitUntilWaiting(
          () => count(waitingQuery),
          options.events,
          options.queueTimeout * 1000,
          log,
        );
        drainFrom = Date.now();
        queuing = { queuedBeforeFirstFree: queued, queuingSeconds: (drainFrom - startedAt) / 1000 };
        freer = startBulkFreer(
          admin,
          instance,
          options.quota,
          async () => (await count(waitingQuery)) > 0,
          log,
        );
      }
      const restarts: string[] = [];
      for (;;) {
        const finished = await count(finishedQuery);
        progress(`gate: ${progressCounts(finished, events.length, startedAt)} runs finished`);
        if (finished >= events.length) break;
        if (options.restartWorker && restarts.length === 0 && finished >= events.length / 3) {
          restarts.push('SIGTERM');
          await product.restartWorker('SIGTERM');
        } else if (options.restartWorker && restarts.length === 1 && finished >= (2 * events.length) / 3) {
          restarts.push('SIGKILL');
          await product.restartWorker('SIGKILL');
        }
        await sleep(500);
      }
      const drainSeconds = (Date.now() - drainFrom) / 1000;
      await freer?.stop();

      const recovered = await count(recoveredQuery);
      const after = await requestCounts(admin);
      const { peakOpenTasks } = await admin.instance(instance.instanceId);
      // Counters restart with a worker process: after a restart they cover only the last one.
      const metrics = await scrapeStormMetrics(product.metricsUrl, instance.instanceId);
      await product.stopWorker();
      log(`drained in ${drainSeconds} s; reading and replaying histories`);
      progress('gate: reading and replaying histories');
      const histories = await readStormHistories(client, instance.instanceId, recovered, options.sample);
      return {
        ...(options.throttled ? { failures: 'throttled' } : {}),
        via: options.via,
        ...(options.restartWorker ? { workerRestarts: restarts } : {}),
        ...(options.gateCache !== undefined ? { gateCache: options.gateCache } : {}),
        source: options.source,
        rateLimits: limits,
        ...ideal,
        policyApiRateLimits: policies.apiRateLimits,
        recovered,
        drainSeconds,
        tasksPerSecond: recovered > 0 ? round(recovered / drainSeconds) : 0,
        drainToIdealRatio: drainToIdealRatio(drainSeconds, ideal),
        ...queuing,
        ...(freer ? { bulkFrees: freer.bulkFrees() } : {}),
        ...connectCallFigures(before, after, recovered),
        peakOpenTasks,
        ...histories,
        metrics: {
          ...metrics,
          ...(options.restartWorker ? {} : { recoveredAgrees: metrics.runsRecovered === recovered }),
        },
        [options.via === 'dev' ? 'devStackPeakRssMb' : 'workerPeakRssMb']: product.peakRssMb(),
        ...(product.startupPeakRssMb !== undefined
          ? { workerStartupPeakRssMb: product.startupPeakRssMb }
          : {}),
      };
    } finally {
      stopProgress();
      await freer?.stop();
    }
  } finally {
    await product.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bulk free: the first free waits until every run waits for capacity, as ops would find it — or
 * until the timeout, said in the log and visible in `queuedBeforeFirstFree`.
 */
async function waitUntilWaiting(
  waiting: () => Promise<number>,
  events: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queued = await waiting();
    if (queued >= events) {
      log(`all ${events} runs wait for capacity; freeing capacity in bulk from now on`);
      return queued;
    }
    if (Date.now() >= deadline) {
      log(`only ${queued}/${events} runs wait after ${timeoutMs / 1000} s; freeing capacity anyway`);
      return queued;
    }
    await sleep(1000);
  }
}
