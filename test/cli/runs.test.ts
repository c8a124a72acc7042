/**
 * `connect-remediator runs list | show | signal` as an operator runs them: spawned processes
 * against the run's dev server (TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE), runs started the way the
 * ingress starts them, a real worker and the simulator. Acceptance of issue 8 for the CLI.
 */
import os from 'node:os';
import type { ConnectFailureEvent } from '../../events/types';
import { SEED } from '../../simulator';
import { startRemediation } from '../../ingress/start-remediation';
import { formatDelay } from '../../cli/runs/format-time';
import type { RunRow } from '../../cli/runs';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { decideUpdate, type RemediationResult } from '../../workflows/definitions';
import { failureEvent, loadSampleEvent } from '../helpers/events';
import { recordHistory } from '../helpers/histories';
import { runCli } from '../helpers/processes';
import { startRemediationStack, type RemediationStack } from '../helpers/remediation-stack';
import { eventually, waitForPhase } from '../helpers/wait';

let stack: RemediationStack;

beforeAll(async () => {
  stack = await startRemediationStack({ name: 'runs-cli' });
});
afterAll(() => stack.stop());

const runs = (...args: string[]) => runCli(['runs', ...args], stack.temporal);

/** Started as the ingress starts runs: search attributes, static summary and details included. */
async function start(event: ConnectFailureEvent) {
  const { workflowId } = await startRemediation(stack.temporal.client, stack.config.temporal, event, 'cli');
  return stack.temporal.client.workflow.getHandle(workflowId);
}

/** Visibility is eventually consistent: wait until `query` finds the run in `phase`. */
async function listedIn(query: string, workflowId: string, phase: string): Promise<void> {
  await eventually(async () => {
    for await (const info of stack.temporal.client.workflow.list({
      query: `${query} AND WorkflowId = "${workflowId}"`,
    }))
      if (info.typedSearchAttributes.get({ name: 'RemediationPhase', type: 'KEYWORD' }) === phase)
        return true;
    return false;
  }, `${workflowId} listed in phase ${phase}`);
}

const sampleEvent = () => failureEvent(loadSampleEvent().detail);

test('`runs show` of a run that recovered after failures lists each attempt with its delay and error', async () => {
  await stack.simulator.admin.injectFaults({
    errors: [{ operation: 'StartTaskContact', error: 'InternalServiceException', count: 2 }],
  });
  const handle = await start(
    failureEvent({
      ruleId: SEED.rules.followUpTask,
      reasonCode: 'ThrottlingException',
      error: 'Rate exceeded',
      additionalInfo: JSON.stringify({ retryable: true, retryDelay: 10 }),
    }),
  );
  const result = (await handle.result()) as RemediationResult;
  expect(result.attempts.map((a) => a.ok)).toEqual([false, false, true]);

  const { code, output } = await runs('show', handle.workflowId);

  expect(code).toBe(0);
  expect(output).toContain(`${handle.workflowId}  completed, outcome recovered`);
  expect(output).toContain('CREATE_TASK failed: ThrottlingException — Rate exceeded');
  expect(output).toMatch(/policy +transient → retry \(policy set [0-9a-f]+\)/);
  for (const attempt of result.attempts.slice(0, 2)) {
    expect(output).toMatch(
      new RegExp(
        `attempt ${attempt.attempt} +after ${formatDelay(attempt.delayMs)} backoff, failed in \\S+: InternalServiceException: ${attempt.error!.message}`,
      ),
    );
  }
  const last = result.attempts[2]!;
  expect(output).toMatch(
    new RegExp(`attempt 3 +after ${formatDelay(last.delayMs)} backoff, ok in \\S+ → task ${last.resultId}`),
  );
  expect(output).toMatch(/outcome +recovered — Recovered on attempt 3/);
  expect(output).toContain(
    `Web UI: ${stack.temporal.uiUrl}/namespaces/default/workflows/${handle.workflowId}`,
  );

  // The attempt count comes from the memo, so `runs list` shows it without asking the run.
  await listedIn(`WorkflowType = 'remediateFailedAction'`, handle.workflowId, 'recovered');
  const listed = await runs('list', '--reason', 'ThrottlingException', '--since', '10m', '--json');
  const row = (JSON.parse(listed.output) as RunRow[]).find((r) => r.workflowId === handle.workflowId);
  expect(row).toMatchObject({
    reason: 'ThrottlingException',
    action: 'CREATE_TASK',
    phase: 'recovered',
    attempts: 3,
  });
});

test('`runs list --reason ResourceNotFoundException` shows the escalated sample run in its table', async () => {
  const handle = await start(sampleEvent());
  await waitForPhase(handle, 'awaiting-operator');
  await listedIn(`ConnectReasonCode = "ResourceNotFoundException"`, handle.workflowId, 'awaiting-operator');

  const { code, output } = await runs('list', '--reason', 'ResourceNotFoundException');

  expect(code).toBe(0);
  const lines = output.trim().split('\n');
  expect(lines[0]).toMatch(/^WORKFLOW ID +REASON +ACTION +PHASE +ATTEMPTS +AGE$/);
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^${handle.workflowId} +ResourceNotFoundException +CREATE_TASK +awaiting-operator +0 +\\d+s$`,
      ),
    ),
  );
  expect(lines.slice(1, -1).every((line) => line.includes('ResourceNotFoundException'))).toBe(true);

  // Other filters narrow it down or leave it out.
  const escalated = await runs(
    'list',
    '--phase',
    'awaiting-operator',
    '--since',
    '1h',
    '--reason',
    'ResourceNotFoundException',
  );
  expect(escalated.output).toContain(handle.workflowId);
  const recovered = await runs('list', '--phase', 'recovered', '--reason', 'ResourceNotFoundException');
  expect(recovered.output).not.toContain(handle.workflowId);

  await handle.signal('resolve', { note: 'list test done' });
});

test('`runs show` of a run waiting for an operator tells what happened and what it waits for', async () => {
  const handle = await start(sampleEvent());
  await waitForPhase(handle, 'awaiting-operator');

  const { code, output } = await runs('show', handle.workflowId);

  expect(code).toBe(0);
  expect(output).toContain(`${handle.workflowId}  running, phase awaiting-operator`);
  expect(output).toMatch(
    /received +CREATE_TASK failed: ResourceNotFoundException — ContactFlowId provided does not belong to connect instance/,
  );
  expect(output).toMatch(
    /rule 7410c94b-21c2-4db0-a707-c6d751edbe8f, instance cb54730f-5aac-4376-b2f4-7c822889931e, trigger THIRD_PARTY/,
  );
  expect(output).toMatch(/escalated +Policy flow-misconfigured escalates ResourceNotFoundException/);
  expect(output).toMatch(/delivered via ops-bus \(eventbridge\): \S+/);
  expect(output).toMatch(
    /now +waiting for an operator \(runs signal <id> retry\|resolve\|abandon\) until \d{4}-/,
  );
  expect(output).not.toMatch(/attempt \d/);

  await handle.signal('resolve', { note: 'show test done' });
});

test('`runs signal <id> resolve --note "flow fixed"` ends the run resolved with the note in its result', async () => {
  const handle = await start(sampleEvent());
  await waitForPhase(handle, 'awaiting-operator');

  const sent = await runs('signal', handle.workflowId, 'resolve', '--note', 'flow fixed');

  expect(sent.code).toBe(0);
  const user = os.userInfo().username;
  expect(sent.output).toContain(`${handle.workflowId} accepted resolve (phase was awaiting-operator)`);
  expect(sent.output).toMatch(/did: +the run ends resolved\n/);
  expect(sent.output).toMatch(new RegExp(`by: +${user}\\n`));
  expect(sent.output).toMatch(/note: +flow fixed\n/);
  const result = (await handle.result()) as RemediationResult;
  expect(result.outcome).toBe('resolved');
  expect(result.decision).toMatchObject({ action: 'resolve', note: 'flow fixed', by: user });
  expect(result.summary).toBe(`Resolved by ${user}: flow fixed`);

  const shown = await runs('show', handle.workflowId);
  expect(shown.output).toMatch(new RegExp(`decision +resolve by ${user}: flow fixed`));
  expect(shown.output).toMatch(new RegExp(`outcome +resolved — Resolved by ${user}: flow fixed`));

  const again = await runs('signal', handle.workflowId, 'abandon');
  expect(again.code).toBe(1);
  expect(again.output).toContain(
    `"${handle.workflowId}" already ended (completed, phase resolved): only a running run takes decisions`,
  );
});

test('`runs signal <id> retry --override` sends the overrides, and the run re-issues with them', async () => {
  const handle = await start(sampleEvent());
  await waitForPhase(handle, 'awaiting-operator');

  const sent = await runs(
    'signal',
    handle.workflowId,
    'retry',
    '--override',
    `contactFlowId=${SEED.contactFlows.taskTriage}`,
    '--override',
    'attribute.fixedBy=ops',
    '--by',
    'alice',
  );

  expect(sent.code).toBe(0);
  expect(sent.output).toMatch(/did: +re-issuing now \(attempt 1, with contactFlowId, attribute\.fixedBy\)/);
  expect(sent.output).toContain(`override: contactFlowId=${SEED.contactFlows.taskTriage}`);
  expect(sent.output).toContain('override: attribute.fixedBy=ops');
  const result = (await handle.result()) as RemediationResult;
  expect(result.outcome).toBe('recovered');
  expect(result.decision).toMatchObject({ action: 'retry', by: 'alice' });
  const task = await stack.simulator.admin.task(result.attempts.at(-1)!.resultId!);
  expect(task.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
  expect(task.request.Attributes?.fixedBy).toBe('ops');
});

test('errors name what was wrong: unknown id, not a remediation run, bad override key, override on resolve', async () => {
  const unknown = await runs('show', 'remediate-does-not-exist');
  expect(unknown.code).toBe(1);
  expect(unknown.output).toContain(
    'connect-remediator: no run with workflow id "remediate-does-not-exist" in namespace "default"',
  );

  const other = await stack.temporal.client.workflow.start('someOtherWorkflow', {
    taskQueue: `${stack.taskQueue}-nobody`,
    workflowId: `not-a-remediation-${Date.now()}`,
  });
  try {
    const shown = await runs('signal', other.workflowId, 'resolve');
    expect(shown.code).toBe(1);
    expect(shown.output).toContain(
      `"${other.workflowId}" is a someOtherWorkflow run, not a remediation run (remediateFailedAction)`,
    );
  } finally {
    await other.terminate('test over');
  }

  const handle = await start(sampleEvent());
  const badKey = await runs('signal', handle.workflowId, 'retry', '--override', 'contactFlow=abc');
  expect(badKey.code).toBe(1);
  expect(badKey.output).toContain(
    'unknown override key(s) "contactFlow": expected one of contactFlowId, name,',
  );
  const notKeyValue = await runs('signal', handle.workflowId, 'retry', '--override', 'contactFlowId');
  expect(notKeyValue.output).toContain('--override "contactFlowId": expected key=value');
  const onResolve = await runs('signal', handle.workflowId, 'resolve', '--override', 'name=x');
  expect(onResolve.output).toContain('--override applies to retry only, not to resolve');
  const badPhase = await runs('list', '--phase', 'stuck');
  expect(badPhase.code).not.toBe(0);
  expect(badPhase.output).toContain(
    "option '--phase <phase>' argument 'stuck' is invalid. expected one of received,",
  );

  // None of the refused signals reached the run.
  await waitForPhase(handle, 'awaiting-operator');
  await handle.signal('abandon', { note: 'errors test done' });
  expect(((await handle.result()) as RemediationResult).decision).toMatchObject({ action: 'abandon' });
});

test('a second decision while the first waits is refused with the reason; the first is answered with what the run did', async () => {
  // The run's re-issue is slow (AWS takes 8 s): a decision sent meanwhile waits for the next step.
  await stack.simulator.admin.injectFaults({
    latencyMs: { StartTaskContact: 8_000 },
    errors: [{ operation: 'StartTaskContact', error: 'InternalServiceException', count: 1 }],
  });
  try {
    const handle = await start(
      failureEvent({
        ruleId: SEED.rules.followUpTask,
        reasonCode: 'ThrottlingException',
        additionalInfo: JSON.stringify({ retryable: true, retryDelay: 10 }),
      }),
    );
    await eventually(async () => {
      const { raw } = await handle.describe();
      return (raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'startTaskContact');
    }, 'the re-issue to be in flight');
    const first = await handle.startUpdate(decideUpdate, {
      args: [{ action: 'resolve', by: 'alice', note: 'fixed by hand' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });

    const second = await runs('signal', handle.workflowId, 'abandon', '--by', 'bob');
    expect(second.code).toBe(1);
    expect(second.output).toContain(
      `connect-remediator: ${handle.workflowId} refused the abandon: a decision is already waiting to be acted on (resolve by alice): wait for its answer, then decide again`,
    );

    expect(await first.result()).toMatchObject({ action: 'resolve', effect: 'the run ends resolved' });
    const result = (await handle.result()) as RemediationResult;
    expect(result).toMatchObject({ outcome: 'resolved', decision: { action: 'resolve', by: 'alice' } });
  } finally {
    await stack.simulator.admin.clearFaults();
  }
}, 60_000);

test('a decision the run cannot apply is refused by the run itself, not only by the CLI', async () => {
  const handle = await start(sampleEvent());
  await waitForPhase(handle, 'awaiting-operator');
  // Sent past the CLI's own checks: the run's validator refuses it and records nothing.
  await expect(
    handle.executeUpdate(decideUpdate, { args: [{ action: 'retry', overrides: { flow: 'x' } }] }),
  ).rejects.toThrow(WorkflowUpdateFailedError);
  await expect(
    handle.executeUpdate(decideUpdate, { args: [{ action: 'resolve', overrides: { name: 'x' } }] }),
  ).rejects.toThrow(WorkflowUpdateFailedError);
  // Types and lengths too (the schema of policies/operator-decision.ts, run inside the workflow).
  const refusal = (decision: unknown) =>
    handle.executeUpdate(decideUpdate, { args: [decision as never] }).then(
      () => 'accepted',
      (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
    );
  expect(await refusal({ action: 'resolve', note: 'x'.repeat(2001) })).toMatch(
    /^note: expected text of at most 2000 characters/,
  );
  expect(await refusal({ action: 'retry', overrides: { 'attribute.__proto__': 'x' } })).toMatch(
    /^overrides: expected one of .*unknown override key\(s\) "attribute.__proto__"/,
  );
  // A signal cannot be refused to its sender: an invalid one is dropped (and logged), the run waits on.
  await handle.signal('resolve', { note: 42 });
  await expect(handle.query('status')).resolves.toMatchObject({ phase: 'awaiting-operator' });
  const history = await handle.fetchHistory();
  expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(
    0,
  );
  expect(await handle.executeUpdate(decideUpdate, { args: [{ action: 'abandon' }] })).toMatchObject({
    effect: 'the run ends abandoned',
    phase: 'awaiting-operator',
  });
  expect(((await handle.result()) as RemediationResult).outcome).toBe('abandoned');
  await recordHistory('decided-by-update-abandoned', handle);
});
