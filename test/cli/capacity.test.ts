/**
 * `connect-remediator capacity` as an operator runs it during a storm: a spawned process against the
 * run's dev server, reading gates through visibility and their status query. The gate workflow
 * itself is not under test here (test/workflows/ covers it): stand-in gates of the same workflow
 * type answer with fixed statuses, so every line of the output can be checked exactly.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import type { GateReport } from '../../cli/capacity';
import {
  CAPACITY_GATE_WORKFLOW_TYPE,
  capacityGateWorkflowId,
  type CapacityGateStatus,
} from '../../workflows/definitions';
import { probeGateStatus, stormGateStatus } from '../helpers/gate-statuses';
import { runCli, spawnCli } from '../helpers/processes';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/wait';

jest.setTimeout(180_000);

const MINUTE = 60_000;

let temporal: TestTemporal;
let worker: Worker;
let workerRunning: Promise<void>;
const taskQueue = uniqueTaskQueue('capacity-cli');
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  temporal = await connectTestTemporal();
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowsPath: path.join(__dirname, '..', 'fixtures', 'fake-capacity-gate.ts'),
  });
  workerRunning = worker.run();
});

afterAll(async () => {
  await Promise.all(
    started.map((handle) => handle.terminate('capacity CLI test done').catch(() => undefined)),
  );
  worker?.shutdown();
  await workerRunning;
  await temporal?.close();
});

// No Web UI address: the command's output is checked as it prints without one.
const capacity = (...args: string[]) =>
  runCli(['capacity', ...args], { address: temporal.address, namespace: temporal.namespace });

/** Starts a stand-in gate for `status.instanceId` on `queue` and waits until visibility lists it. */
async function startGate(status: CapacityGateStatus, queue = taskQueue): Promise<void> {
  const workflowId = capacityGateWorkflowId(status.instanceId);
  const handle = await temporal.client.workflow.start(CAPACITY_GATE_WORKFLOW_TYPE, {
    taskQueue: queue,
    workflowId,
    args: [status],
  });
  started.push(handle);
  await eventually(async () => {
    for await (const info of temporal.client.workflow.list({
      query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'Running'`,
    }))
      return info.runId === handle.firstExecutionRunId;
    return false;
  }, `${workflowId} listed as running`);
}

/** The drain estimate averages complete minutes: leave 30 s before the minute turns over. */
async function awayFromMinuteBoundary(): Promise<number> {
  const left = MINUTE - (Date.now() % MINUTE);
  if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
  return Math.floor(Date.now() / MINUTE) * MINUTE;
}

const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)}Z`;

test('capacity prints each running gate: limits, queue, grants, budget, policy, counters and drain time', async () => {
  const minute = await awayFromMinuteBoundary();
  const ago = (n: number) => minute - n * MINUTE;
  const storm = stormGateStatus(randomUUID(), [5, 4, 3, 2, 1, 0].map(ago));
  const older = probeGateStatus(randomUUID());
  // A gate whose worker is gone: no one answers its query.
  const orphanQueue = uniqueTaskQueue('capacity-cli-no-worker');
  const orphan = { ...older, instanceId: randomUUID() };
  await Promise.all([startGate(storm), startGate(older), startGate(orphan, orphanQueue)]);

  const { code, output } = await capacity();

  expect(code).toBe(0);
  const lines = output.trimEnd().split('\n');
  const block = (instanceId: string) => {
    const at = lines.indexOf(`instance ${instanceId}  (workflow task-capacity-${instanceId})`);
    expect(at).toBeGreaterThanOrEqual(0);
    const end = lines.indexOf('', at);
    return lines.slice(at + 1, end);
  };
  expect(block(storm.instanceId)).toEqual([
    '  doing           full',
    '  source          metrics, quota 50',
    '  open tasks      50 of 50 (full)',
    "  waiting         about 1840 runs in the waiting room (Temporal's backlog count, seconds old)",
    '  in flight       12 re-issues',
    `  grants/minute   ${hhmm(ago(4))} 98, ${hhmm(ago(3))} 104, ${hhmm(ago(2))} 110, ${hhmm(ago(1))} 101, ${hhmm(ago(0))} 37 so far`,
    '  grant budget    5/s',
    '  setting from    policy task-quota, policy set 60885e1a0284',
    '  counters        admitted 4211, created 4100, quota errors 3, transient 2, failed 1, withdrawn 5',
    '  drain estimate  ~18m 17s (1840 waiting ÷ 100.6 grants/min, mean of the last 5 complete minutes)',
  ]);
  expect(block(older.instanceId)).toEqual([
    '  doing           admitting',
    '  source          probe, window 4',
    '  open tasks      not read (the probe source reads no metrics)',
    "  waiting         about 7 runs in the waiting room (Temporal's backlog count, seconds old)",
    '  in flight       2 re-issues',
    '  grants/minute   none yet',
    '  grant budget    1/s',
    '  setting from    policy task-quota, policy set b2c1d4e5f6a7',
    '  counters        admitted 9, created 8, quota errors 1, transient 0, failed 0, withdrawn 0',
    '  drain estimate  at least 7s (7 waiting at the grant budget of 1/s; no complete minute of grants yet)',
  ]);
  expect(block(orphan.instanceId)).toEqual([
    expect.stringContaining(
      `  status          no answer: the gate did not answer its status query (is a worker polling task queue "${orphanQueue}"?)`,
    ),
  ]);
  // Other test files may run gates of their own on this server: at least these three.
  expect(lines.at(-1)).toMatch(/^\d+ gates running, as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(Number(lines.at(-1)!.split(' ')[0])).toBeGreaterThanOrEqual(3);

  // One instance, as JSON: the status as the gate gave it, with the estimate.
  const one = await capacity(storm.instanceId, '--json');
  expect(one.code).toBe(0);
  const reports = JSON.parse(one.output) as GateReport[];
  expect(reports).toEqual([
    {
      instanceId: storm.instanceId,
      workflowId: capacityGateWorkflowId(storm.instanceId),
      taskQueue,
      queriedAt: expect.any(String),
      status: storm,
      drainEstimate: {
        basis: 'recent-grants',
        seconds: expect.closeTo(1097.4, 1),
        grantsPerMinute: 100.6,
        minutes: 5,
      },
    },
  ]);

  // The same instance by its ARN, as the failure events name it: that gate only.
  const byArn = await capacity(`arn:aws:connect:us-east-1:123456789012:instance/${older.instanceId}`);
  expect(byArn.code).toBe(0);
  expect(byArn.output).toContain(
    `instance ${older.instanceId}  (workflow task-capacity-${older.instanceId})`,
  );
  expect(byArn.output).not.toContain(storm.instanceId);
  expect(byArn.output.trimEnd().split('\n').at(-1)).toMatch(/^1 gate running, as of /);
});

test('an instance without a running gate gets one line and exit status 0; a malformed id is refused', async () => {
  const instanceId = randomUUID();
  const none = await capacity(instanceId);
  expect(none).toEqual({
    code: 0,
    output: `no capacity gate runs for instance ${instanceId} in namespace "${temporal.namespace}" (none has started: no task-quota failure has waited for capacity there)\n`,
  });
  expect(JSON.parse((await capacity(instanceId, '--json')).output)).toEqual([]);

  const bad = await capacity("x' OR WorkflowType != '");
  expect(bad.code).toBe(1);
  expect(bad.output).toContain('expected an Amazon Connect instance id');
});

test('capacity --watch off a terminal: one plain line per gate and refresh, no escape codes, a clean stop on SIGTERM', async () => {
  const minute = await awayFromMinuteBoundary();
  const storm = stormGateStatus(
    randomUUID(),
    [5, 4, 3, 2, 1, 0].map((n) => minute - n * MINUTE),
  );
  await startGate(storm);
  const watch = spawnCli(['capacity', '--watch', '--interval', '0.5', storm.instanceId], {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
  });
  try {
    await eventually(
      async () => (watch.output().match(/ instance=/g)?.length ?? 0) >= 3 || undefined,
      'three refreshes',
    );
  } finally {
    watch.child.kill('SIGTERM');
  }
  const { code } = await watch.exited;
  expect(code).toBe(0);
  const lines = watch.output().trimEnd().split('\n');
  expect(watch.output()).not.toContain('\x1b');
  for (const line of lines)
    expect(line).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z instance=${storm.instanceId} mode=full open=50/50 waiting=1840 permits=12 grants_per_min=(\\?|0) granted=4211 drain="~18m 17s \\(1840 waiting`,
      ),
    );
  // The first refresh has no earlier sample to take a rate from; the next ones do (nothing granted).
  expect(lines[0]).toContain('grants_per_min=?');
  expect(lines[1]).toContain('grants_per_min=0');
});

test('capacity --interval is checked: a clear error names the option', async () => {
  const bad = await capacity('--watch', '--interval', '0.1');
  expect(bad.code).toBe(1);
  expect(bad.output).toContain("option '--interval <seconds>' argument '0.1' is invalid");
  expect(bad.output).toContain('expected seconds between 0.5 and 3600');
});
