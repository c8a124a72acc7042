/**
 * The platform we build on, exercised for real: a workflow on the dev server global-setup started,
 * a durable timer, and an activity retried by Temporal's retry policy.
 */
import { Context } from '@temporalio/activity';
import type { Worker } from '@temporalio/worker';
import { approveSignal, awaitApproval, stateQuery } from '../fixtures/platform-workflows';
import { eventTypes } from '../helpers/histories';
import {
  connectTestTemporal,
  createTestWorker,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

let temporal: TestTemporal;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('foundation');
const flakyAttempts: number[] = [];

beforeAll(async () => {
  temporal = await connectTestTemporal();
  worker = await createTestWorker(temporal, {
    taskQueue,
    activities: {
      async flaky(failTimes: number): Promise<number> {
        const { attempt } = Context.current().info;
        flakyAttempts.push(attempt);
        if (attempt <= failTimes) throw new Error(`transient failure on attempt ${attempt}`);
        return attempt;
      },
    },
  });
  running = worker.run();
});

afterAll(async () => {
  worker.shutdown();
  await running;
  await temporal.close();
});

test('a workflow runs on the Temporal server started for this test run', async () => {
  const handle = await temporal.client.workflow.start(awaitApproval, {
    taskQueue,
    workflowId: uniqueTaskQueue('approval'),
  });
  // The query is answered by our worker, so this proves the server dispatched the run to it.
  await expect(handle.query(stateQuery)).resolves.toBe('waiting');
  expect((await handle.describe()).taskQueue).toBe(taskQueue);
  await handle.signal(approveSignal, 'jest');
  await expect(handle.result()).resolves.toBe('approved by jest');
});

test('a durable timer holds the workflow for its full duration and is recorded in history', async () => {
  const handle = await temporal.client.workflow.start('sleepFor', {
    taskQueue,
    workflowId: uniqueTaskQueue('sleep'),
    args: [1500],
  });
  const sleptMs: number = await handle.result();
  expect(sleptMs).toBeGreaterThanOrEqual(1500);
  const history = await handle.fetchHistory();
  expect(eventTypes(history)).toEqual(
    expect.arrayContaining(['EVENT_TYPE_TIMER_STARTED', 'EVENT_TYPE_TIMER_FIRED']),
  );
});

test('a failing activity is retried by its Temporal retry policy until it succeeds', async () => {
  flakyAttempts.length = 0;
  const handle = await temporal.client.workflow.start('callFlaky', {
    taskQueue,
    workflowId: uniqueTaskQueue('flaky'),
    args: [2],
  });
  await expect(handle.result()).resolves.toBe(3);
  expect(flakyAttempts).toEqual([1, 2, 3]);
});
