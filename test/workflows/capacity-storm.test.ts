/**
 * Task-quota storms: Q = 3, N = 30 quota failures at once. Every run must end recovered with
 * exactly one task, open tasks must never pass Q, and with the metrics source no run may re-issue
 * while the gate holds it back (not a single quota error on re-issue).
 */
import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  capacityGateStatusQuery,
  capacityGateWorkflowId,
  type RemediationResult,
} from '../../workflows/definitions';
import { recordHistory } from '../helpers/histories';
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
import { expectStormHistoriesReplay } from '../helpers/storm-replay';
import { eventually } from '../helpers/wait';

const QUOTA = 3;
const EVENTS = 30;
const TASK_LIFETIME_MS = 300;

let stack: RemediationStack;
let metricsInstance: StormInstance;
let probeInstance: StormInstance;
let crashInstance: StormInstance;

const quotaPolicy = (name: string, instance: StormInstance, source: 'metrics' | 'probe') =>
  capacityPolicy(name, instance.instanceId, { source, quota: QUOTA });

beforeAll(async () => {
  // Policies name the storm instances, which exist only once the simulator runs: write them, then reload.
  const bootstrap = await startRemediationStack({ name: 'storm' });
  const admin = bootstrap.simulator.admin;
  metricsInstance = await addStormInstance(admin, QUOTA);
  probeInstance = await addStormInstance(admin, QUOTA);
  crashInstance = await addStormInstance(admin, QUOTA);
  fs.writeFileSync(
    bootstrap.policiesFile,
    testSpeedPolicies({
      prepend: [
        quotaPolicy('storm-metrics', metricsInstance, 'metrics'),
        quotaPolicy('storm-probe', probeInstance, 'probe'),
        quotaPolicy('storm-crash', crashInstance, 'metrics'),
      ],
    }),
  );
  await bootstrap.worker.policies.reload();
  await admin.configure({ taskLifetimeMs: TASK_LIFETIME_MS });
  stack = bootstrap;
});
afterAll(() => stack.stop());

async function storm(instance: StormInstance) {
  await fillToQuota(stack.simulator.endpoint, instance, QUOTA);
  const counts = (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts;
  const before = counts.StartTaskContact;
  const listQueuesBefore = counts.ListQueues?.total ?? 0;
  const events = quotaFailureEvents(instance, EVENTS, QUOTA);
  const handles = await Promise.all(events.map((event) => stack.start(event)));
  return { events, handles, before, listQueuesBefore };
}

/** The results of every activity a workflow's history records, decoded. */
async function decodedResults(handle: WorkflowHandle): Promise<Record<string, unknown>[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    return payload?.data ? [defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload)] : [];
  });
}

async function tasksByEvent(instance: StormInstance): Promise<Map<string, number>> {
  const { tasks } = await stack.simulator.admin.state({ instanceId: instance.instanceId });
  const byEvent = new Map<string, number>();
  for (const task of tasks) {
    const eventId = task.request.Attributes?.remediatedEventId;
    if (eventId) byEvent.set(eventId, (byEvent.get(eventId) ?? 0) + 1);
  }
  return byEvent;
}

async function expectEveryRunRecoveredOnce(
  instance: StormInstance,
  handles: WorkflowHandle[],
  eventIds: string[],
) {
  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(eventIds.map(() => 'recovered'));
  const byEvent = await tasksByEvent(instance);
  expect(eventIds.map((id) => byEvent.get(id))).toEqual(eventIds.map(() => 1));
  const view = await stack.simulator.admin.instance(instance.instanceId);
  expect(view.peakOpenTasks).toBeLessThanOrEqual(QUOTA);
  return results;
}

test('metrics source: a 30-event storm on quota 3 drains with one task per run and no re-issue held back', async () => {
  const { events, handles, before, listQueuesBefore } = await storm(metricsInstance);
  await expectEveryRunRecoveredOnce(
    metricsInstance,
    handles,
    events.map((e) => e.id),
  );
  const counts = (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts;
  const after = counts.StartTaskContact!;
  // The gate read open tasks every second; the instance's queues were listed once.
  expect((counts.ListQueues?.total ?? 0) - listQueuesBefore).toBe(1);
  // Exactly one StartTaskContact per run: nobody re-issued before the gate let them.
  expect(after.total - (before?.total ?? 0)).toBe(EVENTS);
  expect(
    (after.errors.ServiceQuotaExceededException ?? 0) - (before?.errors.ServiceQuotaExceededException ?? 0),
  ).toBe(0);

  const gate = stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(metricsInstance.instanceId));
  const gateStatus = await gate.query(capacityGateStatusQuery);
  expect(gateStatus).toMatchObject({ stats: { created: EVENTS, quotaErrors: 0 }, inFlight: 0 });
  await recordHistory('capacity-waiter-recovered', handles[EVENTS - 1]!);
  await recordHistory('capacity-gate-metrics-storm', gate);
}, 120_000);

test('probe source (no metrics): AIMD admission drains the same storm without passing the quota', async () => {
  const { events, handles, before } = await storm(probeInstance);
  await expectEveryRunRecoveredOnce(
    probeInstance,
    handles,
    events.map((e) => e.id),
  );
  // The probe source really probed: no round of its gate read open tasks, and the gate says so.
  const gate = stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(probeInstance.instanceId));
  const rounds = (await decodedResults(gate)).filter((r) => 'roomEmpty' in r);
  expect(rounds.length).toBeGreaterThan(0);
  expect(rounds.filter((r) => 'openTasks' in r)).toEqual([]);
  const gateStatus = await gate.query(capacityGateStatusQuery);
  expect(gateStatus).toMatchObject({ settings: { source: 'probe' }, stats: { created: EVENTS } });
  expect(gateStatus.lastOpenTasks).toBeUndefined();
  const after = (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts.StartTaskContact!;
  const calls = after.total - (before?.total ?? 0);
  // Probing spends some calls finding the edge, but nowhere near a per-run retry loop.
  expect(calls).toBeGreaterThanOrEqual(EVENTS);
  expect(calls / EVENTS).toBeLessThan(2);
}, 120_000);

test('a worker shut down mid-storm (SIGKILL: hard-crash.test.ts): the next one finishes every run, with no duplicate task', async () => {
  const { events, handles } = await storm(crashInstance);
  await eventually(async () => {
    const byEvent = await tasksByEvent(crashInstance);
    return byEvent.size >= 9 || undefined;
  }, 'a third of the storm to drain');
  await stack.stopWorker();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await stack.startWorker('replacement-worker');
  await expectEveryRunRecoveredOnce(
    crashInstance,
    handles,
    events.map((e) => e.id),
  );
}, 120_000);

test('every gate history these storms produced, and a sample of their runs, replays', async () => {
  await expectStormHistoriesReplay(stack.temporal.client, [metricsInstance, probeInstance, crashInstance]);
}, 120_000);
