/**
 * The capacity gate at storm scale, against the real dev server: a waiting room of thousands that
 * the gate drains across many continue-as-new hand-overs carrying a few hundred bytes, answering
 * every waiter exactly once; a gate terminated by hand mid-storm, whose runs lose nothing and are
 * served by a new gate within their liveness interval; and slow re-issues that the gate counts as
 * out for as long as they take, without ever over-admitting.
 */
import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
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
import { GATE_MAX_IN_FLIGHT } from '../../workflows/capacity-definitions';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { workflowTaskFailureCauses } from '../../bench/storm/figures';
import { expectStormHistoriesReplay } from '../helpers/storm-replay';
import { eventually, waitForPhase } from '../helpers/wait';

const EventType = temporal.api.enums.v1.EventType;

let stack: RemediationStack;
let bulk: StormInstance;
let terminated: StormInstance;
let slow: StormInstance;

const policies = (bulkQuota: number) =>
  testSpeedPolicies({
    prepend: [
      capacityPolicy('bulk', bulk.instanceId, { quota: bulkQuota }),
      capacityPolicy('gate-terminated', terminated.instanceId, { quota: 2, livenessCheck: '2s' }),
      capacityPolicy('slow-reissue', slow.instanceId, { quota: 2 }),
    ],
  });

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'gate-scale' });
  const admin = stack.simulator.admin;
  bulk = await addStormInstance(admin, 1_000_000);
  terminated = await addStormInstance(admin, 2);
  slow = await addStormInstance(admin, 2);
  fs.writeFileSync(stack.policiesFile, policies(10));
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
});
afterAll(() => stack.stop());

const gateOf = (instance: StormInstance) =>
  stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));

/** Every run of a workflow id (continue-as-new chains), with its history. */
async function runsOf(workflowId: string) {
  const runs: temporal.api.history.v1.IHistory[] = [];
  for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push(await stack.temporal.client.workflow.getHandle(workflowId, run.runId).fetchHistory());
  return runs;
}

/** Samples the re-issues a gate has out until stopped; `max` is the most seen at once. */
function sampleInFlight(instance: StormInstance, everyMs: number) {
  let max = 0;
  const timer = setInterval(() => {
    void gateOf(instance)
      .query(capacityGateStatusQuery)
      .then((s) => (max = Math.max(max, s.inFlight)))
      .catch(() => undefined);
  }, everyMs);
  return {
    stop: () => clearInterval(timer),
    get max() {
      return max;
    },
  };
}

const reissuedEventIds = async (instance: StormInstance) =>
  (await stack.simulator.admin.state({ instanceId: instance.instanceId })).tasks
    .map((t) => t.request.Attributes?.remediatedEventId)
    .filter((id): id is string => id !== undefined);

test('thousands waiting: the gate drains the room across hand-overs carrying a few hundred bytes, each waiter once', async () => {
  const N = Number(process.env.CR_GATE_SCALE_N ?? 5_000);
  // Few waiting tasks per filler: each admission reads its run's pending activities.
  const PER_WORKFLOW = 50;
  const gateId = capacityGateWorkflowId(bulk.instanceId);
  await fillToQuota(stack.simulator.endpoint, bulk, 10); // quota 10 in the file: the room fills
  await stack.temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: capacityGateTaskQueue(stack.taskQueue),
    workflowId: gateId,
    args: [{ instanceId: bulk.instanceId, taskQueue: stack.taskQueue, maxHistoryEvents: 1_000 }],
  });
  const events = quotaFailureEvents(bulk, N, 10);
  const waiters = [];
  for (let i = 0; i < N; i += PER_WORKFLOW) {
    waiters.push(
      await stack.temporal.client.workflow.start('waitInRoom', {
        taskQueue: stack.taskQueue,
        workflowId: `room-filler-${bulk.instanceId}-${i}`,
        args: [
          {
            instanceId: bulk.instanceId,
            taskQueue: stack.taskQueue,
            events: events.slice(i, i + PER_WORKFLOW),
          },
        ],
      }),
    );
  }
  await eventually(
    async () => (await gateOf(bulk).query(capacityGateStatusQuery)).waiting === N,
    `all ${N} in the room`,
    300_000,
  );
  expect((await gateOf(bulk).query(capacityGateStatusQuery)).stats.created).toBe(0);

  // A policy edit raises the quota: the gate reads it at its next round and drains the room.
  // Re-issues out at once stay under the cap that keeps the gate's buffered events below
  // Temporal's force-close limit, and the drain reaches it (the cap is what paces it here).
  const inFlight = sampleInFlight(bulk, 50);
  fs.writeFileSync(stack.policiesFile, policies(1_000_000));
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
  const answered = (
    await Promise.all(waiters.map((w) => w.result() as Promise<string[]>)).finally(() => inFlight.stop())
  ).flat();
  expect(inFlight.max).toBeLessThanOrEqual(GATE_MAX_IN_FLIGHT);
  expect(inFlight.max).toBeGreaterThan(GATE_MAX_IN_FLIGHT / 2);
  expect(answered).toHaveLength(N);
  expect(new Set(answered).size).toBe(N);
  const reissued = await reissuedEventIds(bulk);
  expect(reissued).toHaveLength(N);
  expect(new Set(reissued)).toEqual(new Set(events.map((e) => e.id)));

  const runs = await runsOf(gateId);
  let largestCarried = 0;
  const failedTasks: Record<string, number> = {};
  let messages = 0;
  for (const history of runs) {
    for (const [cause, n] of Object.entries(workflowTaskFailureCauses(history)))
      failedTasks[cause] = (failedTasks[cause] ?? 0) + n;
    for (const event of history.events ?? []) {
      const input = event.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
      if (input) largestCarried = Math.max(largestCarried, input.length);
      if (
        event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ||
        event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
      )
        messages++;
    }
  }
  console.log(
    `${N} waiters: ${runs.length} gate runs, largest carried input ${largestCarried} B, at most ${inFlight.max} re-issues out`,
  );
  expect(runs.length).toBeGreaterThan(3); // it continued as new, many times
  expect(largestCarried).toBeLessThan(2_000);
  expect(failedTasks).toEqual({}); // by cause, so a failure says which
  expect(messages).toBe(0);
}, 900_000);

test('a gate terminated by hand mid-storm: nothing is lost, a new gate serves every run, one task each', async () => {
  await fillToQuota(stack.simulator.endpoint, terminated, 2); // and these never finish on their own
  const events = quotaFailureEvents(terminated, 8, 2);
  const handles = await Promise.all(events.map((event) => stack.start(event)));
  for (const handle of handles) await waitForPhase(handle, 'waiting-capacity');
  const { runId: firstGateRun } = await gateOf(terminated).describe();
  await gateOf(terminated).terminate('an operator cleaning up');
  const terminatedAt = Date.now();

  // Within the runs' liveness interval (2 s here), one of them has started a new gate.
  const restarted = await eventually(
    async () => {
      const description = await gateOf(terminated)
        .describe()
        .catch(() => undefined);
      return description?.status.name === 'RUNNING' && description.runId !== firstGateRun
        ? Date.now()
        : undefined;
    },
    'a new gate',
    30_000,
  );
  expect(restarted - terminatedAt).toBeLessThan(2_000 + 8_000);

  // Agents work the open tasks: capacity frees, the new gate admits everyone.
  const agents = setInterval(() => {
    void stack.simulator.admin
      .completeOldestTasks({ instanceId: terminated.instanceId, count: 1 })
      .catch(() => undefined);
  }, 200);
  const results = (await Promise.all(handles.map((h) => h.result())).finally(() =>
    clearInterval(agents),
  )) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  expect((await reissuedEventIds(terminated)).sort()).toEqual(events.map((e) => e.id).sort());
}, 120_000);

test('re-issues that take long count as out for as long as they take: never more than Q at once', async () => {
  const Q = 2;
  await fillToQuota(stack.simulator.endpoint, slow, Q);
  // Each re-issue takes 3 s (a slow Connect): the gate reads twice a second meanwhile.
  await stack.simulator.admin.injectFaults({ latencyMs: { StartTaskContact: 3_000 } });
  const agents = setInterval(() => {
    void stack.simulator.admin
      .completeOldestTasks({ instanceId: slow.instanceId, count: 1 })
      .catch(() => undefined);
  }, 1_000);
  const events = quotaFailureEvents(slow, 6, Q);
  const handles: WorkflowHandle[] = await Promise.all(events.map((event) => stack.start(event)));
  const inFlight = sampleInFlight(slow, 100);
  try {
    const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
    expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  } finally {
    inFlight.stop();
    clearInterval(agents);
    await stack.simulator.admin.clearFaults();
  }
  expect(inFlight.max).toBeGreaterThan(0);
  expect(inFlight.max).toBeLessThanOrEqual(Q);
  expect((await stack.simulator.admin.instance(slow.instanceId)).peakOpenTasks).toBeLessThanOrEqual(Q);
  expect((await gateOf(slow).query(capacityGateStatusQuery)).stats.quotaErrors).toBe(0);
}, 120_000);

test('every gate history these storms produced, and a sample of their runs, replays', async () => {
  await expectStormHistoriesReplay(stack.temporal.client, [bulk, terminated, slow]);
}, 120_000);
