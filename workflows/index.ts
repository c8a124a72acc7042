// Entry point the worker bundles: every workflow type the task queue serves.
export { remediateFailedAction } from './remediate';
export { taskCapacityGate } from './capacity-gate';
export { taskCapacityOverflow } from './capacity-overflow';
export { remediationIncident } from './incident';
