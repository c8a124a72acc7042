/**
 * The remediation workflow's public surface: type name, ids, input/result shapes, signals and
 * queries. Imported by the workflow itself and by every client (ingress, CLI, tests), so the two
 * sides cannot drift apart.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ErrorSummary } from '../events/aws-failure';
import type { ConnectFailureEvent } from '../events/types';
import type { IncidentSettings, ResolvedPolicy } from '../policies/types';
import type { RemediationPhaseValue } from './search-attributes';

export * from './capacity-definitions';

export const REMEDIATION_WORKFLOW_TYPE = 'remediateFailedAction';

export const remediationWorkflowId = (eventId: string): string => `remediate-${eventId}`;

export interface RemediationInput {
  /** The validated event, exactly as EventBridge delivered it. */
  event: ConnectFailureEvent;
  /** How it reached us, for the run's story in the Web UI. */
  receivedVia?: 'ingress' | 'cli' | 'test' | (string & {});
}

export type RemediationOutcome = 'recovered' | 'escalated' | 'resolved' | 'abandoned';

export type { ErrorSummary };

export interface AttemptRecord {
  attempt: number;
  /** Why this attempt happened. */
  trigger: 'policy' | 'operator' | 'capacity';
  /** Wait before this attempt (durable timer), milliseconds. */
  delayMs: number;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  error?: ErrorSummary;
  /** What the re-issue produced: a task ContactId or an EventBridge event id. */
  resultId?: string;
  notes?: string[];
}

export interface EscalationRecord {
  at: string;
  reason: string;
  channels: { name: string; type: string; ok: boolean; detail?: string }[];
}

export interface OperatorDecision {
  note?: string;
  /** Re-issue overrides, e.g. { contactFlowId: "…" } for a corrected flow. */
  overrides?: Record<string, string>;
  /** Who decided (free text; the CLI fills the OS user). */
  by?: string;
}

export interface RemediationResult {
  outcome: RemediationOutcome;
  eventId: string;
  policy?: { name: string; setHash: string; strategy: string };
  attempts: AttemptRecord[];
  escalations: EscalationRecord[];
  decision?: OperatorDecision & { action: 'retry' | 'resolve' | 'abandon'; at: string };
  /** Human-readable one-liner of how it ended. */
  summary: string;
}

export interface RemediationStatus {
  phase: RemediationPhaseValue;
  attempt: number;
  nextAttemptAt?: string;
  lastError?: ErrorSummary;
  policy?: { name: string; setHash: string; strategy: string };
  /**
   * While waiting for task capacity, in the instance's waiting room (capacity-definitions.ts). The
   * run does not know its place; `runs show` adds how many wait at the instance, from its gate.
   */
  capacity?: { waitingSince: string; waitingAtInstance?: number };
  awaitingOperatorUntil?: string;
  /** The run's story so far (the same records the result carries when it ends). */
  attempts: AttemptRecord[];
  escalations: EscalationRecord[];
  /** The latest operator decision acted on. */
  decision?: OperatorDecision & { action: 'retry' | 'resolve' | 'abandon'; at: string };
}

export const retrySignal = defineSignal<[OperatorDecision?]>('retry');
export const resolveSignal = defineSignal<[OperatorDecision?]>('resolve');
export const abandonSignal = defineSignal<[OperatorDecision?]>('abandon');
export const statusQuery = defineQuery<RemediationStatus>('status');

export type OperatorAction = 'retry' | 'resolve' | 'abandon';
export const OPERATOR_ACTIONS: readonly OperatorAction[] = ['retry', 'resolve', 'abandon'];

/** What the run says back to an operator's decision sent as an Update (`runs signal`). */
export interface DecisionReceipt {
  action: OperatorAction;
  /** The run's phase when it took the decision. */
  phase: RemediationPhaseValue;
  /** What the run did with it, in a sentence. */
  effect: string;
}

/**
 * An operator's decision with an answer: the run validates it (refusing an unknown action or
 * override, a second decision while one waits, a run that is ending) and replies once it took it.
 * The signals above stay for the Web UI's Signal button and for callers that cannot wait.
 */
export const decideUpdate = defineUpdate<DecisionReceipt, [OperatorDecision & { action: OperatorAction }]>(
  'decide',
);

// ---- Rate-limited task queues ------------------------------------------------------------------

/**
 * The activity task queue of one AWS operation's rate budget (StartTaskContact, DescribeRule, …).
 * Its workers set Temporal's server-side rate limit (maxTaskQueueActivitiesPerSecond) to the
 * budget, so all workers together never go faster than the budget, however many there are.
 */
export const rateLimitedTaskQueue = (taskQueue: string, budget: string): string => `${taskQueue}-${budget}`;

// ---- Incidents: escalations of one cause -----------------------------------------------------

export const INCIDENT_WORKFLOW_TYPE = 'remediationIncident';

/** What a run tells its incident when it joins (escalates for the incident's cause). */
export interface IncidentMember {
  workflowId: string;
  eventId: string;
  /** The event's error text (a few are kept as samples). */
  error: string;
  /** Why the run escalated. */
  reason: string;
  at: string;
}

export interface IncidentInput {
  incidentId: string;
  /** The cause: the grouped event fields and their values. */
  key: Record<string, string>;
  /** The policy of the run that opened it: its channels, fallback and timings. */
  policy: Pick<ResolvedPolicy, 'name' | 'setHash' | 'escalateTo' | 'fallback' | 'operatorWaitMs'> & {
    incident: IncidentSettings;
  };
  /** The event that opened the incident (a sample for the channels). */
  event: ConnectFailureEvent;
  instanceId: string;
  /** Link listing the incident's runs in the Web UI. */
  runsUrl: string;
}

export type IncidentAnswer = OperatorDecision & { action: OperatorAction; at: string };

export interface IncidentStatus {
  incidentId: string;
  key: Record<string, string>;
  policy: string;
  state: 'open' | 'answered' | 'closed';
  runs: number;
  firstSeen: string;
  lastSeen: string;
  samples: string[];
  notifications: number;
  answer?: IncidentAnswer;
  /** Runs the answer was sent to so far. */
  answered: number;
  runsUrl: string;
  /** Times a run failed again after an answer, which reopened the incident. */
  reopened?: number;
}

export interface IncidentReceipt {
  action: OperatorAction;
  /** Runs the answer went to now; runs that join later while the incident is open get it too. */
  runs: number;
}

export const joinIncidentSignal = defineSignal<[IncidentMember]>('join');
/** The Web UI's way to answer (its Signal button); the CLI uses the Update. */
export const answerIncidentSignal = defineSignal<[OperatorDecision & { action: OperatorAction }]>('answer');
export const answerIncidentUpdate = defineUpdate<
  IncidentReceipt,
  [OperatorDecision & { action: OperatorAction }]
>('answerIncident');
export const incidentStatusQuery = defineQuery<IncidentStatus>('incidentStatus');
