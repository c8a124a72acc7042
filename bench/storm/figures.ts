/**
 * Storm figures computed from workflow histories, as pure functions over decoded histories (what
 * `handle.fetchHistory()` returns), so test/bench/storm-figures.test.ts can check each one on
 * hand-built histories. Reading the histories from the server is gate-health.ts and
 * waiting-cost.ts.
 *
 * Histories are the ground truth here on purpose: the gate's own status query reports what the
 * gate believes, whereas a failed workflow task, an oversized continue-as-new input or an activity a
 * waiting run schedules are recorded by the server whatever the workflow code thinks.
 */
import { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const { EventType } = temporal.api.enums.v1;

/** Local activities leave no ACTIVITY_TASK_* events, only a marker of this name (sdk-core's). */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * The activities a remediation run joins its gate with: `joinCapacityGate` (runs with gate
 * lineages) or `enqueueForCapacity` (runs started before). Its first one starts the wait.
 */
export const QUEUE_ACTIVITY_TYPES: readonly string[] = ['joinCapacityGate', 'enqueueForCapacity'];

/** The gate's answer to a waiting run: it ends the wait. */
export const GRANT_SIGNAL = 'capacityGranted';

/**
 * The one activity through which a waiting run queries its gate (each execution issues exactly one
 * `position` query). Queries leave no trace in any history, so counting these activities is the
 * only way to see them; runs that no longer ask for their position schedule none, and the figure
 * is then 0 by measurement, not by assumption.
 */
export const GATE_QUERY_ACTIVITY_TYPES: readonly string[] = ['capacityQueuePosition'];

const events = (history: History): HistoryEvent[] => history.events ?? [];

/**
 * Those failures by cause (the enum's name without its prefix, e.g. UNHANDLED_COMMAND: the server
 * refused a completion because a signal arrived while the task ran), so a benign race and a broken
 * workflow are told apart in the figures.
 */
export function workflowTaskFailureCauses(history: History): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const e of events(history)) {
    if (e.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
    const cause = e.workflowTaskFailedEventAttributes?.cause ?? 0;
    const name = (temporal.api.enums.v1.WorkflowTaskFailedCause[cause] ?? String(cause)).replace(
      'WORKFLOW_TASK_FAILED_CAUSE_',
      '',
    );
    causes[name] = (causes[name] ?? 0) + 1;
  }
  return causes;
}

/** WORKFLOW_TASK_FAILED events: a non-determinism, a payload too large, a bug in the workflow code. */
export function workflowTaskFailures(history: History): number {
  return sumOf(workflowTaskFailureCauses(history));
}

const sumOf = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

export function historyLength(history: History): number {
  return events(history).length;
}

/**
 * Bytes of the run's input (the WORKFLOW_EXECUTION_STARTED event's payload data, summed): for a run
 * started by continue-as-new, the state it carried over from the previous run.
 */
export function startedInputBytes(history: History): number {
  const started = events(history).find(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  );
  const payloads = started?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  return payloads.reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
}

export interface GateRunHistory {
  workflowId: string;
  history: History;
}

export interface GateHealth {
  /** WORKFLOW_TASK_FAILED events over every run of the gate and of its overflow chunks. */
  gateWorkflowTaskFailures: number;
  /** The same failures by cause. */
  gateWorkflowTaskFailureCauses: Record<string, number>;
  /** The longest history of any one of those runs (continue-as-new is meant to bound it). */
  gateMaxHistoryLength: number;
  /** Runs of the gate's workflow id (1 + continue-as-new count). */
  gateRuns: number;
  /** The largest input any gate run started with: what continue-as-new carried. */
  largestCarriedStateBytes: number;
  /** Distinct overflow chunk workflows. */
  overflowChunks: number;
  /** Runs of those chunks (a chunk may continue as new too). */
  overflowChunkRuns: number;
}

export function gateHealth(gateRuns: GateRunHistory[], overflowRuns: GateRunHistory[]): GateHealth {
  const all = [...gateRuns, ...overflowRuns];
  const causes: Record<string, number> = {};
  for (const run of all)
    for (const [cause, n] of Object.entries(workflowTaskFailureCauses(run.history)))
      causes[cause] = (causes[cause] ?? 0) + n;
  return {
    gateWorkflowTaskFailures: sumOf(causes),
    gateWorkflowTaskFailureCauses: causes,
    gateMaxHistoryLength: Math.max(0, ...all.map((r) => historyLength(r.history))),
    gateRuns: gateRuns.length,
    largestCarriedStateBytes: Math.max(0, ...gateRuns.map((r) => startedInputBytes(r.history))),
    overflowChunks: new Set(overflowRuns.map((r) => r.workflowId)).size,
    overflowChunkRuns: overflowRuns.length,
  };
}

function eventTimeMs(event: HistoryEvent): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

/** The activity type of a local-activity marker (its `data` detail is JSON written by sdk-core). */
function localActivityType(event: HistoryEvent): string | undefined {
  const attributes = event.markerRecordedEventAttributes;
  if (attributes?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const data = attributes.details?.['data']?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
    const type = parsed['activity_type'] ?? parsed['activityType'];
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The type of the activity an event schedules: ACTIVITY_TASK_SCHEDULED, or MARKER_RECORDED of a
 * local activity ('' when its type cannot be read); undefined for every other event.
 */
function scheduledActivityType(event: HistoryEvent): string | undefined {
  if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    return event.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
  if (
    event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED &&
    event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER
  )
    return localActivityType(event) ?? '';
  return undefined;
}

export interface CapacityWait {
  /** From scheduling the first queue activity to the first `capacityGranted` signal. */
  waitMs: number;
  /** Activities (and local activities) scheduled in between, the first queue activity excluded. */
  activitiesWhileWaiting: number;
  /** Of those, the ones that query the gate (GATE_QUERY_ACTIVITY_TYPES). */
  gateQueriesWhileWaiting: number;
}

/**
 * A remediation run's first wait for capacity, or undefined when the run never queued or was never
 * granted capacity. What a run does while it waits is what a storm of thousands of waiting runs
 * multiplies: ideally nothing but the timer that bounds the wait.
 */
export function capacityWait(history: History): CapacityWait | undefined {
  const all = events(history);
  const queuedAt = all.findIndex((e) => QUEUE_ACTIVITY_TYPES.includes(scheduledActivityType(e) ?? ''));
  if (queuedAt < 0) return undefined;
  const grantedAt = all.findIndex(
    (e, i) =>
      i > queuedAt &&
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED &&
      e.workflowExecutionSignaledEventAttributes?.signalName === GRANT_SIGNAL,
  );
  if (grantedAt < 0) return undefined;
  let activitiesWhileWaiting = 0;
  let gateQueriesWhileWaiting = 0;
  for (const event of all.slice(queuedAt + 1, grantedAt)) {
    const type = scheduledActivityType(event);
    if (type === undefined) continue;
    activitiesWhileWaiting += 1;
    if (GATE_QUERY_ACTIVITY_TYPES.includes(type)) gateQueriesWhileWaiting += 1;
  }
  return {
    waitMs: Math.max(0, eventTimeMs(all[grantedAt]!) - eventTimeMs(all[queuedAt]!)),
    activitiesWhileWaiting,
    gateQueriesWhileWaiting,
  };
}

export interface MaxMean {
  max: number;
  mean: number;
}

export interface WaitingRunFigures {
  /** Runs whose wait was found (sampled runs that queued and were granted capacity). */
  waitingRunsSampled: number;
  activitiesPerWaitingRunPerHour: MaxMean | null;
  queriesPerWaitingRunPerHour: MaxMean | null;
  /** Raw counts: per-hour rates of waits shorter than a minute say little. */
  activitiesWhileWaiting: MaxMean | null;
  meanWaitSeconds: number | null;
  waitsShorterThanAMinute: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function maxMean(values: number[]): MaxMean | null {
  if (values.length === 0) return null;
  return {
    max: round(Math.max(...values)),
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/** Per-hour rates over the waits that lasted any time at all (a zero-length wait has no rate). */
export function waitingRunFigures(waits: CapacityWait[]): WaitingRunFigures {
  const timed = waits.filter((w) => w.waitMs > 0);
  const perHour = (count: (w: CapacityWait) => number) =>
    maxMean(timed.map((w) => count(w) / (w.waitMs / 3_600_000)));
  return {
    waitingRunsSampled: waits.length,
    activitiesPerWaitingRunPerHour: perHour((w) => w.activitiesWhileWaiting),
    queriesPerWaitingRunPerHour: perHour((w) => w.gateQueriesWhileWaiting),
    activitiesWhileWaiting: maxMean(waits.map((w) => w.activitiesWhileWaiting)),
    meanWaitSeconds:
      waits.length === 0 ? null : round(waits.reduce((sum, w) => sum + w.waitMs, 0) / waits.length / 1000),
    waitsShorterThanAMinute: waits.filter((w) => w.waitMs < 60_000).length,
  };
}
