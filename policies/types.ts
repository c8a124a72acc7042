/**
 * What a run records about its policy (the contract between the policy loader and the workflow).
 * A ResolvedPolicy is self-contained: defaults merged, channels resolved by name, durations kept as
 * the strings ops wrote (Temporal/`ms` format, e.g. "10s", "5m"). It is the result of the
 * resolvePolicy activity, so it lives in the run's history and later YAML edits never change it.
 */

export type Strategy = 'retry' | 'wait-for-capacity' | 'escalate' | 'ignore';

export interface RetrySettings {
  initialInterval: string;
  backoffCoefficient: number;
  maximumInterval: string;
  maximumAttempts: number;
  /** Fraction 0..1: each delay is spread uniformly over ±jitter of itself. */
  jitter: number;
  /** Never retry sooner than additionalInfo.retryDelay or the latest error's retry hint. */
  honorRetryDelay: boolean;
}

export interface IncidentSettings {
  /** Event fields that make up the cause (the incident's key). */
  groupBy: ('instanceId' | 'ruleId' | 'actionType' | 'reasonCode' | 'triggerEvent')[];
  windowMs: number;
  updateEveryMs: number;
  maxUpdates: number;
}

export interface CapacitySettings {
  /** How long a run may wait for task capacity before `then`. */
  maxWait: string;
  /** `maxWait` in milliseconds (set where the policy is resolved; absent in runs recorded before). */
  maxWaitMs?: number;
  then: 'escalate' | 'retry';
  /** Where free capacity comes from: Connect's current metrics, or AIMD probing. */
  source: 'metrics' | 'probe';
  /** Active-tasks quota of the instance (metrics source); with `quotaAuto`, the fallback. */
  quota?: number;
  /**
   * `quota: auto` (the default): the worker reads the instance's applied quota from CloudWatch
   * when the policy is resolved (see activities/applied-quota.ts) and puts it in `quota`; `quota`
   * holds AWS's default until then, and whenever CloudWatch cannot tell.
   */
  quotaAuto?: boolean;
  /** Where a resolved `quota: auto` came from: CloudWatch, or the fallback. */
  quotaFrom?: 'cloudwatch' | 'fallback';
  /** Queue ids to read metrics for (default: every queue of the instance, agent queues included). */
  queues?: string[];
  /** Higher is served first (-2 to 2); close to FIFO among equals. */
  priority?: number;
  /** How long a run waits in the room before it makes sure its gate runs and queues again (at most 30m). */
  livenessCheck?: string;
  /** `livenessCheck` in milliseconds (set where the policy is resolved). */
  livenessCheckMs?: number;
  /**
   * Set by resolvePolicy for the event's instance (one setting per instance, whatever policy
   * matched; see `capacityForInstance`): the policy `source`, `quota` and `queues` came from.
   */
  settingsFrom?: string;
  /** Grants per second at most: the engine's StartTaskContact budget (set where resolved). */
  grantsPerSecond?: number;
}

export type ChannelConfig =
  | { name: string; type: 'eventbridge'; eventBusName: string; source?: string }
  | {
      name: string;
      type: 'connect-task';
      contactFlowId: string;
      /** Defaults to the failed event's instance. */
      instanceId?: string;
    }
  | {
      name: string;
      type: 'webhook';
      /** Where to POST; absent when `urlEnv` names the variable holding it. */
      url?: string;
      /**
       * The environment variable holding a URL that is itself a credential (Slack-style): read at
       * send time, so the URL is never in the policy, the run's history or an activity's input.
       */
      urlEnv?: string;
      /** Env var holding a bearer token; the secret itself never appears in YAML or history. */
      secretEnv?: string;
    };

/** Changes to the re-issued action, from the policy or an operator's `retry` signal. */
export interface ReissueOverrides {
  contactFlowId?: string;
  /** Templates may use ${event.id}, ${detail.ruleId}, ${detail.reasonCode}, … */
  name?: string;
  description?: string;
  attributes?: Record<string, string>;
  references?: Record<string, { type: 'URL' | 'STRING' | 'NUMBER' | 'EMAIL' | 'DATE'; value: string }>;
  /** GENERATE_EVENTBRIDGE_EVENT re-issue target. */
  eventBusName?: string;
  source?: string;
  detailType?: string;
}

export interface ResolvedPolicy {
  name: string;
  /** The policy's `description` from the file, for escalation messages and the Web UI (optional). */
  description?: string;
  /** Content hash of the policy set this came from. */
  setHash: string;
  strategy: Strategy;
  retry: RetrySettings;
  /** Bounds the whole remediation (before escalation). */
  deadline: string;
  /** `deadline` in milliseconds (set where the policy is resolved; absent in runs recorded before). */
  deadlineMs?: number;
  /** Retry even when additionalInfo says `retryable: false`. */
  retryNonRetryable: boolean;
  capacity?: CapacitySettings;
  escalateTo: ChannelConfig[];
  /** Escalations of one cause join one incident (absent: `incident: false`, each run escalates alone). */
  incident?: IncidentSettings;
  /** Notified when every channel of an escalation failed for good (`defaults.fallbackChannel`). */
  fallback?: ChannelConfig;
  /** How long an escalated run waits for an operator's retry / resolve / abandon. */
  operatorWait: string;
  /** `operatorWait` in milliseconds (set where the policy is resolved; absent in runs recorded before). */
  operatorWaitMs?: number;
  reissue: ReissueOverrides;
}

/** The event facts policies match on. */
export interface MatchFacts {
  reasonCode: string;
  actionType: string;
  triggerEvent: string;
  /** From additionalInfo; undefined when absent or malformed. */
  retryable?: boolean;
  instanceId: string;
  ruleId: string;
  /** The event's `error` text (for `errorMatches`). */
  error: string;
}
