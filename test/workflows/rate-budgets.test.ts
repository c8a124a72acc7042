/**
 * AWS's API rate limits, against the simulator enforcing them and the real dev server: the
 * engine's budget holds across three workers on one task queue (Temporal's server-side task queue
 * rate limit, not a limiter of ours); DescribeRule is read once per rule while fresh, and anew for
 * an operator's retry; a throttled re-issue keeps its turn and costs no attempt.
 */
import { randomUUID } from 'node:crypto';
import { spawnCli, type CliProcess } from '../helpers/processes';
import { RuleCache } from '../../activities/rules';
import { SEED } from '../../simulator';
import { retrySignal, type RemediationResult } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import {
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import { waitForPhase } from '../helpers/wait';
import { workerProcessEnv } from '../helpers/worker-process';

const additionalInfo = (fields: Record<string, unknown>) => JSON.stringify({ statusCode: 429, ...fields });
const throttledTaskEvent = (ruleId: string = SEED.rules.followUpTask) =>
  failureEvent({
    ruleId,
    actionType: 'CREATE_TASK',
    reasonCode: 'ThrottlingException',
    error: 'Rate exceeded',
    additionalInfo: additionalInfo({ code: 'ThrottlingException', retryable: true, retryDelay: 10 }),
  });

async function callCount(stack: RemediationStack, operation: string): Promise<number> {
  return (await stack.simulator.admin.state({ tasks: 'none' })).requestCounts[operation]?.total ?? 0;
}

describe('the StartTaskContact budget across three workers', () => {
  const RATE = 5;
  const BURST = 10;
  let stack: RemediationStack;
  const extra: CliProcess[] = [];

  beforeAll(async () => {
    stack = await startRemediationStack({
      name: 'rate-3-workers',
      // AWS-like limits in the simulator, and the engine's budget set to the whole of it (share 1).
      simulator: { rateLimits: { StartTaskContact: { rate: RATE, burst: BURST } }, requestLogSize: 10_000 },
      policiesYaml: testSpeedPolicies({ set: { 'apiRateLimits.operations.StartTaskContact': RATE } }),
    });
    // Two more worker processes, started as ops start them, on the same task queue.
    for (const name of ['second', 'third']) {
      extra.push(spawnCli(['worker'], workerProcessEnv(stack, { NODE_ENV: name })));
    }
    await Promise.all(extra.map((worker) => worker.waitFor(/polling task queue/, 120_000)));
  }, 180_000);
  afterAll(async () => {
    for (const worker of extra) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await stack.stop();
  });

  test('40 re-issues at once: no second in which the engine calls StartTaskContact more than rate + burst', async () => {
    const events = Array.from({ length: 40 }, () => throttledTaskEvent());
    const handles = await Promise.all(events.map((event) => stack.start(event)));
    const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
    expect(results.map((r) => r.outcome)).toEqual(events.map(() => 'recovered'));
    // Every run re-issued once: nothing was lost to throttling.
    expect(results.map((r) => r.attempts.length)).toEqual(events.map(() => 1));

    const perSecond = await stack.simulator.admin.requestsPerSecond('StartTaskContact');
    expect(perSecond.reduce((n, s) => n + s.total, 0)).toBeGreaterThanOrEqual(40);
    console.log(`StartTaskContact calls per second: ${perSecond.map((s) => s.total).join(' ')}`);
    const busiest = Math.max(...perSecond.map((s) => s.total));
    expect(busiest).toBeLessThanOrEqual(RATE + BURST);
    // Three workers polled the queue; the server paced them together (40 calls at 5/s: ≥ 6 s).
    expect(perSecond.length).toBeGreaterThanOrEqual(6);
  }, 120_000);
});

describe('DescribeRule, once per rule while fresh', () => {
  let stack: RemediationStack;

  beforeAll(async () => {
    // A short lifetime, so the test sees it end (RULE_CACHE_TTL_MS is a minute).
    stack = await startRemediationStack({
      name: 'rule-cache',
      depsOverride: { rules: new RuleCache(3_000) },
    });
  });
  afterAll(() => stack.stop());

  test('many runs of one rule read it once per lifetime of the cached definition', async () => {
    const before = await callCount(stack, 'DescribeRule');
    const first = await stack.start(throttledTaskEvent());
    expect(((await first.result()) as RemediationResult).outcome).toBe('recovered');
    expect((await callCount(stack, 'DescribeRule')) - before).toBe(1);

    const handles = await Promise.all(Array.from({ length: 10 }, () => stack.start(throttledTaskEvent())));
    await Promise.all(handles.map((h) => h.result()));
    expect((await callCount(stack, 'DescribeRule')) - before).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 3_100)); // the definition is stale now
    const later = await stack.start(throttledTaskEvent());
    await later.result();
    expect((await callCount(stack, 'DescribeRule')) - before).toBe(2);
  }, 60_000);

  test('an operator retry reads the rule anew: the fix made in Connect is used at once', async () => {
    // A rule whose task goes to a flow of another instance: every re-issue fails until it is fixed.
    const ruleId = randomUUID();
    const brokenRule = {
      Name: 'follow up (broken)',
      Actions: [
        {
          ActionType: 'CREATE_TASK' as const,
          TaskAction: { Name: 'Follow up', ContactFlowId: '476b4209-6695-42c4-8e32-78fe206e8824' },
        },
      ],
    };
    await stack.simulator.admin.addRule(SEED.instanceId, { RuleId: ruleId, ...brokenRule });
    const handle = await stack.start(throttledTaskEvent(ruleId));
    await waitForPhase(handle, 'awaiting-operator');

    // Someone fixes the rule in Connect, within the cache's lifetime, and answers the run.
    await stack.simulator.admin.updateRule(SEED.instanceId, ruleId, {
      ...brokenRule,
      Actions: [
        {
          ActionType: 'CREATE_TASK',
          TaskAction: { Name: 'Follow up', ContactFlowId: SEED.contactFlows.taskTriage },
        },
      ],
    });
    const describedBefore = await callCount(stack, 'DescribeRule');
    await handle.signal(retrySignal, { note: 'rule fixed' });
    const result = (await handle.result()) as RemediationResult;
    expect(result.outcome).toBe('recovered');
    expect((await callCount(stack, 'DescribeRule')) - describedBefore).toBe(1);
    const task = await stack.simulator.admin.task(result.attempts.at(-1)!.resultId!);
    expect(task.request.ContactFlowId).toBe(SEED.contactFlows.taskTriage);
  }, 60_000);

  test('a throttled re-issue keeps its turn: retried in place, not an attempt of the policy', async () => {
    await stack.simulator.admin.injectFaults({
      errors: [{ operation: 'StartTaskContact', error: 'ThrottlingException', count: 3 }],
    });
    const handle = await stack.start(throttledTaskEvent());
    const result = (await handle.result()) as RemediationResult;
    expect(result.outcome).toBe('recovered');
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ ok: true, attempt: 1 });
    // The activity itself was tried four times: three throttles, then the task.
    const history = await handle.fetchHistory();
    const started = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.at(-1)!.activityTaskStartedEventAttributes!.attempt).toBe(4);
  }, 60_000);
});
