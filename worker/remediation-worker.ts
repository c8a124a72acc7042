/**
 * Wires a worker for the remediation task queue: AWS clients (real, or the simulator's endpoint),
 * the hot-reloaded policy store, the activities built from them, and the workflow code.
 * Shared by `dev`, `worker` and the tests, so all three run the same assembly.
 */
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createAwsClients } from './aws-clients';
import { webUiRunUrl, type Config } from './config';
import type { Logger } from './logger';
import { PolicyStore } from './policy-store';
import { ensureSearchAttributes } from './search-attribute-registration';
import { createRemediationWorker } from './worker';

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
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
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
      temporal: { client: options.client, taskQueue: config.temporal.taskQueue },
      ...options.depsOverride,
    };
    const worker = await createRemediationWorker({
      connection: options.connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities(deps),
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
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
