/**
 * The quota-storm benchmark's history figures (bench/storm/figures.ts), on hand-built histories:
 * each figure is what the benchmark claims at storm scale, so each is checked on a history small
 * enough to count by eye.
 */
import { temporal } from '@temporalio/proto';
import {
  capacityWait,
  gateHealth,
  historyLength,
  startedInputBytes,
  temporalActions,
  waitingRunFigures,
  workflowTaskFailures,
  type History,
} from '../../bench/storm/figures';

const { EventType } = temporal.api.enums.v1;
/** Plain event objects: History.fromObject turns them into protobuf messages (int64 as Long). */
type Event = Record<string, unknown>;

const T0 = 1_800_000_000; // epoch seconds
let nextId = 1;

function event(type: temporal.api.enums.v1.EventType, atSeconds: number, attributes: Event = {}): Event {
  return {
    eventId: nextId++,
    eventType: type,
    eventTime: { seconds: T0 + atSeconds, nanos: 0 },
    ...attributes,
  };
}

const history = (...events: Event[]): History => temporal.api.history.v1.History.fromObject({ events });

const started = (at: number, ...payloadBytes: number[]) =>
  event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, at, {
    workflowExecutionStartedEventAttributes: {
      input: { payloads: payloadBytes.map((n) => ({ data: new Uint8Array(n) })) },
    },
  });
const taskFailed = (
  at: number,
  cause = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
) => event(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, at, { workflowTaskFailedEventAttributes: { cause } });
const taskCompleted = (at: number) => event(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, at);
const activity = (at: number, name: string) =>
  event(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, at, {
    activityTaskScheduledEventAttributes: { activityType: { name } },
  });
const activityCompleted = (at: number) => event(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, at);
const localActivity = (at: number, activityType: string) =>
  event(EventType.EVENT_TYPE_MARKER_RECORDED, at, {
    markerRecordedEventAttributes: {
      markerName: 'core_local_activity',
      details: {
        data: {
          payloads: [{ data: Buffer.from(JSON.stringify({ seq: 1, activity_type: activityType })) }],
        },
      },
    },
  });
const otherMarker = (at: number) =>
  event(EventType.EVENT_TYPE_MARKER_RECORDED, at, {
    markerRecordedEventAttributes: { markerName: 'Version' },
  });
const signal = (at: number, signalName: string) =>
  event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, at, {
    workflowExecutionSignaledEventAttributes: { signalName },
  });
const timer = (at: number) => event(EventType.EVENT_TYPE_TIMER_STARTED, at);

const taskTimedOut = (at: number) => event(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, at);
const completedOf = (at: number, scheduledEventId: number) =>
  event(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, at, {
    activityTaskCompletedEventAttributes: { scheduledEventId },
  });
const activityStarted = (at: number, attempt: number) =>
  event(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, at, { activityTaskStartedEventAttributes: { attempt } });
const upsert = (at: number) => event(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, at);
const memo = (at: number) => event(EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, at);
const update = (at: number) => event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, at);
const child = (at: number) => event(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, at);
const localActivityIn = (at: number, activityType: string, workflowTaskCompletedEventId: number) => ({
  ...localActivity(at, activityType),
  markerRecordedEventAttributes: {
    ...(localActivity(at, activityType).markerRecordedEventAttributes as object),
    workflowTaskCompletedEventId,
  },
});
/** The event id the next `event()` gets. */
const nextEventId = () => nextId;

describe('gate health', () => {
  const gateRun1 = history(
    started(0, 100),
    taskCompleted(1),
    taskFailed(2),
    taskTimedOut(2),
    taskFailed(3),
    taskCompleted(4),
  );
  const gateRun2 = history(
    started(5, 300, 20),
    taskCompleted(6),
    taskFailed(
      7,
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
    ),
    signal(8, 'something'),
    update(9),
  );

  it('counts WORKFLOW_TASK_FAILED, history length and started input bytes of one run', () => {
    expect(workflowTaskFailures(gateRun1)).toBe(2);
    expect(historyLength(gateRun1)).toBe(6);
    expect(startedInputBytes(gateRun2)).toBe(320);
    expect(startedInputBytes(history())).toBe(0);
  });

  it('sums failures, timeouts and messages over the gate runs, with the longest history and carried state', () => {
    const figures = gateHealth([
      { workflowId: 'task-capacity-i', history: gateRun1 },
      { workflowId: 'task-capacity-i', history: gateRun2 },
    ]);
    expect(figures).toEqual({
      gateWorkflowTaskFailures: 3,
      gateWorkflowTaskFailureCauses: { UNHANDLED_COMMAND: 2, NON_DETERMINISTIC_ERROR: 1 },
      gateWorkflowTaskTimeouts: 1,
      gateMessagesReceived: 2,
      gateMaxHistoryLength: 6,
      gateRuns: 2,
      largestCarriedStateBytes: 320,
    });
  });

  it('is all zeros without runs', () => {
    expect(gateHealth([])).toEqual({
      gateWorkflowTaskFailures: 0,
      gateWorkflowTaskFailureCauses: {},
      gateWorkflowTaskTimeouts: 0,
      gateMessagesReceived: 0,
      gateMaxHistoryLength: 0,
      gateRuns: 0,
      largestCarriedStateBytes: 0,
    });
  });
});

describe('Temporal actions of a history', () => {
  it('counts as Temporal prices: start, signal, Update, activity and retries, timer, upsert, child 2, local activities per task', () => {
    const run = history(
      started(0),
      taskCompleted(1),
      localActivityIn(1, 'resolvePolicy', 3),
      localActivityIn(1, 'ensureCapacityGate', 3), // the same workflow task: one action
      upsert(1),
      memo(1),
      activity(2, 'awaitTaskCapacity'),
      activityStarted(3, 1),
      activity(4, 'startTaskContact'),
      activityStarted(5, 3), // two retries
      localActivityIn(6, 'cachedRule', 9), // another workflow task
      timer(7),
      signal(8, 'retry'),
      update(9),
      child(10),
      upsert(11),
      memo(11),
    );
    expect(temporalActions(run)).toEqual({
      actions: 1 + 2 + 2 + 2 + 1 + 1 + 1 + 2 + 2,
      byKind: {
        start: 1,
        localActivities: 2,
        upsert: 2,
        activity: 2,
        activityRetry: 2,
        timer: 1,
        signal: 1,
        update: 1,
        childWorkflow: 2,
      },
      memoUpdates: 2,
    });
  });
});

describe('capacity wait of a remediation run', () => {
  it('from the wait in the room to its answer: activities and timers in between', () => {
    const waitId = nextEventId() + 2;
    const run = history(
      started(0),
      activity(1, 'resolvePolicy'), // before the wait: not counted
      activity(2, 'awaitTaskCapacity'), // starts the wait (id waitId), itself not counted
      activityCompleted(3), // resolvePolicy's
      timer(600),
      localActivity(1200, 'ensureCapacityGate'),
      otherMarker(1300), // a marker of another kind is no activity
      completedOf(1802, waitId), // the gate's answer: 1800 s
      activity(1803, 'startTaskContact'), // after the wait: not counted
    );
    expect(capacityWait(run)).toEqual({
      waitMs: 1_800_000,
      activitiesWhileWaiting: 1,
      timersWhileWaiting: 1,
    });
  });

  it('is undefined for a run that never waited or was never answered', () => {
    expect(capacityWait(history(started(0), activity(1, 'startTaskContact')))).toBeUndefined();
    expect(capacityWait(history(started(0), activity(1, 'awaitTaskCapacity'), timer(2)))).toBeUndefined();
  });
});

describe('waiting-run figures', () => {
  it('per hour over timed waits, raw counts and mean wait over all, short waits counted', () => {
    const figures = waitingRunFigures([
      { waitMs: 3_600_000, activitiesWhileWaiting: 4, timersWhileWaiting: 2 }, // 4/h, 2/h
      { waitMs: 1_800_000, activitiesWhileWaiting: 1, timersWhileWaiting: 0 }, // 2/h, 0/h
      { waitMs: 30_000, activitiesWhileWaiting: 0, timersWhileWaiting: 0 }, // 0/h
      { waitMs: 0, activitiesWhileWaiting: 1, timersWhileWaiting: 1 }, // no rate
    ]);
    expect(figures).toEqual({
      waitingRunsSampled: 4,
      activitiesPerWaitingRunPerHour: { max: 4, mean: 2 },
      timersPerWaitingRunPerHour: { max: 2, mean: 0.667 },
      activitiesWhileWaiting: { max: 4, mean: 1.5 },
      meanWaitSeconds: 1357.5,
      waitsShorterThanAMinute: 2,
    });
  });

  it('is null without waits', () => {
    expect(waitingRunFigures([])).toEqual({
      waitingRunsSampled: 0,
      activitiesPerWaitingRunPerHour: null,
      timersPerWaitingRunPerHour: null,
      activitiesWhileWaiting: null,
      meanWaitSeconds: null,
      waitsShorterThanAMinute: 0,
    });
  });
});
