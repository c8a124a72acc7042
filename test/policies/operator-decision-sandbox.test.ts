/**
 * The decision schema is for workflow validators: it must bundle for, and run inside, Temporal's
 * deterministic sandbox (a fixture workflow in the shared test bundle calls it).
 */
import type { Worker } from '@temporalio/worker';
import {
  connectTestTemporal,
  createTestWorker,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

let temporal: TestTemporal;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('decision-schema');

beforeAll(async () => {
  temporal = await connectTestTemporal();
  worker = await createTestWorker(temporal, { taskQueue });
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await temporal.close();
});

const check = (args: unknown[]) =>
  temporal.client.workflow.execute('checkOperatorDecision', {
    taskQueue,
    workflowId: `${taskQueue}-${Math.random().toString(36).slice(2)}`,
    args,
  });

test('inside a workflow: a wrong override type is named, a good signal payload passes', async () => {
  expect(await check([{ action: 'retry', overrides: { contactFlowId: 42 } }])).toMatchObject({
    ok: false,
    message: 'overrides.contactFlowId: expected a contact flow id: a string of 1 to 500 characters, got 42',
  });
  expect(await check([{ note: 'handled' }, 'resolve'])).toEqual({
    ok: true,
    decision: { action: 'resolve', note: 'handled' },
  });
});
