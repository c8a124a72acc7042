/**
 * Escalation and the operator in the loop: channels (EventBridge, Connect task, webhook), the
 * retry / resolve / abandon signals, and the guarantee that an escalation is never silently lost.
 */
import { SEED } from '../../simulator';
import { abandonSignal, resolveSignal, retrySignal, statusQuery } from '../../workflows/definitions';
import { failureEvent, loadSampleEvent } from '../helpers/events';
import {
  scenarioPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import type { WorkflowHandle } from '@temporalio/client';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { decodedText } from '../helpers/decoded-text';
import { recordHistory } from '../helpers/histories';
import { eventually, waitForPhase } from '../helpers/wait';

const SECRET = 'oncall-secret-value-7f3a';
let stack: RemediationStack;
let hook: WebhookReceiver;
let brokenHook: WebhookReceiver;
let fallbackHook: WebhookReceiver;

/** Scenario policies, chosen by a marker in the event's error text. */

beforeAll(async () => {
  hook = await startWebhookReceiver();
  brokenHook = await startWebhookReceiver();
  brokenHook.respondWith(503);
  fallbackHook = await startWebhookReceiver();
  // The test secret may go to the test receiver (a secret goes only to the origins next to it).
  process.env.CONNECT_REMEDIATOR_SECRET_TEST_ONCALL_ORIGINS = new URL(hook.url).origin;
  stack = await startRemediationStack({
    name: 'escalation',
    policiesYaml: testSpeedPolicies({
      channels: {
        'test-hook': { type: 'webhook', url: hook.url, secretEnv: 'CONNECT_REMEDIATOR_SECRET_TEST_ONCALL' },
        'broken-hook': { type: 'webhook', url: brokenHook.url },
        'ops-task': { type: 'connect-task', contactFlowId: SEED.contactFlows.opsEscalation },
        'fallback-hook': { type: 'webhook', url: fallbackHook.url },
        'unset-secret-hook': {
          type: 'webhook',
          url: hook.url,
          secretEnv: 'CONNECT_REMEDIATOR_SECRET_NOBODY_SET_THIS',
        },
      },
      set: { 'defaults.fallbackChannel': 'fallback-hook' },
      prepend: [
        scenarioPolicy('webhook', { then: 'escalate', escalateTo: ['test-hook', 'ops-task'] }),
        scenarioPolicy('broken', { then: 'escalate', escalateTo: ['broken-hook'] }),
        scenarioPolicy('denied-bus', { then: 'escalate', escalateTo: ['ops-bus'] }),
        scenarioPolicy('unset-secret', { then: 'escalate', escalateTo: ['unset-secret-hook'] }),
        scenarioPolicy('flaky-hook', { then: 'escalate', escalateTo: ['test-hook'] }),
        scenarioPolicy('short-wait', { then: 'escalate', operatorWait: '1s' }),
        scenarioPolicy('ignore', { then: 'ignore' }),
        scenarioPolicy('deadline', { then: 'retry', deadline: '300ms' }),
        // A plain retry policy: it retries what AWS calls retryable, and only that.
        scenarioPolicy('plain-retry', { then: 'retry' }),
      ],
    }),
    depsOverride: {
      secret: (name) => (name === 'CONNECT_REMEDIATOR_SECRET_TEST_ONCALL' ? SECRET : undefined),
    },
  });
});
afterAll(async () => {
  await stack.stop();
  await hook.close();
  await brokenHook.close();
  await fallbackHook.close();
});

async function escalationsOn(bus: string, workflowId: string) {
  const events = await stack.simulator.admin.events(bus);
  return events.filter(
    (e) => e.detailType === 'Connect Remediation Escalated' && e.detail.workflowId === workflowId,
  );
}

test('the AWS sample event is escalated on the ops bus with a Web UI link, and a retry with a corrected flow recovers it', async () => {
  const sample = loadSampleEvent();
  const event = failureEvent(sample.detail); // the sample, with a fresh id for this test run
  const handle = await stack.start(event);
  await waitForPhase(handle, 'awaiting-operator');

  const [escalation] = await escalationsOn('connect-ops', handle.workflowId);
  expect(escalation).toBeDefined();
  expect(escalation!.source).toBe('connect-remediator');
  expect(escalation!.detail).toMatchObject({
    reason: expect.stringMatching(/flow-misconfigured escalates ResourceNotFoundException/),
    policy: { name: 'flow-misconfigured' },
    event: { id: event.id, detail: { reasonCode: 'ResourceNotFoundException' } },
  });
  expect(escalation!.detail.runUrl).toBe(
    `${stack.temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}`,
  );

  await handle.signal(retrySignal, {
    overrides: { contactFlowId: SEED.contactFlows.taskTriage },
    note: 'pointed the rule at the triage flow',
    by: 'jest',
  });
  const result = await stack.result(handle);
  await recordHistory('sample-escalated-operator-retry-recovered', handle);
  expect(result.outcome).toBe('recovered');
  expect(result.decision).toMatchObject({ action: 'retry', note: 'pointed the rule at the triage flow' });
  const attempt = result.attempts.at(-1)!;
  expect(attempt).toMatchObject({ ok: true, trigger: 'operator' });
  const task = await stack.simulator.admin.task(attempt.resultId!);
  expect(task.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
});

test('an operator retry that fails again escalates again; abandon ends the run', async () => {
  const handle = await stack.start(failureEvent(loadSampleEvent().detail));
  await waitForPhase(handle, 'awaiting-operator');
  await handle.signal(retrySignal, { note: 'try again unchanged' });
  await eventually(
    async () => (await escalationsOn('connect-ops', handle.workflowId)).length === 2,
    'a second escalation',
  );
  await waitForPhase(handle, 'awaiting-operator');
  await handle.signal(abandonSignal, { note: 'rule deleted', by: 'jest' });
  const result = await stack.result(handle);
  await recordHistory('sample-escalated-twice-abandoned', handle);
  expect(result.outcome).toBe('abandoned');
  expect(result.escalations).toHaveLength(2);
  expect(result.escalations[1]!.reason).toMatch(
    /Operator retry failed .*ContactFlowId provided does not belong/,
  );
  expect(result.attempts).toEqual([expect.objectContaining({ trigger: 'operator', ok: false })]);
});

test('webhook and Connect-task channels deliver; the secret is sent but never recorded in the run', async () => {
  const event = failureEvent({ reasonCode: 'SomethingNew', error: 'scenario:webhook happened' });
  const handle = await stack.start(event);
  await waitForPhase(handle, 'awaiting-operator');

  const delivery = await eventually(
    async () => hook.received.find((r) => r.body.workflowId === handle.workflowId),
    'the webhook',
  );
  expect(delivery.headers.authorization).toBe(`Bearer ${SECRET}`);
  expect(delivery.body).toMatchObject({
    reason: expect.stringMatching(/test-webhook escalates SomethingNew/),
  });
  expect(String(delivery.body.text)).toContain(String(delivery.body.runUrl));

  const { tasks } = await stack.simulator.admin.state({ instanceId: SEED.instanceId });
  const opsTask = tasks.find(
    (t) => t.request.References?.['Remediation run']?.Value === delivery.body.runUrl,
  );
  expect(opsTask?.request.ContactFlowId).toBe(SEED.contactFlows.opsEscalation);

  await handle.signal(resolveSignal, { note: 'handled' });
  const result = await stack.result(handle);
  await recordHistory('webhook-and-task-channels-resolved', handle);
  expect(result.escalations[0]!.channels).toEqual([
    expect.objectContaining({ name: 'test-hook', ok: true }),
    expect.objectContaining({ name: 'ops-task', ok: true }),
  ]);
  // Every payload decoded — inputs, results, memo, summaries, failures — and the run's description.
  const recorded = decodedText(await handle.fetchHistory()) + decodedText((await handle.describe()).raw);
  expect(recorded).toContain('test-webhook escalates SomethingNew'); // the decoding reads payloads
  expect(recorded).not.toContain(SECRET);
});

test('when every channel fails the run stays escalated and keeps retrying until someone answers', async () => {
  const handle = await stack.start(failureEvent({ error: 'scenario:broken' }));
  await eventually(
    async () => brokenHook.received.filter((r) => r.body.workflowId === handle.workflowId).length >= 2,
    'two delivery attempts',
    40_000,
  );
  const description = await handle.describe();
  expect(description.status.name).toBe('RUNNING');
  expect((await handle.query('status')) as { phase: string }).toMatchObject({ phase: 'escalated' });
  const pending = description.raw.pendingActivities ?? [];
  expect(pending[0]?.activityType?.name).toBe('notifyChannel');
  expect(pending[0]?.attempt).toBeGreaterThanOrEqual(2);

  await handle.signal(resolveSignal, { note: 'paged by phone' });
  const result = await stack.result(handle);
  await recordHistory('failing-channel-resolved', handle);
  expect(result.outcome).toBe('resolved');
  expect(result.escalations[0]!.channels[0]).toMatchObject({
    ok: false,
    detail: expect.stringMatching(/cancelled/),
  });
}, 60_000);

test('without an answer within operatorWait the run ends escalated', async () => {
  const result = await stack.result(await stack.start(failureEvent({ error: 'scenario:short-wait' })));
  expect(result.outcome).toBe('escalated');
  expect(result.summary).toMatch(/no operator answer within 1s/);
});

test('SEND_NOTIFICATION failures escalate with the notification the rule could not send; a retry re-issues nothing', async () => {
  const event = failureEvent({
    ruleId: SEED.rules.supervisorEmail,
    actionType: 'SEND_NOTIFICATION',
    reasonCode: 'ThrottlingException',
    additionalInfo: JSON.stringify({ retryable: true, retryDelay: 10 }),
  });
  const handle = await stack.start(event);
  await waitForPhase(handle, 'awaiting-operator');
  const [escalation] = await escalationsOn('connect-ops', handle.workflowId);
  expect(escalation!.detail.notification).toMatchObject({
    deliveryMethod: 'EMAIL',
    subject: expect.any(String),
    content: expect.any(String),
    recipients: { userIds: expect.arrayContaining([expect.any(String)]) },
  });
  // A retry cannot apply: the run takes the decision, re-issues nothing and keeps waiting.
  await handle.signal(retrySignal, { by: 'ops' });
  await eventually(async () => {
    const status = await handle.query(statusQuery);
    return status.decision?.action === 'retry' && status.phase === 'awaiting-operator' ? status : undefined;
  }, 'the retry to be taken and refused');
  await handle.signal(resolveSignal, { note: 'emailed by hand' });
  const result = await stack.result(handle);
  expect(result.outcome).toBe('resolved');
  expect(result.attempts).toHaveLength(0);
  // Still the one escalation: a refused retry pages nobody again.
  expect(result.escalations).toHaveLength(1);
  await recordHistory('notification-escalated-resolved', handle);
});

test('an `ignore` policy records the event and ends without touching AWS', async () => {
  const before = (await stack.simulator.admin.state()).requestCounts.StartTaskContact?.total ?? 0;
  const result = await stack.result(await stack.start(failureEvent({ error: 'scenario:ignore' })));
  expect(result).toMatchObject({ outcome: 'resolved', attempts: [], escalations: [] });
  expect(result.summary).toMatch(/Ignored by policy test-ignore/);
  expect((await stack.simulator.admin.state()).requestCounts.StartTaskContact?.total ?? 0).toBe(before);
});

test('the deadline bounds automatic retries', async () => {
  const handle = await stack.start(
    failureEvent({
      ruleId: SEED.rules.followUpTask,
      reasonCode: 'ThrottlingException',
      error: 'scenario:deadline',
      additionalInfo: JSON.stringify({ retryable: true, retryDelay: 1000 }),
    }),
  );
  await waitForPhase(handle, 'awaiting-operator');
  await handle.signal(resolveSignal, {});
  const result = await stack.result(handle);
  expect(result.attempts).toHaveLength(0);
  expect(result.escalations[0]!.reason).toMatch(/deadline \(300ms\) would pass before retry 1/);
});

test('a failure AWS marked not retryable escalates unless the policy says otherwise', async () => {
  const plainRetry = (retryable: boolean) =>
    failureEvent({
      ruleId: SEED.rules.followUpTask,
      reasonCode: 'ThrottlingException',
      error: 'scenario:plain-retry',
      additionalInfo: JSON.stringify({ retryable, retryDelay: 10 }),
    });
  // The same policy retries the failure AWS calls retryable...
  const retryable = await stack.result(await stack.start(plainRetry(true)));
  expect(retryable).toMatchObject({ outcome: 'recovered', policy: { name: 'test-plain-retry' } });
  expect(retryable.attempts).toHaveLength(1);

  // ...and escalates the one it flags not retryable, without a single re-issue.
  const flaggedRun = await stack.start(plainRetry(false));
  await waitForPhase(flaggedRun, 'awaiting-operator');
  await flaggedRun.signal(resolveSignal, {});
  const notRetried = await stack.result(flaggedRun);
  expect(notRetried.policy?.name).toBe('test-plain-retry');
  expect(notRetried.attempts).toHaveLength(0);
  expect(notRetried.escalations[0]!.reason).toMatch(
    /AWS marked the ThrottlingException failure as not retryable/,
  );

  // The shipped `transient` policy sets retryEvenIfNotRetryable: throttling is transient by definition.
  const transient = await stack.result(
    await stack.start(
      failureEvent({
        ruleId: SEED.rules.followUpTask,
        reasonCode: 'ThrottlingException',
        additionalInfo: JSON.stringify({ retryable: false, retryDelay: 10 }),
      }),
    ),
  );
  expect(transient).toMatchObject({ outcome: 'recovered', policy: { name: 'transient' } });
});

describe('delivery that never hangs', () => {
  const deliveryAttribute = async (handle: WorkflowHandle) =>
    (await handle.describe()).searchAttributes.RemediationEscalationDelivery?.[0];

  test('an ops bus that answers AccessDenied fails at once: the fallback channel delivers and the operator wait starts', async () => {
    await stack.simulator.admin.injectFaults({
      errors: [{ operation: 'PutEvents', error: 'AccessDeniedException', count: 1 }],
    });
    const handle = await stack.start(failureEvent({ error: 'scenario:denied-bus' }));
    const status = await waitForPhase(handle, 'awaiting-operator');
    expect(status.awaitingOperatorUntil).toBeDefined();
    const [told] = await eventually(async () => {
      const posts = fallbackHook.received.filter((r) => r.body.workflowId === handle.workflowId);
      return posts.length ? posts : undefined;
    }, 'the fallback channel');
    expect(told!.headers['idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await eventually(
        async () => ((await deliveryAttribute(handle)) === 'fallback' ? 'fallback' : undefined),
        'the search attribute',
      ),
    ).toBe('fallback');
    // The Web UI's current details say nobody was reached through the policy's channels.
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toMatch(/NO CHANNEL DELIVERED: ops-bus: .*AccessDeniedException/);

    await handle.signal(resolveSignal, { note: 'seen in the fallback' });
    const result = await stack.result(handle);
    await recordHistory('escalation-failed-for-good-fallback-resolved', handle);
    expect(result.escalations[0]!.channels).toEqual([
      expect.objectContaining({
        name: 'ops-bus',
        ok: false,
        detail: expect.stringMatching(/cannot deliver as configured/),
      }),
      expect.objectContaining({ name: 'fallback-hook', ok: true }),
    ]);
    // Failed for good: one call, not a retry loop.
    const history = await handle.fetchHistory();
    const notifyAttempts = (history.events ?? []).filter(
      (e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt! > 1,
    );
    expect(notifyAttempts).toHaveLength(0);
  });

  test('a secret that is not set fails the webhook at once (the fallback is told), instead of retrying forever', async () => {
    const handle = await stack.start(failureEvent({ error: 'scenario:unset-secret' }));
    await waitForPhase(handle, 'awaiting-operator');
    expect(
      await eventually(
        async () => ((await deliveryAttribute(handle)) === 'fallback' ? 'fallback' : undefined),
        'the search attribute',
      ),
    ).toBe('fallback');
    expect(hook.received.filter((r) => r.body.workflowId === handle.workflowId)).toHaveLength(0);
    await handle.signal(resolveSignal, {});
    const result = await stack.result(handle);
    expect(result.escalations[0]!.channels[0]).toMatchObject({
      name: 'unset-secret-hook',
      ok: false,
      detail: expect.stringMatching(/CONNECT_REMEDIATOR_SECRET_NOBODY_SET_THIS is not set/),
    });
  });

  test('a webhook that times out once gets two posts with the same idempotency key', async () => {
    hook.delayNext(20_000);
    const handle = await stack.start(failureEvent({ error: 'scenario:flaky-hook' }));
    await waitForPhase(handle, 'awaiting-operator', 60_000);
    const posts = hook.received.filter((r) => r.body.workflowId === handle.workflowId);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    expect(posts[1]!.body.idempotencyKey).toBe(posts[0]!.headers['idempotency-key']);
    await handle.signal(resolveSignal, {});
    await stack.result(handle);
  }, 90_000);
});
