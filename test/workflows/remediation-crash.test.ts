/**
 * Durability: a worker dies in the middle of a remediation and another one finishes it, with no
 * second task — the backoff is a durable timer and StartTaskContact carries a ClientToken.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { actionOfRule, describeRuleDefinition, RuleCache, RuleReader } from '../../activities/rules';
import { createReissueActivities, type ReissueResult } from '../../activities/reissue';
import { SEED } from '../../simulator';
import { createAwsClients } from '../../worker/aws-clients';
import { statusQuery } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import { recordHistory } from '../helpers/histories';
import { startRemediationStack, type RemediationStack } from '../helpers/remediation-stack';
import { waitForPhase } from '../helpers/wait';

let stack: RemediationStack;
beforeAll(async () => {
  stack = await startRemediationStack({ name: 'crash' });
});
afterAll(() => stack.stop());

test('the worker shut down during a backoff (SIGKILL: hard-crash.test.ts): a new worker completes the run with exactly one task', async () => {
  const event = failureEvent({
    ruleId: SEED.rules.followUpTask,
    reasonCode: 'ThrottlingException',
    additionalInfo: JSON.stringify({ retryable: true, retryDelay: 3000 }),
  });
  const handle = await stack.start(event);
  await waitForPhase(handle, 'retrying');
  await stack.stopWorker();
  // The timer fires while no worker is running; the run must not be lost or re-started.
  await new Promise((resolve) => setTimeout(resolve, 3500));
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await stack.startWorker('replacement-worker');

  const result = await stack.result(handle);
  await recordHistory('create-task-worker-restarted-during-backoff', handle);
  expect(result.outcome).toBe('recovered');
  const { tasks } = await stack.simulator.admin.state({ instanceId: SEED.instanceId });
  expect(tasks.filter((t) => t.request.Attributes?.remediatedEventId === event.id)).toHaveLength(1);
  expect(await handle.query(statusQuery)).toMatchObject({ phase: 'recovered' });
}, 60_000);

test('re-issuing the same event twice (an activity retry), with the rule handed in or read, returns the same task', async () => {
  const { connect, eventBridge } = createAwsClients(stack.config.aws);
  const { startTaskContact } = createReissueActivities(
    { connect, eventBridge, runUrl: (id) => `http://ui/${id}` },
    new RuleReader(connect, new RuleCache()),
  ).activities;
  const event = failureEvent({ ruleId: SEED.rules.followUpTask, reasonCode: 'ThrottlingException' });
  const rule = await describeRuleDefinition(connect, {
    instanceId: SEED.instanceId,
    ruleId: event.detail.ruleId,
  });
  const action = actionOfRule(rule, 'CREATE_TASK');
  const env = new MockActivityEnvironment();
  const first: ReissueResult = await env.run(startTaskContact, { event, overrides: {}, attempt: 1, action });
  // The second without the action: the activity reads the rule itself, and the task is the same.
  const second: ReissueResult = await env.run(startTaskContact, { event, overrides: {}, attempt: 2 });
  expect(second.resultId).toBe(first.resultId);
  const { tasks } = await stack.simulator.admin.state({ instanceId: SEED.instanceId });
  expect(tasks.filter((t) => t.request.Attributes?.remediatedEventId === event.id)).toHaveLength(1);
  expect(first.notes.join(' ')).toMatch(/variable injection/);
});
