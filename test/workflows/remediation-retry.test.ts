/**
 * Re-issuing failed actions with backoff, against the real dev server and the simulator through
 * the real AWS SDK clients.
 */
import { SEED } from '../../simulator';
import { rateLimitedTaskQueue, statusQuery } from '../../workflows/definitions';
import { eventTimeMs, eventTypeName } from '../helpers/histories';
import { failureEvent } from '../helpers/events';
import { startRemediationStack, type RemediationStack } from '../helpers/remediation-stack';
import { recordHistory } from '../helpers/histories';
import { waitForPhase } from '../helpers/wait';

let stack: RemediationStack;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'retry' });
});
afterAll(() => stack.stop());

const additionalInfo = (fields: Record<string, unknown>) => JSON.stringify({ statusCode: 429, ...fields });

async function tasksFor(eventId: string) {
  const { tasks } = await stack.simulator.admin.state({ instanceId: SEED.instanceId });
  return tasks.filter((t) => t.request.Attributes?.remediatedEventId === eventId);
}

test('a throttled CREATE_TASK waits at least retryDelay, then recovers with exactly one task', async () => {
  const event = failureEvent({
    ruleId: SEED.rules.followUpTask,
    actionType: 'CREATE_TASK',
    reasonCode: 'ThrottlingException',
    error: 'Rate exceeded',
    additionalInfo: additionalInfo({ code: 'ThrottlingException', retryable: true, retryDelay: 2000 }),
  });
  const handle = await stack.start(event);
  const result = await stack.result(handle);
  await recordHistory('create-task-throttled-recovered', handle);

  expect(result.outcome).toBe('recovered');
  expect(result.policy?.name).toBe('transient');
  expect(result.attempts).toHaveLength(1);
  expect(result.attempts[0]).toMatchObject({ ok: true, trigger: 'policy' });
  expect(result.attempts[0]!.delayMs).toBeGreaterThanOrEqual(2000);

  // From the history: the re-issue was scheduled no sooner than 2 s after the run started, on
  // StartTaskContact's own rate-limited task queue.
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const started = eventTimeMs(events[0]!);
  const reissue = events.find(
    (e) =>
      eventTypeName(e) === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === 'startTaskContact',
  );
  expect(reissue).toBeDefined();
  expect(eventTimeMs(reissue!) - started).toBeGreaterThanOrEqual(2000);
  expect(reissue!.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(
    rateLimitedTaskQueue(stack.taskQueue, 'StartTaskContact'),
  );

  const tasks = await tasksFor(event.id);
  expect(tasks).toHaveLength(1);
  expect(tasks[0]!.contactId).toBe(result.attempts[0]!.resultId);
  expect(tasks[0]!.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
  expect(tasks[0]!.request.References?.['Remediation run']?.Value).toContain(
    encodeURIComponent(handle.workflowId),
  );
});

test('transient errors on re-issue are retried with growing delays until one succeeds', async () => {
  await stack.simulator.admin.injectFaults({
    errors: [{ operation: 'StartTaskContact', error: 'InternalServiceException', count: 2 }],
  });
  const event = failureEvent({
    ruleId: SEED.rules.followUpTask,
    reasonCode: 'InternalServiceException',
    error: 'Internal error',
    additionalInfo: additionalInfo({ retryable: true, retryDelay: 50 }),
  });
  const handle = await stack.start(event);
  const result = await stack.result(handle);
  await recordHistory('create-task-internal-errors-retried', handle);
  expect(result.outcome).toBe('recovered');
  expect(result.attempts.map((a) => a.ok)).toEqual([false, false, true]);
  expect(result.attempts[0]!.error?.name).toBe('InternalServiceException');
  // 200ms × 2^(n-1) with ±10% jitter: each wait longer than the one before.
  expect(result.attempts[1]!.delayMs).toBeGreaterThan(result.attempts[0]!.delayMs);
  expect(result.attempts[2]!.delayMs).toBeGreaterThan(result.attempts[1]!.delayMs);
  expect(await tasksFor(event.id)).toHaveLength(1);
});

test('retries stop at maximumAttempts and the run escalates with the last error', async () => {
  await stack.simulator.admin.injectFaults({
    errors: [{ operation: 'StartTaskContact', error: 'InternalServiceException', count: 10 }],
  });
  const event = failureEvent({
    ruleId: SEED.rules.followUpTask,
    reasonCode: 'ThrottlingException',
    additionalInfo: additionalInfo({ retryable: true, retryDelay: 10 }),
  });
  const handle = await stack.start(event);
  await waitForPhase(handle, 'awaiting-operator');
  const status = await handle.query(statusQuery);
  expect(status).toMatchObject({ attempt: 4, lastError: { name: 'InternalServiceException' } });
  await handle.signal('abandon', { note: 'test over' });
  const result = await stack.result(handle);
  await recordHistory('create-task-attempts-exhausted-abandoned', handle);
  expect(result.outcome).toBe('abandoned');
  expect(result.attempts).toHaveLength(4);
  expect(result.escalations[0]!.reason).toMatch(
    /Gave up after 4 retries; last error InternalServiceException/,
  );
  await stack.simulator.admin.clearFaults();
});

test('GENERATE_EVENTBRIDGE_EVENT is re-issued to the bus under our own source', async () => {
  const event = failureEvent({
    ruleId: SEED.rules.churnRiskEvent,
    actionType: 'GENERATE_EVENTBRIDGE_EVENT',
    reasonCode: 'InternalException',
    error: 'Internal failure',
    additionalInfo: additionalInfo({ retryable: true, retryDelay: 10 }),
  });
  const handle = await stack.start(event);
  const result = await stack.result(handle);
  await recordHistory('eventbridge-event-reissued', handle);
  expect(result.outcome).toBe('recovered');
  const events = await stack.simulator.admin.events('default');
  const reissued = events.find((e) => e.detail.originalEventId === event.id);
  expect(reissued).toMatchObject({ source: 'connect-remediator', detailType: 'churn-risk-detected' });
  expect(reissued!.eventId).toBe(result.attempts.at(-1)!.resultId);
});

test('a PutEvents per-entry failure is a failed attempt: retryable codes retry, others escalate', async () => {
  await stack.simulator.admin.injectFaults({ entryErrors: [{ errorCode: 'InternalFailure', count: 1 }] });
  const retried = failureEvent({
    ruleId: SEED.rules.churnRiskEvent,
    actionType: 'GENERATE_EVENTBRIDGE_EVENT',
    reasonCode: 'ThrottlingException',
    additionalInfo: additionalInfo({ retryable: true, retryDelay: 10 }),
  });
  const firstHandle = await stack.start(retried);
  const first = await stack.result(firstHandle);
  await recordHistory('eventbridge-entry-failure-retried', firstHandle);
  expect(first.outcome).toBe('recovered');
  expect(first.attempts[0]!.error).toMatchObject({ name: 'InternalFailure' });
  expect(first.attempts).toHaveLength(2);

  await stack.simulator.admin.injectFaults({
    entryErrors: [{ errorCode: 'AccessDeniedException', count: 1 }],
  });
  const denied = failureEvent({
    ruleId: SEED.rules.churnRiskEvent,
    actionType: 'GENERATE_EVENTBRIDGE_EVENT',
    reasonCode: 'ThrottlingException',
    additionalInfo: additionalInfo({ retryable: true, retryDelay: 10 }),
  });
  const handle = await stack.start(denied);
  await waitForPhase(handle, 'awaiting-operator');
  await handle.signal('resolve', { note: 'granted the permission by hand' });
  const second = await stack.result(handle);
  await recordHistory('eventbridge-entry-denied-resolved', handle);
  expect(second.outcome).toBe('resolved');
  expect(second.attempts[0]!.error).toMatchObject({ name: 'AccessDeniedException' });
  expect(second.escalations).toHaveLength(1);
});
