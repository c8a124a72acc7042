/**
 * The capacity gate proven under replay. Two storms with the gate's workflow cache forced empty
 * (WORKER_MAX_CACHED_GATES=0: every one of its workflow tasks replays its history first), then
 * every gate history and every run replayed by Temporal's Replayer against today's code.
 *
 * The gate this replaces stuck twice in reported storms (test/fixtures/reports/): the SDK, on
 * replay, accepted an Update earlier in a workflow task than the live worker had — after the
 * speculative workflow tasks that Updates bring — and the gate failed that task for good
 * (temporalio/sdk-typescript#1966 reports the same family). Today's gate takes no message at all:
 * the reported interleaving cannot form in its histories, which the storms check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { gateHealth, type GateRunHistory } from '../../bench/storm/figures';
import { replayHistories } from '../../bench/storm/replay';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import { capacityGateWorkflowId, type RemediationResult } from '../../workflows/definitions';
import { readHistory } from '../helpers/histories';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';

const { EventType } = temporal.api.enums.v1;
const REPORTS = path.join(__dirname, '..', 'fixtures', 'reports');
const QUOTA = 3;

let stack: RemediationStack;
let metrics: StormInstance;
let probe: StormInstance;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'gate-replay', maxCachedGates: 0 });
  metrics = await addStormInstance(stack.simulator.admin, QUOTA);
  probe = await addStormInstance(stack.simulator.admin, QUOTA);
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [
        capacityPolicy('replay-metrics', metrics.instanceId, { quota: QUOTA }),
        capacityPolicy('replay-probe', probe.instanceId, { quota: QUOTA, source: 'probe' }),
      ],
    }),
  );
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
  await stack.simulator.admin.configure({ taskLifetimeMs: 300 });
});
afterAll(() => stack.stop());

async function historiesOf(query: string): Promise<GateRunHistory[]> {
  const found: GateRunHistory[] = [];
  for await (const run of stack.temporal.client.workflow.list({ query }))
    found.push({
      workflowId: run.workflowId,
      history: await stack.temporal.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory(),
    });
  return found;
}

test('the reported histories hold the interleaving that stuck the earlier gate', () => {
  for (const file of ['gate-nondeterminism.history.pb', 'gate-nondeterminism-2.history.pb']) {
    const events = readHistory(path.join(REPORTS, file)).events ?? [];
    const failed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failed.map((e) => e.workflowTaskFailedEventAttributes?.failure?.message).join('\n')).toMatch(
      /Nondeterminism error/,
    );
    // Updates were how runs reached that gate…
    expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toBe(
      true,
    );
    // …and Updates bring speculative workflow tasks (started with no worker identity).
    expect(
      events.some(
        (e) =>
          e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED &&
          e.workflowTaskStartedEventAttributes?.identity === '',
      ),
    ).toBe(true);
  }
});

test.each([
  ['metrics', () => metrics],
  ['probe', () => probe],
])(
  'a %s-source storm with the gate uncached: every run recovers once, every history replays',
  async (_source, instanceOf) => {
    const instance = instanceOf();
    await fillToQuota(stack.simulator.endpoint, instance, QUOTA);
    const events = quotaFailureEvents(instance, 30, QUOTA);
    const handles = await Promise.all(events.map((e) => stack.start(e)));
    const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
    expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
    const { tasks } = await stack.simulator.admin.state({ instanceId: instance.instanceId });
    const reissued = tasks.map((t) => t.request.Attributes?.remediatedEventId).filter(Boolean);
    expect(reissued.sort()).toEqual(events.map((e) => e.id).sort());

    const gate = await historiesOf(`WorkflowId = '${capacityGateWorkflowId(instance.instanceId)}'`);
    const health = gateHealth(gate);
    expect(health).toMatchObject({ gateWorkflowTaskFailures: 0, gateMessagesReceived: 0 });
    const runs = await Promise.all(
      handles.map(async (h) => ({ workflowId: h.workflowId, history: await h.fetchHistory() })),
    );
    const replay = await replayHistories([...gate, ...runs]);
    expect(replay).toEqual({
      replayed: gate.length + runs.length,
      replayFailures: 0,
      replayFailureSamples: [],
    });
  },
  180_000,
);
