/**
 * The capacity gate's edges: a wait bounded by maxWait, an operator answering a queued run, and a
 * long storm that continues the gate as new with its queue intact.
 */
import fs from 'node:fs';
import { temporal } from '@temporalio/proto';
import {
  CAPACITY_GATE_WORKFLOW_TYPE,
  capacityGateStatusQuery,
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
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import { recordHistory } from '../helpers/histories';
import { eventually, waitForPhase } from '../helpers/wait';

const EventType = temporal.api.enums.v1.EventType;

let stack: RemediationStack;
let fullForever: StormInstance;
let longStorm: StormInstance;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'gate' });
  fullForever = await addStormInstance(stack.simulator.admin, 1);
  await fillToQuota(stack.simulator.endpoint, fullForever, 1); // and its task never completes
  longStorm = await addStormInstance(stack.simulator.admin, 2);
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [
        capacityPolicy('never-capacity', fullForever.instanceId, { maxWait: '3s', quota: 1 }),
        capacityPolicy('long-storm', longStorm.instanceId, { quota: 2 }),
      ],
    }),
  );
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
});
afterAll(() => stack.stop());

const gateOf = (instance: StormInstance) =>
  stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));

test('no capacity within maxWait: the run leaves the queue and escalates', async () => {
  const [event] = quotaFailureEvents(fullForever, 1, 1);
  const handle = await stack.start(event!);
  await waitForPhase(handle, 'waiting-capacity');
  await waitForPhase(handle, 'awaiting-operator', 20_000);
  expect(await gateOf(fullForever).query(capacityGateStatusQuery)).toMatchObject({
    queueLength: 0,
    inFlight: 0,
  });
  await handle.signal(resolveSignal, { note: 'asked AWS for a quota increase' });
  const result = (await handle.result()) as RemediationResult;
  expect(result.escalations[0]!.reason).toMatch(/No task capacity within 3s/);
  expect(result.attempts).toHaveLength(0);
});

test('an operator answering a queued run takes it out of the queue', async () => {
  const events = quotaFailureEvents(fullForever, 2, 1);
  const handles = await Promise.all(events.map((e) => stack.start(e)));
  await eventually(
    async () => (await gateOf(fullForever).query(capacityGateStatusQuery)).queueLength === 2,
    'both runs queued',
  );
  const status = await handles[1]!.query(statusQuery);
  expect(status.capacity?.waitingSince).toBeDefined();
  await handles[0]!.signal(resolveSignal, { note: 'created the task by hand' });
  expect(((await handles[0]!.result()) as RemediationResult).outcome).toBe('resolved');
  await eventually(
    async () => (await gateOf(fullForever).query(capacityGateStatusQuery)).queueLength === 1,
    'one run left',
  );
  await handles[1]!.signal(resolveSignal, {});
  await handles[1]!.result();
});

test('a long storm continues the gate as new, carrying its queue, and every run still recovers once', async () => {
  // Start the gate ourselves with a low history limit, so this storm crosses it several times.
  await stack.temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: stack.taskQueue,
    workflowId: capacityGateWorkflowId(longStorm.instanceId),
    args: [{ instanceId: longStorm.instanceId, maxHistoryEvents: 120 }],
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

  const { tasks } = await stack.simulator.admin.state({ instanceId: longStorm.instanceId });
  const reissued = tasks.filter((t) => t.request.Attributes?.remediatedEventId);
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
  // Every hand-over went through the first time: the server refused no continue-as-new (runs
  // joined and released permits all along).
  const gateRuns = runs.map((r) =>
    stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(longStorm.instanceId), r.runId),
  );
  const histories = await Promise.all(gateRuns.map((h) => h.fetchHistory()));
  const failed = histories.flatMap((h) =>
    (h.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
  );
  expect(failed).toEqual([]);
  await recordHistory('capacity-gate-continued-as-new', gateRuns[runs.indexOf(handedOver[0]!)]!);
}, 120_000);
