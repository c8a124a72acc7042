/**
 * The remediation workflow's public surface: type name, ids, input/result shapes, signals and
 * queries. Imported by the workflow itself and by every client (ingress, CLI, tests), so the two
 * sides cannot drift apart.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConnectFailureEvent } from '../events/types';
import type { IncidentSettings, ResolvedPolicy } from '../policies/types';
import type { RemediationPhaseValue } from './search-attributes';

export const REMEDIATION_WORKFLOW_TYPE = 'remediateFailedAction';
export const CAPACITY_GATE_WORKFLOW_TYPE = 'taskCapacityGate';

export const remediationWorkflowId = (eventId: string): string => `remediate-${eventId}`;
export const capacityGateWorkflowId = (instanceId: string): string => `task-capacity-${instanceId}`;
/**
 * Gates and their overflow chunks have a task queue of their own: in a storm, the main queue holds
 * thousands of runs' workflow tasks, and a gate's must not wait behind them to grant capacity.
 */
export const capacityGateTaskQueue = (taskQueue: string): string => `${taskQueue}-capacity-gates`;

export interface RemediationInput {
  /** The validated event, exactly as EventBridge delivered it. */
  event: ConnectFailureEvent;
  /** How it reached us, for the run's story in the Web UI. */
  receivedVia?: 'ingress' | 'cli' | 'test' | (string & {});
}

export type RemediationOutcome = 'recovered' | 'escalated' | 'resolved' | 'abandoned';

export interface ErrorSummary {
  /** AWS SDK error name (e.g. ThrottlingException) or entry ErrorCode for PutEvents. */
  name: string;
  message: string;
  /** Retry hint the error carried (Retry-After / retryDelay), milliseconds. */
  retryAfterMs?: number;
  /** The call never got an answer from AWS (network, timeout): infrastructure, not a verdict. */
  transport?: boolean;
  /** HTTP status of AWS's answer (200 for a PutEvents entry error). */
  httpStatusCode?: number;
  /** AWS asked us to slow down. */
  throttled?: boolean;
  /** The SDK says the fault is AWS's (5xx): transient whatever its name. */
  serverFault?: boolean;
  /** The worker's AWS credentials are missing, expired or not recognised. */
  credentials?: boolean;
  /** The request carried a PreviousContactId (a quota error may be the 12-task chain limit). */
  previousContactId?: boolean;
}

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
   * While waiting for task capacity. The position is not kept by the run (its gate knows it):
   * `runs show` fills it from the gate's `position` query; `inOverflow`: at least that far back.
   */
  capacity?: { position?: number; inOverflow?: boolean; waitingSince: string };
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

// ---- Task-capacity gate (one per Connect instance) -------------------------------------------

export const CAPACITY_OVERFLOW_WORKFLOW_TYPE = 'taskCapacityOverflow';
/** Overflow chunk n of an instance's gate: holds waiters beyond the gate's own queue (FIFO by chunk). */
export const capacityOverflowWorkflowId = (instanceId: string, chunk: number): string =>
  `${capacityGateWorkflowId(instanceId)}-overflow-${chunk}`;

export interface CapacitySource {
  /** `metrics`: read open tasks from Connect's current metrics; `probe`: AIMD on re-issue results. */
  source: 'metrics' | 'probe';
  /** Active-tasks quota of the instance (metrics source). */
  quota?: number;
  /** Queues to read metrics for (real Connect requires at least one); default: every queue. */
  queues?: string[];
}

/** The one capacity setting of an instance's gate (see `capacityForInstance` in policies/). */
export interface GateSettings extends CapacitySource {
  /** Grants per second at most: the engine's StartTaskContact budget, so permits never wait long. */
  grantsPerSecond?: number;
  /** The policy set it came from: the newest set a gate hears of wins. */
  setHash?: string;
  /** The policy whose capacity block set it (for `capacity` and explain). */
  policy?: string;
}

export interface CapacityRequest extends CapacitySource {
  /** The remediation run that waits. */
  workflowId: string;
  /** Higher is admitted first; FIFO among equals. */
  priority: number;
  /** When the run started waiting (ms): FIFO order, kept across gates and re-queues. */
  since?: number;
  /** The run's n-th capacity wait: grants for an older wait are stale and released unused. */
  ticket?: number;
  /** The instance's capacity setting, chosen by policy (absent from runs started before it existed). */
  settings?: GateSettings;
}

/** created: a task exists; quota-exceeded / transient: queue again in place; failed / unused: done. */
export type PermitOutcome = 'created' | 'quota-exceeded' | 'transient' | 'failed' | 'unused';

export interface PermitRelease {
  permitId: string;
  workflowId: string;
  outcome: PermitOutcome;
  /**
   * Outcome `created`: the run's workflow clock when its re-issue returned (epoch ms), no earlier
   * than the task's creation. Absent from runs started before it was sent.
   */
  createdAt?: number;
}

export interface CapacityGrant {
  permitId: string;
  /** The wait it answers (absent from gates started before tickets existed). */
  ticket?: number;
}

export interface QueuePosition {
  /** 1-based place in the queue; 0 while holding a permit; undefined when unknown to the gate. */
  position?: number;
  /** True when the run is held in an overflow chunk: it has at least `position` − 1 ahead of it. */
  inOverflow?: boolean;
  queueLength: number;
  inFlight: number;
}

export interface CapacityGateStatus {
  instanceId: string;
  source: CapacitySource;
  /** The setting in force, with where it came from (absent on gates started before it existed). */
  settings?: GateSettings;
  /** Every waiting run: the gate's own queue plus its overflow chunks. */
  queueLength: number;
  /** Of those, held in overflow chunks. */
  overflowLength?: number;
  overflowChunks?: number;
  /** Each overflow chunk with the waiters it holds, as far as the gate knows. */
  chunks?: { chunk: number; size: number; open: boolean }[];
  inFlight: number;
  /** Probe source: current admission window. */
  window: number;
  lastOpenTasks?: number;
  admitted: number;
  created: number;
  quotaErrors: number;
  reclaimed: number;
  /** Grants per minute, newest last: [minute start (ms), grants]. */
  grantsPerMinute?: [number, number][];
}

/** The gate chain's identity (its first run id): a run checks it is still queued at the same gate. */
export interface GateLineage {
  running: boolean;
  lineage?: string;
}

export const enqueueForCapacitySignal = defineSignal<[CapacityRequest]>('enqueue');
export const releasePermitSignal = defineSignal<[PermitRelease]>('release');
export const withdrawFromCapacitySignal = defineSignal<[{ workflowId: string }]>('withdraw');
export const queuePositionQuery = defineQuery<QueuePosition, [string]>('position');
export const capacityGateStatusQuery = defineQuery<CapacityGateStatus>('gateStatus');
/** Sent by the gate to a waiting remediation run. */
export const capacityGrantedSignal = defineSignal<[CapacityGrant]>('capacityGranted');

/**
 * A queued run, compact (the gate carries up to a thousand of them across continue-as-new, and
 * overflow chunks a thousand each): workflow id, priority, waiting since (ms), ticket.
 */
export type WaiterRow = [workflowId: string, priority: number, since: number, ticket: number | null];

/** Gate ↔ overflow chunk. */
export interface OverflowWaiters {
  chunk: number;
  waiters: WaiterRow[];
  /** Waiters the chunk still holds after this hand-back. */
  remaining: number;
}
export interface CapacityOverflowInput {
  instanceId: string;
  chunk: number;
  /** The gate chain this chunk belongs to: a chunk whose gate is gone ends. */
  gateLineage: string;
  waiters: WaiterRow[];
  /** How often it checks its gate is still there (default 30 minutes). */
  livenessCheckMs?: number;
}
export const holdInOverflowSignal = defineSignal<[WaiterRow[]]>('hold');
/** What an overflow chunk holds, and what it last told its gate. */
export const overflowStatusQuery = defineQuery<{ held: number; reported: number; sealed: boolean }>(
  'overflowStatus',
);
/** A chunk's count of what it holds (runs join the open tail chunk directly). */
export const overflowSizeSignal = defineSignal<[{ chunk: number; size: number }]>('overflowSize');
/**
 * Where a run joins: the open tail chunk while the gate overflows (with the room it has left, as
 * far as the gate knows), else the gate itself.
 */
export const capacityIntakeQuery = defineQuery<{ chunk?: number; room?: number }>('capacityIntake');
export const handBackSignal = defineSignal<[{ count: number }]>('handBack');
export const sealOverflowSignal = defineSignal<[]>('seal');
export const admitFromOverflowSignal = defineSignal<[OverflowWaiters]>('admitFromOverflow');

/**
 * The messages that reach a gate unasked — a run joining it, a chunk reporting — go as Updates,
 * not signals: an Update that arrives while the gate continues as new is handed to its next
 * run by the server, where a signal would make the server refuse that continue-as-new (a failed
 * workflow task, temporalio/temporal#1289). Replies the gate waits for (releases, hand-backs) are
 * settled before it hands over, so they need no such care.
 */
export const enqueueForCapacityUpdate = defineUpdate<void, [CapacityRequest]>('enqueueForCapacity');
/** From an overflow chunk to its gate: its size, or waiters handed back. */
export type OverflowReport =
  { kind: 'size'; chunk: number; size: number } | ({ kind: 'handBack' } & OverflowWaiters);
export const overflowReportUpdate = defineUpdate<void, [OverflowReport]>('overflowReport');

// ---- Rate-limited task queues ------------------------------------------------------------------

/**
 * The activity task queue of one rate budget: an AWS operation (StartTaskContact, DescribeRule, …)
 * or the capacity gates' intake (CAPACITY_INTAKE). Its workers set Temporal's server-side rate
 * limit (maxTaskQueueActivitiesPerSecond) to the budget, so all workers together never go faster
 * than the budget, however many there are.
 */
export const rateLimitedTaskQueue = (taskQueue: string, budget: string): string => `${taskQueue}-${budget}`;

/** The budget of runs joining capacity gates: a storm's arrivals never flood one workflow. */
export const CAPACITY_INTAKE = 'CapacityIntake';
/** Joins per second, all gates and workers together: well within what one workflow absorbs. */
export const CAPACITY_INTAKE_PER_SECOND = 50;

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
