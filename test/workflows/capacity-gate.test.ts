/**
 * The capacity gate's edges: a wait bounded by maxWait, an operator answering a queued run, the
 * waiting room's priority order, and a long storm that continues the gate as new.
 */
import fs from 'node:fs';
import { temporal } from '@temporalio/proto';
import {
  CAPACITY_GATE_WORKFLOW_TYPE,
  capacityGateStatusQuery,
  capacityGateTaskQueue,
  capacityGateWorkflowId,
  resolveSignal,
  statusQuery,
  type RemediationResult,
} from '../../workflows/definitions';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvent,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import { recordHistory } from '../helpers/histories';
import { eventually, waitForPhase } from '../helpers/wait';

const EventType = temporal.api.enums.v1.EventType;

let stack: RemediationStack;
let fullForever: StormInstance;
let answered: StormInstance;
let prioritized: StormInstance;
let longStorm: StormInstance;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'gate' });
  const admin = stack.simulator.admin;
  fullForever = await addStormInstance(admin, 1);
  answered = await addStormInstance(admin, 1);
  prioritized = await addStormInstance(admin, 1);
  longStorm = await addStormInstance(admin, 2);
  for (const instance of [fullForever, answered, prioritized])
    await fillToQuota(stack.simulator.endpoint, instance, 1);
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [
        capacityPolicy('never-capacity', fullForever.instanceId, { maxWait: '3s', quota: 1 }),
        capacityPolicy('answered', answered.instanceId, { quota: 1 }),
        // First in file order: the instance's setting comes from it; the urgent ones go first.
        {
          ...capacityPolicy('urgent', prioritized.instanceId, { quota: 1, priority: 2 }),
          when: {
            reasonCode: 'ServiceQuotaExceededException',
            instanceId: prioritized.instanceId,
            errorMatches: 'urgent',
          },
        },
        capacityPolicy('routine', prioritized.instanceId, { quota: 1 }),
        capacityPolicy('long-storm', longStorm.instanceId, { quota: 2 }),
      ],
    }),
  );
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
});
afterAll(() => stack.stop());

const gateOf = (instance: StormInstance) =>
  stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));

const reissuedTasks = async (instance: StormInstance) =>
  (await stack.simulator.admin.state({ instanceId: instance.instanceId })).tasks.filter(
    (t) => t.request.Attributes?.remediatedEventId,
  );

test('no capacity within maxWait: the run leaves the queue and escalates', async () => {
  const [event] = quotaFailureEvents(fullForever, 1, 1);
  const handle = await stack.start(event!);
  await waitForPhase(handle, 'waiting-capacity');
  await waitForPhase(handle, 'awaiting-operator', 20_000);
  const gate = await gateOf(fullForever).query(capacityGateStatusQuery);
  expect(gate).toMatchObject({
    inFlight: 0,
    lastOpenTasks: 1,
    settings: { quota: 1, policy: 'never-capacity' },
  });
  expect(gate.stats.created).toBe(0);
  await handle.signal(resolveSignal, { note: 'asked AWS for a quota increase' });
  const result = (await handle.result()) as RemediationResult;
  expect(result.escalations[0]!.reason).toMatch(/No task capacity within 3s/);
  expect(result.attempts).toHaveLength(0);
  expect(await reissuedTasks(fullForever)).toEqual([]);
});

test('an operator answering a queued run takes it out of the room: capacity then goes to the next run', async () => {
  const events = quotaFailureEvents(answered, 2, 1);
  const handles = [];
  for (const event of events) {
    const handle = await stack.start(event);
    await waitForPhase(handle, 'waiting-capacity');
    handles.push(handle);
  }
  expect((await handles[1]!.query(statusQuery)).capacity?.waitingSince).toBeDefined();
  await handles[0]!.signal(resolveSignal, { note: 'created the task by hand' });
  expect(((await handles[0]!.result()) as RemediationResult).outcome).toBe('resolved');
  // One slot frees: it goes to the run still waiting, not to the one that left.
  await stack.simulator.admin.completeOldestTasks({ instanceId: answered.instanceId, count: 1 });
  expect(((await handles[1]!.result()) as RemediationResult).outcome).toBe('recovered');
  const reissued = await reissuedTasks(answered);
  expect(reissued.map((t) => t.request.Attributes!.remediatedEventId)).toEqual([events[1]!.id]);
});

test('higher priority is admitted first, whatever the arrival order', async () => {
  const routine = quotaFailureEvents(prioritized, 3, 1);
  const urgent = [1, 2, 3].map(() => {
    const event = quotaFailureEvent(prioritized, 1);
    return { ...event, detail: { ...event.detail, error: `${event.detail.error} (urgent)` } };
  });
  // The routine runs queue first.
  for (const event of [...routine, ...urgent])
    await waitForPhase(await stack.start(event), 'waiting-capacity');
  // One slot at a time: each admission fills it again, so the order of tasks is the admission order.
  for (let n = 1; n <= 6; n++) {
    await stack.simulator.admin.completeOldestTasks({ instanceId: prioritized.instanceId, count: 1 });
    await eventually(async () => (await reissuedTasks(prioritized)).length === n, `admission ${n}`);
  }
  const order = (await reissuedTasks(prioritized)).map((t) => t.request.Attributes!.remediatedEventId);
  expect(order.slice(0, 3).sort()).toEqual(urgent.map((e) => e.id).sort());
  expect(order.slice(3)).toEqual(routine.map((e) => e.id));
}, 90_000);

test('a long storm continues the gate as new, carrying almost nothing, and every run recovers once', async () => {
  // Start the gate ourselves with a low history limit, so this storm crosses it several times.
  await stack.temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: capacityGateTaskQueue(stack.taskQueue),
    workflowId: capacityGateWorkflowId(longStorm.instanceId),
    args: [{ instanceId: longStorm.instanceId, taskQueue: stack.taskQueue, maxHistoryEvents: 120 }],
  });
  await fillToQuota(stack.simulator.endpoint, longStorm, 2);
  // Tasks of this instance finish at a steady rate (agents working them).
  const agents = setInterval(() => {
    void stack.simulator.admin
      .completeOldestTasks({ instanceId: longStorm.instanceId, count: 1 })
      .catch(() => undefined);
  }, 150);
  const events = quotaFailureEvents(longStorm, 20, 2);
  const handles = await Promise.all(events.map((e) => stack.start(e)));
  const results = (await Promise.all(handles.map((h) => h.result())).finally(() =>
    clearInterval(agents),
  )) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));

  const reissued = await reissuedTasks(longStorm);
  expect(new Set(reissued.map((t) => t.request.Attributes!.remediatedEventId)).size).toBe(20);
  expect(reissued).toHaveLength(20);
  expect((await stack.simulator.admin.instance(longStorm.instanceId)).peakOpenTasks).toBeLessThanOrEqual(2);

  // The gate continued as new along the way, and no run of it grew far past the limit.
  const runs: { status: string; historyLength: number; runId: string }[] = [];
  for await (const run of stack.temporal.client.workflow.list({
    query: `WorkflowId = '${capacityGateWorkflowId(longStorm.instanceId)}'`,
  })) {
    runs.push({ status: run.status.name, historyLength: run.historyLength, runId: run.runId });
  }
  const handedOver = runs.filter((r) => r.status === 'CONTINUED_AS_NEW');
  expect(handedOver.length).toBeGreaterThanOrEqual(1);
  for (const run of runs) expect(run.historyLength).toBeLessThan(400);
  const gateRuns = runs.map((r) =>
    stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(longStorm.instanceId), r.runId),
  );
  const histories = await Promise.all(gateRuns.map((h) => h.fetchHistory()));
  const events_ = histories.flatMap((h) => h.events ?? []);
  // Nothing is ever sent to the gate, and no workflow task of it failed.
  expect(events_.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toEqual([]);
  expect(
    events_.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ||
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    ),
  ).toEqual([]);
  // What it carries across continue-as-new stays small.
  const carried = histories
    .map(
      (h) => h.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0,
    )
    .reduce((a, b) => Math.max(a, b), 0);
  expect(carried).toBeLessThan(2_000);
  await recordHistory('capacity-gate-continued-as-new', gateRuns[runs.indexOf(handedOver[0]!)]!);
}, 120_000);
