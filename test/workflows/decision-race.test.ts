/**
 * An operator's abandon and free capacity in the same moment: the abandon wins — no re-issue, no
 * task — and `runs signal` says what the run did. The worker is down while capacity frees and the
 * decision is sent, so both are there as the worker comes back, in whichever order its workflow
 * tasks run: the gate's admission waits for the run to read the decision it has not read yet, finds
 * it asked to stop waiting, and makes no call for it.
 */
import fs from 'node:fs';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import {
  capacityGateStatusQuery,
  capacityGateWorkflowId,
  type RemediationResult,
} from '../../workflows/definitions';
import { spawnCli } from '../helpers/processes';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually, waitForPhase } from '../helpers/wait';

let stack: RemediationStack;
let instance: StormInstance;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'decision-race' });
  instance = await addStormInstance(stack.simulator.admin, 1);
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [capacityPolicy('race', instance.instanceId, { quota: 1 })],
    }),
  );
  expect(await stack.worker.policies.reload()).toMatchObject({ status: 'applied' });
});
afterAll(() => stack.stop());

test('`runs signal … abandon` racing a capacity grant: the run ends abandoned, with no task', async () => {
  await fillToQuota(stack.simulator.endpoint, instance, 1);
  const [event] = quotaFailureEvents(instance, 1, 1);
  const handle = await stack.start(event!);
  const gate = stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));
  await waitForPhase(handle, 'waiting-capacity');
  await eventually(
    async () =>
      ((await handle.describe()).raw.pendingActivities ?? []).some(
        (a) => a.activityType?.name === 'awaitTaskCapacity',
      ),
    'the run in the waiting room',
  );

  await stack.stopWorker();
  // Capacity frees and the operator abandons while no worker runs: both land when it is back.
  await stack.simulator.admin.completeOldestTasks({ instanceId: instance.instanceId, count: 1 });
  const abandon = spawnCli(
    ['runs', 'signal', handle.workflowId, 'abandon', '--by', 'ops', '--note', 'done by hand'],
    {
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await stack.startWorker('back-again');

  expect((await abandon.exited).code).toBe(0);
  expect(abandon.output()).toContain(`${handle.workflowId} accepted abandon`);
  expect(abandon.output()).toMatch(/did: +the run ends abandoned/);
  const result = (await handle.result()) as RemediationResult;
  expect(result).toMatchObject({ outcome: 'abandoned', attempts: [] });
  const { tasks } = await stack.simulator.admin.state({ instanceId: instance.instanceId });
  expect(tasks.filter((t) => t.request.Attributes?.remediatedEventId === event!.id)).toHaveLength(0);
  // Whether the gate took it before or after the decision, it has nothing out for it.
  await eventually(async () => (await gate.query(capacityGateStatusQuery)).inFlight === 0, 'nothing out');
}, 90_000);
