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

/** A remediation run's wait in the waiting room: one activity, answered by the gate. */
export const WAIT_ACTIVITY_TYPE = 'awaitTaskCapacity';

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

/** WORKFLOW_TASK_TIMED_OUT events: a task a worker took too long for (it costs time, not progress). */
export function workflowTaskTimeouts(history: History): number {
  return events(history).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).length;
}

/** Signals and Updates a workflow received: a gate takes none (nothing is ever sent to it). */
export function messagesReceived(history: History): number {
  return events(history).filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ||
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  ).length;
}

export interface GateHealth {
  /** WORKFLOW_TASK_FAILED events over every run of the gate. */
  gateWorkflowTaskFailures: number;
  /** The same failures by cause. */
  gateWorkflowTaskFailureCauses: Record<string, number>;
  /** WORKFLOW_TASK_TIMED_OUT events over every run of the gate (a slow worker; no progress lost). */
  gateWorkflowTaskTimeouts: number;
  /** Signals and Updates the gate received (its design sends it none). */
  gateMessagesReceived: number;
  /** The longest history of any one of those runs (continue-as-new is meant to bound it). */
  gateMaxHistoryLength: number;
  /** Runs of the gate's workflow id (1 + continue-as-new count). */
  gateRuns: number;
  /** The largest input any gate run started with: what continue-as-new carried. */
  largestCarriedStateBytes: number;
}

export function gateHealth(gateRuns: GateRunHistory[]): GateHealth {
  const causes: Record<string, number> = {};
  for (const run of gateRuns)
    for (const [cause, n] of Object.entries(workflowTaskFailureCauses(run.history)))
      causes[cause] = (causes[cause] ?? 0) + n;
  const sum = (f: (h: History) => number) => gateRuns.reduce((n, r) => n + f(r.history), 0);
  return {
    gateWorkflowTaskFailures: sumOf(causes),
    gateWorkflowTaskFailureCauses: causes,
    gateWorkflowTaskTimeouts: sum(workflowTaskTimeouts),
    gateMessagesReceived: sum(messagesReceived),
    gateMaxHistoryLength: Math.max(0, ...gateRuns.map((r) => historyLength(r.history))),
    gateRuns: gateRuns.length,
    largestCarriedStateBytes: Math.max(0, ...gateRuns.map((r) => startedInputBytes(r.history))),
  };
}

/**
 * Billable Temporal Cloud actions a history records, counted as Temporal's pricing does: a start
 * (or continue-as-new) 1, a signal 1, an accepted Update 1, an activity 1 plus 1 per retry, a timer
 * 1, a search-attribute upsert 1, a child workflow 2, and local activities 1 per workflow task
 * that ran any. Memo updates are counted apart: Temporal does not list them as actions.
 */
export interface ActionCount {
  actions: number;
  byKind: Record<string, number>;
  memoUpdates: number;
}

export function temporalActions(history: History): ActionCount {
  const byKind: Record<string, number> = {};
  const add = (kind: string, n = 1) => (byKind[kind] = (byKind[kind] ?? 0) + n);
  const localActivityTasks = new Set<string>();
  let memoUpdates = 0;
  for (const e of events(history)) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        add('start');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        add('signal');
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add('update');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add('activity');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add('activityRetry', Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1));
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        add('timer');
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        add('upsert');
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add('childWorkflow', 2);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        memoUpdates++;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER)
          localActivityTasks.add(String(e.markerRecordedEventAttributes.workflowTaskCompletedEventId ?? ''));
        break;
    }
  }
  if (localActivityTasks.size) add('localActivities', localActivityTasks.size);
  return { actions: sumOf(byKind), byKind, memoUpdates };
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
  /** From scheduling the run's wait in the room to the gate's answer. */
  waitMs: number;
  /** Activities (and local activities) the run scheduled in between. */
  activitiesWhileWaiting: number;
  /** Timers the run started in between (each one a billed action). */
  timersWhileWaiting: number;
}

/**
 * A remediation run's first wait for capacity, or undefined when the run never waited or was never
 * answered. What a run does while it waits is what a storm of thousands of waiting runs
 * multiplies: ideally nothing at all.
 */
export function capacityWait(history: History): CapacityWait | undefined {
  const all = events(history);
  const queuedAt = all.findIndex((e) => scheduledActivityType(e) === WAIT_ACTIVITY_TYPE);
  if (queuedAt < 0) return undefined;
  const scheduledId = String(all[queuedAt]!.eventId);
  const answeredAt = all.findIndex(
    (e, i) =>
      i > queuedAt &&
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
      String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === scheduledId,
  );
  if (answeredAt < 0) return undefined;
  const between = all.slice(queuedAt + 1, answeredAt);
  return {
    waitMs: Math.max(0, eventTimeMs(all[answeredAt]!) - eventTimeMs(all[queuedAt]!)),
    activitiesWhileWaiting: between.filter((e) => scheduledActivityType(e) !== undefined).length,
    timersWhileWaiting: between.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED).length,
  };
}

export interface MaxMean {
  max: number;
  mean: number;
}

export interface WaitingRunFigures {
  /** Runs whose wait was found (sampled runs that waited and were answered). */
  waitingRunsSampled: number;
  activitiesPerWaitingRunPerHour: MaxMean | null;
  timersPerWaitingRunPerHour: MaxMean | null;
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
    timersPerWaitingRunPerHour: perHour((w) => w.timersWhileWaiting),
    activitiesWhileWaiting: maxMean(waits.map((w) => w.activitiesWhileWaiting)),
    meanWaitSeconds:
      waits.length === 0 ? null : round(waits.reduce((sum, w) => sum + w.waitMs, 0) / waits.length / 1000),
    waitsShorterThanAMinute: waits.filter((w) => w.waitMs < 60_000).length,
  };
}
