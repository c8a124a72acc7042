/**
 * A local Amazon Connect + EventBridge that the unmodified AWS SDK v3 clients talk to: point them at
 * `endpoint` with any credentials. See docs/simulator.md for the operations, errors and admin API.
 */
export { startSimulator, buildSimulatorApp, MAX_BODY_BYTES } from './server';
export type { RunningSimulator, SimulatorOptions } from './server';
export { SimulatorAdminClient, SimulatorAdminError } from './admin-client';
export type { NewContactFlow, NewInstance, NewQueue, NewRule } from './admin-client';
export { DEFAULT_CONFIG } from './config';
export {
  CONNECT_RATE_LIMITS,
  PUT_EVENTS_TPS_BY_REGION,
  PUT_EVENTS_TPS_ELSEWHERE,
  defaultRateLimits,
} from './rate-limits';
export { SEED, defaultSeed, loadSeedFile, parseSeed, SeedError } from './seed';
export {
  FLOW_NOT_IN_INSTANCE,
  activeTasksQuotaMessage,
  linkedTasksLimitMessage,
} from './connect/start-task-contact';
export { SimulatorState } from './state';
export * from './types';
