/**
 * The worker process's assembly: AWS clients (real, or the simulator's endpoint), the hot-reloaded
 * policy store, the activities built from them, and the bundled workflow code, serving the
 * remediation task queue. Shared by `dev`, `worker`, the tests and the benchmarks, so all of them
 * run the same assembly.
 */
import type { Client } from '@temporalio/client';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, createWebhookHttp, type ActivityDeps } from '../activities';
import { PolicyStore } from '../policies/store.node';
import { createAwsClients } from './aws-clients';
import { webUiRunsUrl, webUiRunUrl, type Config } from './config';
import type { Logger } from './logger';
import {
  CAPACITY_GATE_WORKFLOW_TYPE,
  capacityGateTaskQueue,
  capacityGateWorkflowId,
  INCIDENT_WORKFLOW_TYPE,
  joinIncidentSignal,
  NO_TASK_CAPACITY_YET,
  waitingRoomTaskQueue,
} from '../workflows/definitions';
import { RateLimitedWorkers } from './rate-limited-workers';
import { ensureSearchAttributes } from './search-attribute-registration';
import { tracingWorkerOptions, WORKFLOW_TRACING_INTERCEPTORS, type Tracing } from './tracing';
import { buildWorkflowBundleFile, prebuiltWorkflowBundle } from './workflow-bundle';
import { engineMetricsSinks } from './engine-metrics';

/** The gate's names, as the capacity activities need them (they import no workflow code). */
export const CAPACITY_GATE_CONTRACT = {
  workflowType: CAPACITY_GATE_WORKFLOW_TYPE,
  workflowId: capacityGateWorkflowId,
  gatesTaskQueue: capacityGateTaskQueue,
  roomTaskQueue: waitingRoomTaskQueue,
  handBackFailureType: NO_TASK_CAPACITY_YET,
};

export const INCIDENT_CONTRACT = {
  workflowType: INCIDENT_WORKFLOW_TYPE,
  joinSignal: joinIncidentSignal.name,
};

export const WORKFLOWS_PATH = require.resolve('../workflows');

export type WorkflowBundle = WorkflowBundleWithSourceMap | { codePath: string };

/**
 * Workflows cached in memory per worker process. A storm parks thousands of runs in a capacity
 * waiting room; an evicted run is replayed from its (short) history when its answer arrives, so a
 * bounded cache keeps the process small (the SDK's default grows with the heap: thousands).
 */
export const MAX_CACHED_WORKFLOWS = 100;
/** Gates: one per Connect instance. */
const MAX_CACHED_GATES = 100;

export interface RemediationWorkerHandle {
  worker: Worker;
  policies: PolicyStore;
  /** The rate-limited workers: one per AWS operation. */
  rateLimited: RateLimitedWorkers;
  /** Resolves when the worker stops; rejects if it fails. */
  running: Promise<void>;
  stop(): Promise<void>;
}

export interface StartRemediationWorkerOptions {
  config: Pick<
    Config,
    'temporal' | 'aws' | 'policiesFile' | 'secrets' | 'webhooks' | 'maxCachedWorkflows' | 'maxCachedGates'
  >;
  connection: NativeConnection;
  client: Client;
  logger: Logger;
  /**
   * Pre-built bundle (tests share one); otherwise the build's (dist/workflow-bundle.js) when running
   * from dist/ without tracing, else `workflows/` is bundled on start, out of process.
   * With `tracing`, a pre-built bundle must have been built with `bundleWorkflows({ tracing: true })`.
   */
  workflowBundle?: WorkflowBundle;
  /** The process's tracing (worker/tracing.ts); absent: no spans, no tracing interceptors. */
  tracing?: Tracing;
  identity?: string;
  /** Test seam: replace individual activity dependencies (e.g. the HTTP client). */
  depsOverride?: Partial<ActivityDeps>;
}

export async function startRemediationWorker(
  options: StartRemediationWorkerOptions,
): Promise<RemediationWorkerHandle> {
  const { config, logger } = options;
  // Before polling: a run that upserts an attribute the namespace lacks would stall.
  const registration = await ensureSearchAttributes(options.client.connection, config.temporal.namespace);
  if (registration.created.length)
    logger.info(registration, `created search attributes ${registration.created.join(', ')}`);
  // Bundling out of process keeps webpack's memory out of the long-lived worker.
  // The build's bundle has no tracing interceptors: with tracing on, bundle with them.
  const given = options.workflowBundle ?? (options.tracing ? undefined : prebuiltWorkflowBundle());
  const built = given ? undefined : await buildWorkflowBundleFile({ tracing: options.tracing !== undefined });
  const workflowBundle = given ?? { codePath: built!.codePath };
  let policies: PolicyStore;
  try {
    policies = await PolicyStore.open(config.policiesFile, logger.child({ component: 'policies' }));
  } catch (err) {
    built?.dispose();
    throw err;
  }
  try {
    const deps: ActivityDeps = {
      ...createAwsClients(config.aws, { traced: options.tracing !== undefined }),
      policies,
      http: createWebhookHttp({ allowedAddresses: config.webhooks.allowedAddresses }),
      secret: config.secrets,
      webhooks: config.webhooks,
      runUrl: (workflowId) => webUiRunUrl(config.temporal, workflowId),
      runsUrl: (query) => webUiRunsUrl(config.temporal, query),
      temporal: {
        client: options.client,
        taskQueue: config.temporal.taskQueue,
        capacityGate: CAPACITY_GATE_CONTRACT,
        incident: INCIDENT_CONTRACT,
      },
      ...options.depsOverride,
    };
    const activities = createActivities(deps);
    const traced = tracingWorkerOptions(options.tracing);
    // The main queue serves the workflows and the local and Temporal-only activities; AWS calls go
    // to the operation queues below.
    const worker = await Worker.create({
      connection: options.connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities,
      maxCachedWorkflows: config.maxCachedWorkflows ?? MAX_CACHED_WORKFLOWS,
      workflowBundle,
      ...traced,
      sinks: { ...traced.sinks, ...engineMetricsSinks() },
      ...(options.identity ? { identity: options.identity } : {}),
    });
    // The capacity gates, on their own queue: a storm's thousands of run workflow tasks on the main
    // queue never hold up a gate's admissions. Few, long-lived workflows.
    const gates = await Worker.create({
      connection: options.connection,
      namespace: config.temporal.namespace,
      taskQueue: capacityGateTaskQueue(config.temporal.taskQueue),
      activities,
      workflowBundle,
      maxCachedWorkflows: config.maxCachedGates ?? MAX_CACHED_GATES,
      workflowThreadPoolSize: 1,
      ...traced,
      sinks: { ...traced.sinks, ...engineMetricsSinks() },
      ...(options.identity ? { identity: `${options.identity}/capacity-gates` } : {}),
    });
    const rateLimited = new RateLimitedWorkers({
      connection: options.connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities,
      logger: logger.child({ component: 'aws-rate-budgets' }),
      workerOptions: traced,
      ...(options.identity ? { identity: options.identity } : {}),
    });
    try {
      await rateLimited.apply(policies.current().set.apiBudgets);
    } catch (err) {
      await rateLimited.stop();
      throw err;
    }
    // A saved policy edit that changes a budget applies to that operation's queue at once.
    let applying = Promise.resolve();
    const unsubscribe = policies.onReload((outcome) => {
      if (outcome.status !== 'applied') return;
      applying = applying
        .then(() => rateLimited.apply(policies.current().set.apiBudgets))
        .catch((err: unknown) => logger.error({ err }, 'could not apply the new AWS rate budgets'));
    });
    const running = Promise.race([
      Promise.all([worker.run(), gates.run()]).then(() => undefined),
      rateLimited.failed,
    ]);
    return {
      worker,
      policies,
      rateLimited,
      running,
      stop: async () => {
        unsubscribe();
        await applying;
        await rateLimited.stop();
        if (gates.getState() === 'RUNNING') gates.shutdown();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        policies.close();
        built?.dispose();
      },
    };
  } catch (err) {
    policies.close();
    built?.dispose();
    throw err;
  }
}

/**
 * `tracing`: bundle the OpenTelemetry workflow interceptors in. They only add spans and a trace
 * header to the commands' headers (nothing a replay compares), so histories recorded with or
 * without them replay under either bundle; a worker fleet may mix traced and untraced workers.
 */
export function bundleWorkflows(workflowsPath = WORKFLOWS_PATH, options: { tracing?: boolean } = {}) {
  return bundleWorkflowCode({
    workflowsPath,
    logger: { ...quietBundlerLogger },
    ...(options.tracing ? { workflowInterceptorModules: [WORKFLOW_TRACING_INTERCEPTORS] } : {}),
  });
}

// The bundler's info-level chatter is noise in CLI output and test logs; warnings still show.
const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  log: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
