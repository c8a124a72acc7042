/**
 * worker/ — the worker process: the assembly of workflows and activities on the remediation task
 * queue (remediation-worker.ts), the AWS clients (aws-clients.ts), search-attribute registration,
 * the Temporal runtime and connections, configuration (config.ts, the one reader of the
 * environment), logging and shutdown. Start reading at remediation-worker.ts.
 */
export { bundleWorkflows, startRemediationWorker, type RemediationWorkerHandle } from './remediation-worker';
export { loadConfig, type Config } from './config';
