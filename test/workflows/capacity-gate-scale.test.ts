/**
 * The capacity gate at storm scale, against the real dev server: a queue of 50,000 that continues
 * as new carrying little and grants every waiter exactly once; a gate terminated by hand mid-storm
 * whose runs queue again at a new gate within their liveness interval; and permits that a slow
 * re-issue keeps for as long as it takes, without the gate ever over-admitting.
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
  capacityGateWorkflowId,
  capacityOverflowWorkflowId,
  enqueueForCapacitySignal,
  overflowStatusQuery,
  type CapacityRequest,
  type RemediationResult,
} from '../../workflows/definitions';
import { createCapacityActivities } from '../../activities/capacity';
import { mapConcurrent } from '../../ingress/map-concurrent';
import { CAPACITY_GATE_CONTRACT } from '../../worker/remediation-worker';
import { eventTypeName } from '../helpers/histories';
import {
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually } from '../helpers/wait';

const EventType = temporal.api.enums.v1.EventType;

let stack: RemediationStack;
let bulk: StormInstance;
let terminated: StormInstance;
let slow: StormInstance;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'gate-scale' });
  const admin = stack.simulator.admin;
  bulk = await addStormInstance(admin, 10);
  terminated = await addStormInstance(admin, 2);
  slow = await addStormInstance(admin, 2);
  const quotaPolicy = (name: string, instance: StormInstance, capacity: object) => ({
    name,
    when: { reasonCode: 'ServiceQuotaExceededException', instanceId: instance.instanceId },
    then: 'wait-for-capacity',
    capacity: { maxWait: '5m', then: 'escalate', source: 'metrics', quota: 2, ...capacity },
  });
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [
        quotaPolicy('gate-terminated', terminated, { livenessCheck: '2s' }),
        quotaPolicy('slow-reissue', slow, {}),
      ],
    }),
  );
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
});
afterAll(() => stack.stop());

const gateOf = (instance: StormInstance) =>
  stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));

/** Every run of a workflow id (continue-as-new chains), with its decoded history. */
async function runsOf(workflowId: string) {
  const runs: { runId: string; history: temporal.api.history.v1.IHistory }[] = [];
  for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await stack.temporal.client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    runs.push({ runId: run.runId, history });
  }
  return runs;
}

const payloadBytes = (payloads: temporal.api.common.v1.IPayloads | null | undefined) =>
  (payloads?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0);

test('50,000 waiters: the gate continues as new carrying under 256 KB, and grants every one exactly once', async () => {
  const N = Number(process.env.CR_GATE_SCALE_N ?? 50_000);
  const gateId = capacityGateWorkflowId(bulk.instanceId);
  await fillToQuota(stack.simulator.endpoint, bulk, 10);
  await stack.temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: stack.taskQueue,
    workflowId: gateId,
    args: [{ instanceId: bulk.instanceId }],
  });
  // The instance is full (10 open tasks, quota 10): everything queues. No runs stand behind these
  // waiters, so each grant fails to deliver and the gate moves on — which is what we count.
  const settings = { source: 'metrics' as const, quota: 10, setHash: 'full', grantsPerSecond: 100_000 };
  const waiters = Array.from({ length: N }, (_, i): CapacityRequest => ({
    workflowId: `remediate-bulk-${String(i).padStart(6, '0')}`,
    priority: 0,
    source: 'metrics',
    since: 1_000_000 + i,
    ticket: 1,
    settings,
  }));
  const gate = gateOf(bulk);
  // Joined the way runs join (the product's own join activity, retried as Temporal would): the
  // first thousand queue in the gate, the rest straight in its overflow chunks.
  const join = createCapacityActivities({
    connect: undefined as never, // joining calls no AWS
    temporal: {
      client: stack.temporal.client,
      taskQueue: stack.taskQueue,
      capacityGate: CAPACITY_GATE_CONTRACT,
    },
  }).joinCapacityGate;
  let retries = 0;
  await mapConcurrent(waiters, 16, async (waiter) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await join({ instanceId: bulk.instanceId, ...waiter });
      } catch (err) {
        if (attempt >= 10) throw err;
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  });
  console.log(`joined ${N} waiters (${retries} joins retried)`);
  let lastLog = 0;
  await eventually(
    async () => {
      const status = await gate.query(capacityGateStatusQuery);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        const held = await Promise.all(
          (status.chunks ?? []).map(async (c) => {
            const q = await stack.temporal.client.workflow
              .getHandle(capacityOverflowWorkflowId(bulk.instanceId, c.chunk))
              .query(overflowStatusQuery)
              .catch(() => undefined);
            return `${c.chunk}:${c.size}/${q?.held}/${q?.reported}`;
          }),
        );
        console.log(`queue ${status.queueLength} overflow ${status.overflowLength}: ${held.join(' ')}`);
      }
      return status.queueLength === N;
    },
    `all ${N} queued`,
    300_000,
  );
  const queued = await gate.query(capacityGateStatusQuery);
  expect(queued.overflowLength).toBeGreaterThanOrEqual(N - 1_000);
  expect(queued.inFlight).toBe(0);

  // A newer policy set raises the quota: the gate adopts it and drains the whole queue.
  await gate.signal(enqueueForCapacitySignal, {
    workflowId: 'remediate-unblock',
    priority: 0,
    source: 'metrics',
    settings: { ...settings, quota: 1_000_000, setHash: 'raised' },
  });
  await eventually(
    async () => {
      const status = await gate.query(capacityGateStatusQuery);
      return status.queueLength === 0 && status.admitted >= N + 1;
    },
    'every waiter granted',
    300_000,
  );

  const runs = await runsOf(gateId);
  const grantsTo = new Map<string, number>();
  let largestCarried = 0;
  let failedTasks = 0;
  for (const { history } of runs) {
    for (const event of history.events ?? []) {
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
        largestCarried = Math.max(
          largestCarried,
          payloadBytes(event.workflowExecutionStartedEventAttributes?.input),
        );
      }
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) failedTasks++;
      const signal = event.signalExternalWorkflowExecutionInitiatedEventAttributes;
      if (signal?.signalName === 'capacityGranted') {
        const id = signal.workflowExecution?.workflowId ?? '';
        grantsTo.set(id, (grantsTo.get(id) ?? 0) + 1);
      }
    }
    expect((history.events ?? []).length).toBeLessThan(6_000);
  }
  expect(runs.length).toBeGreaterThan(1); // it continued as new
  expect(largestCarried).toBeGreaterThan(0);
  expect(largestCarried).toBeLessThan(256 * 1024);
  // Every continue-as-new went through while thousands of runs joined (by Update): none refused.
  expect(failedTasks).toBe(0);
  console.log(
    `50,000 waiters: ${runs.length} gate runs, largest carried input ${largestCarried} B, ${failedTasks} failed workflow tasks`,
  );
  const once = waiters.filter((w) => grantsTo.get(w.workflowId) === 1).length;
  expect(once).toBe(N);
  expect([...grantsTo.values()].every((count) => count === 1)).toBe(true);
}, 900_000);

test('a gate terminated by hand mid-storm: every queued run queues again at a new gate and recovers, one task each', async () => {
  await fillToQuota(stack.simulator.endpoint, terminated, 2); // and these never finish on their own
  const events = quotaFailureEvents(terminated, 8, 2);
  const handles = await Promise.all(events.map((event) => stack.start(event)));
  await eventually(
    async () =>
      (
        await gateOf(terminated)
          .query(capacityGateStatusQuery)
          .catch(() => undefined)
      )?.queueLength === 8,
    'the storm queued',
  );
  const { runId: firstGateRun } = await gateOf(terminated).describe();
  await gateOf(terminated).terminate('an operator cleaning up');
  const terminatedAt = Date.now();

  // Within the runs' liveness interval (2 s here), all of them are queued at a new gate.
  const requeued = await eventually(
    async () => {
      const description = await gateOf(terminated)
        .describe()
        .catch(() => undefined);
      if (description?.status.name !== 'RUNNING' || description.runId === firstGateRun) return undefined;
      const status = await gateOf(terminated).query(capacityGateStatusQuery);
      return status.queueLength + status.inFlight === 8 ? Date.now() : undefined;
    },
    'the runs queued at a new gate',
    30_000,
  );
  expect(requeued - terminatedAt).toBeLessThan(2_000 + 8_000);

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
  const { tasks } = await stack.simulator.admin.state({ instanceId: terminated.instanceId });
  const byEvent = tasks
    .filter((t) => t.request.Attributes?.remediatedEventId)
    .map((t) => t.request.Attributes!.remediatedEventId);
  expect(byEvent.sort()).toEqual(events.map((e) => e.id).sort());
}, 120_000);

test('a re-issue that takes long to run keeps its permit, and no more than Q runs ever hold one', async () => {
  const Q = 2;
  const gateId = capacityGateWorkflowId(slow.instanceId);
  // Permits are checked every half second; each re-issue takes 3 s (a slow Connect, a long queue).
  await stack.temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: stack.taskQueue,
    workflowId: gateId,
    args: [{ instanceId: slow.instanceId, holderCheckMs: 500 }],
  });
  await fillToQuota(stack.simulator.endpoint, slow, Q);
  await stack.simulator.admin.injectFaults({ latencyMs: { StartTaskContact: 3_000 } });
  const agents = setInterval(() => {
    void stack.simulator.admin
      .completeOldestTasks({ instanceId: slow.instanceId, count: 1 })
      .catch(() => undefined);
  }, 1_000);
  const events = quotaFailureEvents(slow, 6, Q);
  const handles: WorkflowHandle[] = await Promise.all(events.map((event) => stack.start(event)));
  let maxInFlight = 0;
  const sampling = setInterval(() => {
    void gateOf(slow)
      .query(capacityGateStatusQuery)
      .then((s) => (maxInFlight = Math.max(maxInFlight, s.inFlight)))
      .catch(() => undefined);
  }, 100);
  try {
    const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
    expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  } finally {
    clearInterval(sampling);
    clearInterval(agents);
    await stack.simulator.admin.clearFaults();
  }
  const status = await gateOf(slow).query(capacityGateStatusQuery);
  expect(status.reclaimed).toBe(0);
  expect(maxInFlight).toBeGreaterThan(0);
  expect(maxInFlight).toBeLessThanOrEqual(Q);
  expect((await stack.simulator.admin.instance(slow.instanceId)).peakOpenTasks).toBeLessThanOrEqual(Q);
  // The gate did ask about the holders (they were busy, not gone), many times over.
  const checks = (await runsOf(gateId)).flatMap(({ history }) =>
    (history.events ?? []).filter(
      (e) =>
        eventTypeName(e) === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' &&
        e.activityTaskScheduledEventAttributes?.activityType?.name === 'endedWorkflows',
    ),
  );
  expect(checks.length).toBeGreaterThanOrEqual(3);
}, 120_000);
