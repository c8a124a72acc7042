/**
 * What a policy gets when neither it nor the file's `defaults` says otherwise. Shown as `default`
 * in the JSON Schema (editor hover) and applied by ./resolve.ts. Pure.
 */
import type { CapacitySettings, RetrySettings } from './types';

export const BUILTIN_RETRY: RetrySettings = {
  initialInterval: '10s',
  backoffCoefficient: 2,
  maximumInterval: '10m',
  maximumAttempts: 8,
  jitter: 0.2,
  honorRetryDelay: true,
};

/**
 * 2500 is AWS's default active-tasks quota per instance, the fallback of `quota: auto` when
 * CloudWatch cannot tell the instance's applied quota (AWS support sets it per instance).
 */
export const AWS_DEFAULT_ACTIVE_TASK_QUOTA = 2500;

/** How long a run waits in the room before it makes sure its gate runs (AWS never sees it; Temporal does). */
export const BUILTIN_LIVENESS_CHECK = '30m';

export const BUILTIN_CAPACITY: CapacitySettings = {
  maxWait: '6h',
  livenessCheck: BUILTIN_LIVENESS_CHECK,
  then: 'escalate',
  source: 'metrics',
  quota: AWS_DEFAULT_ACTIVE_TASK_QUOTA,
  quotaAuto: true,
};

/**
 * The engine's share of each AWS API rate limit: AWS's limits are per account and Region, shared
 * with the contact centre's own integrations, so by default the engine leaves them half.
 */
export const BUILTIN_API_SHARE = 0.5;

export const BUILTIN_DEADLINE = '24h';
export const BUILTIN_OPERATOR_WAIT = '7d';
export const BUILTIN_RETRY_EVEN_IF_NOT_RETRYABLE = false;

/** Incidents: one per cause (instance, rule, action type, reason code) within an hour. */
export const BUILTIN_INCIDENT = {
  groupBy: ['instanceId', 'ruleId', 'actionType', 'reasonCode'] as const,
  window: '1h',
  updateEvery: '15m',
  maxUpdates: 4,
};
