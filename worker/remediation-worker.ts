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
import { createActivities, type ActivityDeps } from '../activities';
import { PolicyStore } from '../policies/store.node';
import { createAwsClients } from './aws-clients';
import { webUiRunUrl, type Config } from './config';
import type { Logger } from './logger';
import {
  CAPACITY_GATE_WORKFLOW_TYPE,
  capacityGateWorkflowId,
  enqueueForCapacitySignal,
  queuePositionQuery,
} from '../workflows/definitions';
import { ensureSearchAttributes } from './search-attribute-registration';

/** The gate's names, as the capacity activities need them (they import no workflow code). */
const CAPACITY_GATE_CONTRACT = {
  workflowType: CAPACITY_GATE_WORKFLOW_TYPE,
  workflowId: capacityGateWorkflowId,
  enqueueSignal: enqueueForCapacitySignal.name,
  positionQuery: queuePositionQuery.name,
};

export const WORKFLOWS_PATH = require.resolve('../workflows');

export type WorkflowBundle = WorkflowBundleWithSourceMap | { codePath: string };

export interface RemediationWorkerHandle {
  worker: Worker;
  policies: PolicyStore;
  /** Resolves when the worker stops; rejects if it fails. */
  running: Promise<void>;
  stop(): Promise<void>;
}

export interface StartRemediationWorkerOptions {
  config: Pick<Config, 'temporal' | 'aws' | 'policiesFile' | 'secrets'>;
  connection: NativeConnection;
  client: Client;
  logger: Logger;
  /** Pre-built bundle (tests share one); otherwise the worker bundles `workflows/` on start. */
  workflowBundle?: WorkflowBundle;
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
  const policies = await PolicyStore.open(config.policiesFile, logger.child({ component: 'policies' }));
  try {
    const deps: ActivityDeps = {
      ...createAwsClients(config.aws),
      policies,
      http: (url, init) => fetch(url, init),
      secret: config.secrets,
      runUrl: (workflowId) => webUiRunUrl(config.temporal, workflowId),
      temporal: {
        client: options.client,
        taskQueue: config.temporal.taskQueue,
        capacityGate: CAPACITY_GATE_CONTRACT,
      },
      ...options.depsOverride,
    };
    const worker = await Worker.create({
      connection: options.connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities(deps),
      ...(options.workflowBundle
        ? { workflowBundle: options.workflowBundle }
        : { workflowsPath: WORKFLOWS_PATH }),
      ...(options.identity ? { identity: options.identity } : {}),
    });
    const running = worker.run();
    return {
      worker,
      policies,
      running,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        policies.close();
      },
    };
  } catch (err) {
    policies.close();
    throw err;
  }
}

export function bundleWorkflows(workflowsPath = WORKFLOWS_PATH) {
  return bundleWorkflowCode({ workflowsPath, logger: { ...quietBundlerLogger } });
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
