/** Builds the worker that serves the remediation task queue. */
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface RemediationWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** Pre-built bundle (tests share one); otherwise the worker bundles `workflows/` on start. */
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  identity?: string;
}

export function createRemediationWorker(options: RemediationWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.identity ? { identity: options.identity } : {}),
  });
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
