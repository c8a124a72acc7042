// Entry point the worker bundles: every workflow type the task queues serve.
export { remediateFailedAction } from './remediate';
export { taskCapacityGate } from './capacity-gate';
export { remediationIncident } from './incident';
