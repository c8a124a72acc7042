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

describe('gate health', () => {
  const gateRun1 = history(started(0, 100), taskCompleted(1), taskFailed(2), taskFailed(3), taskCompleted(4));
  const gateRun2 = history(started(5, 300, 20), taskCompleted(6));
  const chunk1 = history(
    started(3, 10_000),
    taskFailed(
      4,
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
    ),
    taskCompleted(5),
    timer(5),
    taskCompleted(6),
    timer(6),
  );
  const chunk1Again = history(started(7, 50));
  const chunk2 = history(started(4, 10));

  it('counts WORKFLOW_TASK_FAILED, history length and started input bytes of one run', () => {
    expect(workflowTaskFailures(gateRun1)).toBe(2);
    expect(historyLength(gateRun1)).toBe(5);
    expect(startedInputBytes(gateRun2)).toBe(320);
    expect(startedInputBytes(history())).toBe(0);
  });

  it('sums failures over gate and chunk runs, takes the longest history, carried state of gate runs only', () => {
    const figures = gateHealth(
      [
        { workflowId: 'task-capacity-i', history: gateRun1 },
        { workflowId: 'task-capacity-i', history: gateRun2 },
      ],
      [
        { workflowId: 'task-capacity-i-overflow-1', history: chunk1 },
        { workflowId: 'task-capacity-i-overflow-1', history: chunk1Again },
        { workflowId: 'task-capacity-i-overflow-2', history: chunk2 },
      ],
    );
    expect(figures).toEqual({
      gateWorkflowTaskFailures: 3,
      gateWorkflowTaskFailureCauses: { UNHANDLED_COMMAND: 2, NON_DETERMINISTIC_ERROR: 1 },
      gateMaxHistoryLength: 6, // chunk1
      gateRuns: 2,
      largestCarriedStateBytes: 320, // gateRun2: the chunk's 10 000-byte input is not the gate's state
      overflowChunks: 2,
      overflowChunkRuns: 3,
    });
  });

  it('is all zeros without runs', () => {
    expect(gateHealth([], [])).toEqual({
      gateWorkflowTaskFailures: 0,
      gateWorkflowTaskFailureCauses: {},
      gateMaxHistoryLength: 0,
      gateRuns: 0,
      largestCarriedStateBytes: 0,
      overflowChunks: 0,
      overflowChunkRuns: 0,
    });
  });
});

describe('capacity wait of a remediation run', () => {
  it('counts activities and local activities between the first enqueue and the grant, queries apart', () => {
    const run = history(
      started(0),
      activity(1, 'resolvePolicy'), // before the wait: not counted
      activityCompleted(1),
      activity(2, 'enqueueForCapacity'), // starts the wait, itself not counted
      activityCompleted(2),
      timer(2),
      activity(600, 'capacityQueuePosition'),
      activityCompleted(600),
      localActivity(1200, 'capacityQueuePosition'),
      otherMarker(1300), // a patch marker is no activity
      activity(1500, 'enqueueForCapacity'), // a second enqueue while waiting counts
      signal(1700, 'withdraw-unrelated'),
      signal(1802, 'capacityGranted'), // ends the wait: 1800 s
      activity(1803, 'describeRule'), // after the wait: not counted
      signal(1900, 'capacityGranted'),
    );
    expect(capacityWait(run)).toEqual({
      waitMs: 1_800_000,
      activitiesWhileWaiting: 3,
      gateQueriesWhileWaiting: 2,
    });
  });

  it('starts the wait at joinCapacityGate, also as a local activity', () => {
    expect(
      capacityWait(history(started(0), localActivity(10, 'joinCapacityGate'), signal(70, 'capacityGranted'))),
    ).toEqual({ waitMs: 60_000, activitiesWhileWaiting: 0, gateQueriesWhileWaiting: 0 });
    expect(
      capacityWait(
        history(started(0), activity(10, 'joinCapacityGate'), timer(10), signal(40, 'capacityGranted')),
      ),
    ).toEqual({ waitMs: 30_000, activitiesWhileWaiting: 0, gateQueriesWhileWaiting: 0 });
  });

  it('is undefined for a run that never queued or was never granted', () => {
    expect(capacityWait(history(started(0), signal(1, 'capacityGranted')))).toBeUndefined();
    expect(capacityWait(history(started(0), activity(1, 'enqueueForCapacity'), timer(2)))).toBeUndefined();
  });
});

describe('waiting-run figures', () => {
  it('per hour over timed waits, raw counts and mean wait over all, short waits counted', () => {
    const figures = waitingRunFigures([
      { waitMs: 3_600_000, activitiesWhileWaiting: 4, gateQueriesWhileWaiting: 2 }, // 4/h, 2/h
      { waitMs: 1_800_000, activitiesWhileWaiting: 1, gateQueriesWhileWaiting: 0 }, // 2/h, 0/h
      { waitMs: 30_000, activitiesWhileWaiting: 0, gateQueriesWhileWaiting: 0 }, // 0/h
      { waitMs: 0, activitiesWhileWaiting: 1, gateQueriesWhileWaiting: 1 }, // no rate
    ]);
    expect(figures).toEqual({
      waitingRunsSampled: 4,
      activitiesPerWaitingRunPerHour: { max: 4, mean: 2 },
      queriesPerWaitingRunPerHour: { max: 2, mean: 0.667 },
      activitiesWhileWaiting: { max: 4, mean: 1.5 },
      meanWaitSeconds: 1357.5,
      waitsShorterThanAMinute: 2,
    });
  });

  it('is null without waits', () => {
    expect(waitingRunFigures([])).toEqual({
      waitingRunsSampled: 0,
      activitiesPerWaitingRunPerHour: null,
      queriesPerWaitingRunPerHour: null,
      activitiesWhileWaiting: null,
      meanWaitSeconds: null,
      waitsShorterThanAMinute: 0,
    });
  });
});
