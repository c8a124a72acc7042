/**
 * Quota storm: the simulator at active-tasks quota Q (already full), tasks finishing at a steady
 * rate (each lives --lifetime ms), and N ≫ Q CREATE_TASK quota failures at once.
 *
 *   gate  — the product: N remediation runs on a real worker, admitted by the instance's
 *           taskCapacityGate (metrics or probe source).
 *   naive — for comparison only (it exists nowhere but here): N independent loops, each calling
 *           StartTaskContact and backing off exponentially on a quota error, as a per-failure
 *           retry Lambda would. Same simulator, same quota, same lifetime, same process.
 *
 * Both report drain time, StartTaskContact calls per recovered task and the peak of open tasks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectClient, StartTaskContactCommand } from '@aws-sdk/client-connect';
import { Command, InvalidArgumentError } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import YAML from 'yaml';
import { startSimulator, type RunningSimulator, type SimulatorAdminClient } from '../simulator';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvent,
  type StormInstance,
} from '../simulator/quota-storm';
import { positiveInt } from './options';
import { loadConfig } from '../worker/config';
import { mapConcurrent } from '../ingress/map-concurrent';
import { createLogger } from '../worker/logger';
import { startRemediationWorker } from '../worker/remediation-worker';
import { REMEDIATION_WORKFLOW_TYPE, remediationWorkflowId } from '../workflows/definitions';
import { startBenchTemporal } from './temporal';

interface StormOptions {
  events: number;
  quota: number;
  lifetime: number;
  source: 'metrics' | 'probe';
  naive: boolean;
}

function parseOptions(args: string[]): StormOptions {
  return new Command('quota-storm')
    .option('--events <n>', 'failure events at once (N)', positiveInt, 2000)
    .option('--quota <q>', 'active-tasks quota of the instance (Q)', positiveInt, 50)
    .option('--lifetime <ms>', 'how long each task stays open', positiveInt, 2000)
    .option(
      '--source <source>',
      'gate capacity source: metrics | probe',
      (v: string) => {
        if (v !== 'metrics' && v !== 'probe') throw new InvalidArgumentError('expected metrics or probe');
        return v;
      },
      'metrics',
    )
    .option('--no-naive', 'skip the naive per-run backoff loop')
    .exitOverride()
    .parse(args, { from: 'user' })
    .opts<StormOptions>();
}

const SIM_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/** The storm's instance: created, then filled to quota (that is why the rule actions failed). */
async function fullInstance(sim: RunningSimulator, quota: number): Promise<StormInstance> {
  const instance = await addStormInstance(sim.admin, quota);
  await fillToQuota(sim.endpoint, instance, quota);
  return instance;
}

async function startTaskCounts(admin: SimulatorAdminClient) {
  const counts = (await admin.state({ tasks: 'none' })).requestCounts.StartTaskContact;
  return { total: counts?.total ?? 0, quotaErrors: counts?.errors.ServiceQuotaExceededException ?? 0 };
}

function policiesFor(instance: StormInstance, options: StormOptions): string {
  const doc = YAML.parseDocument(
    fs.readFileSync(path.join(__dirname, '..', 'policies', 'policies.yaml'), 'utf8'),
  );
  (doc.get('policies') as YAML.YAMLSeq).items.unshift(
    doc.createNode({
      name: 'bench-quota-storm',
      when: { instanceId: instance.instanceId, reasonCode: 'ServiceQuotaExceededException' },
      then: 'wait-for-capacity',
      capacity: { maxWait: '2h', then: 'escalate', source: options.source, quota: options.quota },
    }),
  );
  return doc.toString();
}

/** The figures both paths report, from the simulator's counters before and after the storm. */
async function stormFigures(
  admin: SimulatorAdminClient,
  instance: StormInstance,
  before: Awaited<ReturnType<typeof startTaskCounts>>,
  recovered: number,
  drainMs: number,
) {
  const after = await startTaskCounts(admin);
  const calls = after.total - before.total;
  return {
    recovered,
    drainSeconds: drainMs / 1000,
    tasksPerSecond: round(recovered / (drainMs / 1000)),
    startTaskContactCalls: calls,
    callsPerRecoveredTask: round(calls / recovered),
    quotaErrors: after.quotaErrors - before.quotaErrors,
    peakOpenTasks: (await admin.instance(instance.instanceId)).peakOpenTasks,
  };
}

async function runGate(options: StormOptions, sim: RunningSimulator, log: (line: string) => void) {
  const temporal = await startBenchTemporal(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-bench-'));
  const instance = await fullInstance(sim, options.quota);
  const policiesFile = path.join(dir, 'policies.yaml');
  fs.writeFileSync(policiesFile, policiesFor(instance, options));
  const base = loadConfig({});
  const taskQueue = 'bench-quota-storm';
  const config = {
    ...base,
    temporal: { ...base.temporal, address: temporal.address, namespace: temporal.namespace, taskQueue },
    aws: { region: 'us-east-1', connectEndpoint: sim.endpoint, eventBridgeEndpoint: sim.endpoint },
    policiesFile,
  };
  const connection = await NativeConnection.connect({ address: temporal.address });
  const worker = await startRemediationWorker({
    config,
    connection,
    client: temporal.client,
    logger: createLogger('error', 'bench'),
  });
  try {
    const before = await startTaskCounts(sim.admin);
    const events = Array.from({ length: options.events }, () => quotaFailureEvent(instance, options.quota));
    log(`gate: starting ${events.length} remediation runs (quota ${options.quota}, ${options.source})`);
    const started = Date.now();
    await mapConcurrent(events, 50, (event) =>
      temporal.client.workflow.start(REMEDIATION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: remediationWorkflowId(event.id),
        args: [{ event, receivedVia: 'bench' }],
      }),
    );
    // Count finished runs through visibility instead of holding N result long-polls open: those
    // would load the server this benchmark is measuring.
    const finished = `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND ExecutionStatus != 'Running'`;
    let lastLog = 0;
    for (;;) {
      const { count } = await temporal.client.workflow.count(finished);
      if (count >= events.length) break;
      if (Date.now() - lastLog > 10_000) {
        log(`gate: ${count}/${events.length} finished`);
        lastLog = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const drainMs = Date.now() - started;
    const { count: recovered } = await temporal.client.workflow.count(
      `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND RemediationPhase = 'recovered'`,
    );
    return {
      source: options.source,
      ...(await stormFigures(sim.admin, instance, before, recovered, drainMs)),
    };
  } finally {
    await worker.stop();
    await connection.close();
    await temporal.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The comparison: each failure retried on its own exponential backoff (1s, 2s, 4s … 30s, ±20%). */
const NAIVE_BACKOFF = { initialMs: 1000, coefficient: 2, maximumMs: 30_000, jitter: 0.2 };

async function runNaive(
  options: StormOptions,
  sim: RunningSimulator,
  connect: ConnectClient,
  log: (line: string) => void,
) {
  const instance = await fullInstance(sim, options.quota);
  const before = await startTaskCounts(sim.admin);
  log(`naive: ${options.events} independent retry loops`);
  const started = Date.now();
  let done = 0;
  const progress = setInterval(() => log(`naive: ${done}/${options.events} recovered`), 10_000);
  await Promise.all(
    Array.from({ length: options.events }, async (_, i) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await connect.send(
            new StartTaskContactCommand({
              InstanceId: instance.instanceId,
              ContactFlowId: instance.contactFlowId,
              Name: `naive ${i}`,
              ClientToken: `naive-${i}-${instance.instanceId}`,
            }),
          );
          done++;
          return;
        } catch (err) {
          if (
            (err as Error).name !== 'ServiceQuotaExceededException' &&
            (err as Error).name !== 'ThrottlingException'
          )
            throw err;
          const base = Math.min(
            NAIVE_BACKOFF.maximumMs,
            NAIVE_BACKOFF.initialMs * NAIVE_BACKOFF.coefficient ** (attempt - 1),
          );
          await new Promise((r) =>
            setTimeout(r, base * (1 + NAIVE_BACKOFF.jitter * (2 * Math.random() - 1))),
          );
        }
      }
    }),
  ).finally(() => clearInterval(progress));
  const drainMs = Date.now() - started;
  return {
    backoff: NAIVE_BACKOFF,
    ...(await stormFigures(sim.admin, instance, before, done, drainMs)),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function run(args: string[], log: (line: string) => void): Promise<Record<string, unknown>> {
  const options = parseOptions(args);
  const sim = await startSimulator({
    port: 0,
    config: { taskLifetimeMs: options.lifetime, requestLogSize: 1000 },
  });
  const connect = new ConnectClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: SIM_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const gate = await runGate(options, sim, log);
    const naive = options.naive ? await runNaive(options, sim, connect, log) : undefined;
    return {
      events: options.events,
      quota: options.quota,
      taskLifetimeMs: options.lifetime,
      // Drain can be no faster than the quota frees up: N tasks, Q at a time, each open `lifetime`.
      idealDrainSeconds: round((options.events * options.lifetime) / options.quota / 1000),
      gate,
      ...(naive
        ? {
            naive,
            callsPerTaskRatioNaiveToGate: round(naive.callsPerRecoveredTask / gate.callsPerRecoveredTask),
          }
        : {}),
    };
  } finally {
    connect.destroy();
    await sim.stop();
  }
}
