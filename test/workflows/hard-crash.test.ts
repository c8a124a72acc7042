/**
 * Hard crashes: the worker is a separate `connect-remediator worker` process killed with SIGKILL
 * while a StartTaskContact is in flight (the simulator holds the answer back). AWS creates the
 * task after the worker is gone, and nobody reports the activity's completion — the case the
 * ClientToken exists for. A new worker must finish every run with exactly one task per event, and
 * the capacity gate must end with nothing out.
 */
import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEED } from '../../simulator';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import {
  CAPACITY_GATE_WORKFLOW_TYPE,
  capacityGateStatusQuery,
  capacityGateTaskQueue,
  capacityGateWorkflowId,
  type RemediationResult,
} from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import type { CliProcess } from '../helpers/processes';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually } from '../helpers/wait';
import { killHard, startWorkerProcess } from '../helpers/worker-process';

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
/** Long enough to kill the worker while the call is in flight; AWS answers after it is gone. */
const SLOW_CONNECT_MS = 3_000;
const QUOTA = 3;

let stack: RemediationStack;
let storm: StormInstance;
let worker: CliProcess | undefined;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'hard-crash' });
  storm = await addStormInstance(stack.simulator.admin, QUOTA);
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [capacityPolicy('crash-storm', storm.instanceId, { maxWait: '5m', quota: QUOTA })],
    }),
  );
  // Only the worker process serves the queue until it is killed; an in-process one replaces it.
  await stack.stopWorker();
}, 60_000);
afterEach(async () => {
  await stack.simulator.admin.clearFaults();
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
});
afterAll(() => stack.stop());

/** True once the run has an activity of `type` that a worker (or the gate) took and has not answered. */
async function inFlight(
  handle: WorkflowHandle,
  type: 'startTaskContact' | 'awaitTaskCapacity',
): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some((a) => a.activityType?.name === type && a.state === STARTED);
}

/** True while the simulator holds a StartTaskContact it has not answered (the injected latency). */
async function startTaskContactAtAws(): Promise<boolean> {
  const { requestsInProgress } = await stack.simulator.admin.state({ tasks: 'none', log: 0 });
  return (requestsInProgress.StartTaskContact ?? 0) > 0;
}

async function tasksFor(instanceId: string, eventIds: string[]): Promise<number[]> {
  const { tasks } = await stack.simulator.admin.state({ instanceId });
  return eventIds.map((id) => tasks.filter((t) => t.request.Attributes?.remediatedEventId === id).length);
}

test('SIGKILL during a retry, StartTaskContact in flight: a new worker finishes the run with one task', async () => {
  worker = await startWorkerProcess(stack);
  await stack.simulator.admin.injectFaults({ latencyMs: { StartTaskContact: SLOW_CONNECT_MS } });
  const event = failureEvent({
    ruleId: SEED.rules.followUpTask,
    reasonCode: 'ThrottlingException',
    additionalInfo: JSON.stringify({ retryable: true, retryDelay: 500 }),
  });
  const handle = await stack.start(event);
  await eventually(() => inFlight(handle, 'startTaskContact'), 'the re-issue to be in flight', 60_000);
  // Started in Temporal is not yet at AWS (the activity reads the rule first): kill once AWS has it.
  await eventually(() => startTaskContactAtAws(), 'StartTaskContact to reach AWS', 30_000);
  await killHard(worker);

  // AWS answers the dead worker: the task exists, the run does not know (its activity is pending).
  await eventually(
    async () => (await tasksFor(SEED.instanceId, [event.id]))[0] === 1,
    'the task to be created after the worker died',
  );
  expect(await inFlight(handle, 'startTaskContact')).toBe(true);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  await stack.simulator.admin.clearFaults();
  await stack.startWorker('replacement-after-sigkill');
  // The attempt times out (startToClose) and is retried with the same ClientToken: the same task.
  const result = (await handle.result()) as RemediationResult;
  expect(result.outcome).toBe('recovered');
  expect(await tasksFor(SEED.instanceId, [event.id])).toEqual([1]);
  const { tasks } = await stack.simulator.admin.state({ instanceId: SEED.instanceId });
  const task = tasks.find((t) => t.request.Attributes?.remediatedEventId === event.id)!;
  expect(result.attempts.at(-1)).toMatchObject({ ok: true, resultId: task.contactId });
}, 150_000);

test('SIGKILL while the gate re-issues for waiting runs: one task per event, and the gate ends with nothing out', async () => {
  await stack.stopWorker();
  // A low history limit: the gate also continues as new around the crash.
  const gate = await stack.temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: capacityGateTaskQueue(stack.taskQueue),
    workflowId: capacityGateWorkflowId(storm.instanceId),
    args: [{ instanceId: storm.instanceId, taskQueue: stack.taskQueue, maxHistoryEvents: 200 }],
  });
  worker = await startWorkerProcess(stack);
  await fillToQuota(stack.simulator.endpoint, storm, QUOTA);
  await stack.simulator.admin.injectFaults({ latencyMs: { StartTaskContact: SLOW_CONNECT_MS } });
  const agents = setInterval(() => {
    void stack.simulator.admin
      .completeOldestTasks({ instanceId: storm.instanceId, count: 1 })
      .catch(() => {});
  }, 500);
  try {
    const events = quotaFailureEvents(storm, 6, QUOTA);
    const handles = await Promise.all(events.map((event) => stack.start(event)));
    // A run the gate took from the room, its StartTaskContact at AWS (3 s to answer).
    const takenIndex = await eventually(
      async () => {
        for (const [i, handle] of handles.entries())
          if (await inFlight(handle, 'awaitTaskCapacity')) return i;
        return undefined;
      },
      'a run taken by the gate, its re-issue in flight',
      60_000,
    );
    await eventually(() => startTaskContactAtAws(), 'a re-issue to reach AWS', 30_000);
    await killHard(worker);
    // That run is gone for good (an operator terminated it while the worker was down): the
    // re-issue the gate retries must see it and make no second call for it.
    const taken = handles[takenIndex]!;
    await taken.terminate('gone while its re-issue was in flight');
    await stack.simulator.admin.clearFaults();
    await stack.startWorker('replacement-after-sigkill');

    const others = handles.filter((_, i) => i !== takenIndex);
    const results = (await Promise.all(others.map((h) => h.result()))) as RemediationResult[];
    expect(results.map((r) => r.outcome)).toEqual(others.map(() => 'recovered'));
    const otherIds = events.filter((_, i) => i !== takenIndex).map((e) => e.id);
    expect(await tasksFor(storm.instanceId, otherIds)).toEqual(otherIds.map(() => 1));
    // Its call reached AWS before the crash: at most its one task, never a second.
    expect((await tasksFor(storm.instanceId, [events[takenIndex]!.id]))[0]).toBeLessThanOrEqual(1);

    const status = await eventually(
      async () => {
        const s = await gate.query(capacityGateStatusQuery);
        return s.inFlight === 0 && s.stats.created >= others.length ? s : undefined;
      },
      'the gate to have nothing out',
      60_000,
    );
    expect(status.stats.cancelled).toBeGreaterThanOrEqual(1);
    expect((await stack.simulator.admin.instance(storm.instanceId)).peakOpenTasks).toBeLessThanOrEqual(QUOTA);
  } finally {
    clearInterval(agents);
  }
}, 240_000);
