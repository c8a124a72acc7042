/**
 * Branches of a remediation that only show in a running workflow, against the real dev server and
 * the simulator: a retry that meets a full task quota turns into a capacity wait; a policy's
 * `reissue` overrides and templates reach StartTaskContact; operator decisions cut a backoff short;
 * metrics that cannot be read make the gate probe instead of stalling.
 */
import fs from 'node:fs';
import { SEED } from '../../simulator';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import {
  abandonSignal,
  capacityGateStatusQuery,
  capacityGateWorkflowId,
  retrySignal,
  statusQuery,
  type RemediationResult,
} from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import {
  capacityPolicy,
  scenarioPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { eventually, waitForPhase } from '../helpers/wait';

const QUOTA = 2;
let stack: RemediationStack;
let quotaDuringRetry: StormInstance;
let unreadableMetrics: StormInstance;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'branches' });
  const admin = stack.simulator.admin;
  quotaDuringRetry = await addStormInstance(admin, QUOTA);
  unreadableMetrics = await addStormInstance(admin, QUOTA);
  fs.writeFileSync(
    stack.policiesFile,
    testSpeedPolicies({
      prepend: [
        // No capacity within a second: fall back to the retry schedule (whose re-issue meets the quota).
        capacityPolicy('quota-then-retry', quotaDuringRetry.instanceId, {
          quota: QUOTA,
          maxWait: '1s',
          then: 'retry',
        }),
        capacityPolicy('quota-unreadable-metrics', unreadableMetrics.instanceId, { quota: QUOTA }),
        scenarioPolicy('templated', {
          then: 'retry',
          reissue: {
            name: 'Retry of ${detail.ruleId}',
            description: '${detail.reasonCode} on ${instanceId}: ${unknown.placeholder}',
            contactFlowId: SEED.contactFlows.opsEscalation,
            attributes: { team: 'ops', origin: 'remediator' },
          },
        }),
        scenarioPolicy('long-backoff', { then: 'retry' }),
      ],
    }),
  );
  const reload = await stack.worker.policies.reload();
  if (reload.status !== 'applied') throw new Error(`policies not applied: ${JSON.stringify(reload)}`);
});
afterAll(() => stack.stop());

async function tasksFor(instanceId: string, eventId: string) {
  const { tasks } = await stack.simulator.admin.state({ instanceId });
  return tasks.filter((t) => t.request.Attributes?.remediatedEventId === eventId);
}

test('a retry that meets a full task quota goes back to waiting for capacity, then recovers with one task', async () => {
  await fillToQuota(stack.simulator.endpoint, quotaDuringRetry, QUOTA);
  const [event] = quotaFailureEvents(quotaDuringRetry, 1, QUOTA);
  const handle = await stack.start(event!);
  // The capacity wait runs out (the quota stays full); the policy's retry meets the full quota.
  await eventually(async () => {
    const status = await handle.query(statusQuery);
    return status.attempts.some((a) => a.trigger === 'policy' && !a.ok) || undefined;
  }, 'the retry to meet the quota');
  await stack.simulator.admin.completeOldestTasks({ instanceId: quotaDuringRetry.instanceId, count: QUOTA });
  const result = (await handle.result()) as RemediationResult;
  expect(result).toMatchObject({ outcome: 'recovered', policy: { name: 'quota-then-retry' } });
  expect(result.attempts[0]).toMatchObject({
    trigger: 'policy',
    ok: false,
    error: { name: 'ServiceQuotaExceededException' },
  });
  // Back in the queue, not in a retry loop: the gate's permit brought the re-issue that worked.
  expect(result.attempts.slice(1)).toEqual([expect.objectContaining({ trigger: 'capacity', ok: true })]);
  expect(await tasksFor(quotaDuringRetry.instanceId, event!.id)).toHaveLength(1);
}, 60_000);

test("a policy's reissue overrides and templates reach StartTaskContact", async () => {
  const event = failureEvent({
    ruleId: SEED.rules.followUpTask,
    reasonCode: 'ThrottlingException',
    error: 'scenario:templated',
    additionalInfo: JSON.stringify({ retryable: true, retryDelay: 10 }),
  });
  const result = (await (await stack.start(event)).result()) as RemediationResult;
  expect(result.outcome).toBe('recovered');
  const [task] = await tasksFor(SEED.instanceId, event.id);
  expect(task?.request).toMatchObject({
    Name: `Retry of ${SEED.rules.followUpTask}`,
    // A placeholder the engine does not know stays as written, so the typo shows on the task.
    Description: `ThrottlingException on ${SEED.instanceId}: \${unknown.placeholder}`,
    ContactFlowId: SEED.contactFlows.opsEscalation,
    Attributes: { team: 'ops', origin: 'remediator', remediatedEventId: event.id },
  });
});

describe('operator decisions during a retry backoff', () => {
  const longBackoff = () =>
    failureEvent({
      ruleId: SEED.rules.followUpTask,
      reasonCode: 'ThrottlingException',
      error: 'scenario:long-backoff',
      // AWS asks for 60 s; a person may know better.
      additionalInfo: JSON.stringify({ retryable: true, retryDelay: 60_000 }),
    });

  test('retry re-issues at once instead of waiting out the backoff', async () => {
    const event = longBackoff();
    const handle = await stack.start(event);
    await waitForPhase(handle, 'retrying');
    const signalledAt = Date.now();
    await handle.signal(retrySignal, { by: 'ops' });
    const result = (await handle.result()) as RemediationResult;
    expect(result.outcome).toBe('recovered');
    expect(Date.now() - signalledAt).toBeLessThan(30_000);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ trigger: 'operator', ok: true });
    expect(await tasksFor(SEED.instanceId, event.id)).toHaveLength(1);
  });

  test('abandon ends the run with no re-issue and no task', async () => {
    const event = longBackoff();
    const handle = await stack.start(event);
    await waitForPhase(handle, 'retrying');
    await handle.signal(abandonSignal, { by: 'ops', note: 'handled by phone' });
    const result = (await handle.result()) as RemediationResult;
    expect(result.outcome).toBe('abandoned');
    expect(result.attempts).toHaveLength(0);
    expect(await tasksFor(SEED.instanceId, event.id)).toHaveLength(0);
  });
});

test('metrics that cannot be read (AccessDenied): the gate probes instead, and every run still recovers once', async () => {
  await fillToQuota(stack.simulator.endpoint, unreadableMetrics, QUOTA);
  await stack.simulator.admin.injectFaults({
    errors: [{ operation: 'GetCurrentMetricData', error: 'AccessDeniedException', count: 10_000 }],
  });
  // Agents work the open tasks, so capacity comes and goes.
  const agents = setInterval(() => {
    void stack.simulator.admin
      .completeOldestTasks({ instanceId: unreadableMetrics.instanceId, count: 1 })
      .catch(() => undefined);
  }, 500);
  try {
    const events = quotaFailureEvents(unreadableMetrics, 6, QUOTA);
    const handles = await Promise.all(events.map((event) => stack.start(event)));
    const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
    expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
    for (const event of events)
      expect(await tasksFor(unreadableMetrics.instanceId, event.id)).toHaveLength(1);

    const counts = (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts;
    expect(counts.GetCurrentMetricData?.errors.AccessDeniedException ?? 0).toBeGreaterThan(0);
    const gate = stack.temporal.client.workflow.getHandle(
      capacityGateWorkflowId(unreadableMetrics.instanceId),
    );
    const status = await gate.query(capacityGateStatusQuery);
    // Still set to metrics, but admitted by probing: no reading of open tasks was ever had.
    expect(status).toMatchObject({
      settings: { source: 'metrics' },
      metricsUnreadable: expect.stringContaining('AccessDenied') as unknown,
      stats: { created: events.length },
    });
    expect(status.lastOpenTasks).toBeUndefined();
    expect(
      (await stack.simulator.admin.instance(unreadableMetrics.instanceId)).peakOpenTasks,
    ).toBeLessThanOrEqual(QUOTA);
  } finally {
    clearInterval(agents);
    await stack.simulator.admin.clearFaults();
  }
}, 120_000);
