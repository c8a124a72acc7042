/**
 * A worker as ops run it: `connect-remediator worker` in its own process, on a stack's task queue,
 * policies and simulator — so a test can kill it the way a machine dies (SIGKILL), not only shut it
 * down gracefully.
 */
import { spawnCli, type CliProcess } from './processes';
import type { RemediationStack } from './remediation-stack';

export function workerProcessEnv(stack: RemediationStack, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_NAMESPACE: stack.temporal.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    POLICIES_FILE: stack.policiesFile,
    CONNECT_ENDPOINT: stack.simulator.endpoint,
    EVENTBRIDGE_ENDPOINT: stack.simulator.endpoint,
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'error',
    WORKER_METRICS_PORT: 'off',
    ...extra,
  };
}

/** Starts `connect-remediator worker` and resolves once it polls (it bundles the workflows first). */
export async function startWorkerProcess(
  stack: RemediationStack,
  extra: NodeJS.ProcessEnv = {},
): Promise<CliProcess> {
  const worker = spawnCli(['worker'], workerProcessEnv(stack, extra));
  await worker.waitFor(/polling task queue/, 120_000);
  return worker;
}

/** Kills the worker process with no chance to report anything, and waits until it is gone. */
export async function killHard(worker: CliProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  const { signal } = await worker.exited;
  if (signal !== 'SIGKILL') throw new Error(`the worker exited on its own (${signal}) before it was killed`);
}
