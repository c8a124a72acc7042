/**
 * `quota: auto`: the YAML says nothing of the quota, the instance's applied quota is 40 (AWS
 * support set it; the simulator's ActiveTaskQuota), and the gate learns it from CloudWatch's
 * AWS/Connect ConcurrentTasks ÷ ConcurrentTasksPercentage — read by the real CloudWatch client
 * from the simulator. During a storm it admits at most 40 open tasks: not one re-issue meets a full
 * quota, as the 2,500 fallback would make dozens of them do.
 */
import fs from 'node:fs';
import {
  capacityGateStatusQuery,
  capacityGateWorkflowId,
  statusQuery,
  type RemediationResult,
} from '../../workflows/definitions';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';

const APPLIED_QUOTA = 40;
const EVENTS = 60;
const TASK_LIFETIME_MS = 3_000;

let stack: RemediationStack;
let instance: StormInstance;

beforeAll(async () => {
  // The policy names the storm instance, which exists only once the simulator runs: write, reload.
  const bootstrap = await startRemediationStack({ name: 'quota-auto' });
  instance = await addStormInstance(bootstrap.simulator.admin, APPLIED_QUOTA);
  fs.writeFileSync(
    bootstrap.policiesFile,
    testSpeedPolicies({
      prepend: [
        // No quota: `auto` is the default.
        capacityPolicy('storm-auto-quota', instance.instanceId),
      ],
    }),
  );
  await bootstrap.worker.policies.reload();
  stack = bootstrap;
});
afterAll(() => stack.stop());

test('an instance whose applied quota is 40, the YAML silent: the gate admits at most 40 open tasks', async () => {
  await fillToQuota(stack.simulator.endpoint, instance, APPLIED_QUOTA);
  await stack.simulator.admin.configure({ taskLifetimeMs: TASK_LIFETIME_MS });
  const before = (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts;
  const events = quotaFailureEvents(instance, EVENTS, APPLIED_QUOTA);
  const handles = await Promise.all(events.map((event) => stack.start(event)));

  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
  // Every run learned the quota from CloudWatch when it resolved its policy.
  const statuses = await Promise.all(handles.map((h) => h.query(statusQuery)));
  expect(statuses.map((s) => s.policy?.setHash.endsWith('+quota40'))).toEqual(events.map(() => true));

  const after = (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts;
  const quotaErrors = (counts: typeof after) =>
    counts.StartTaskContact?.errors.ServiceQuotaExceededException ?? 0;
  expect(quotaErrors(after) - quotaErrors(before)).toBe(0);
  expect((after.StartTaskContact?.total ?? 0) - (before.StartTaskContact?.total ?? 0)).toBe(EVENTS);
  expect((await stack.simulator.admin.instance(instance.instanceId)).peakOpenTasks).toBeLessThanOrEqual(
    APPLIED_QUOTA,
  );
  // One CloudWatch read served the whole storm (the reader keeps the quota for 15 minutes).
  expect((after.GetMetricData?.total ?? 0) - (before.GetMetricData?.total ?? 0)).toBe(1);

  const gate = stack.temporal.client.workflow.getHandle(capacityGateWorkflowId(instance.instanceId));
  const gateStatus = await gate.query(capacityGateStatusQuery);
  expect(gateStatus.settings).toMatchObject({
    source: 'metrics',
    quota: APPLIED_QUOTA,
    quotaFrom: 'cloudwatch',
  });
  expect(gateStatus).toMatchObject({ stats: { created: EVENTS, quotaErrors: 0 } });
});
