/** The plan `policies explain` prints for each strategy (the CLI test covers the whole command). */
import { explainEvent } from '../../policies/explain';
import type { MatchFacts } from '../../policies/types';
import { loadPolicySet, throttledFacts, validPolicyYaml } from './fixtures';

const facts = throttledFacts;

function planFor(policyLines: string[], overrides: Partial<MatchFacts> = {}, retryHintMs?: number): string[] {
  const set = loadPolicySet(validPolicyYaml({ policies: policyLines }));
  const { lines } = explainEvent({ set, facts: facts(overrides), retryHintMs });
  const plan = lines.indexOf('Plan') + 1;
  return lines.slice(plan, lines.indexOf('', plan)).map((line) => line.trim());
}

test('retry: one row per attempt, the cut-off, and what happens after the last attempt', () => {
  const plan = planFor([
    '  - name: transient',
    '    when: { reasonCode: ThrottlingException }',
    '    then: retry',
    '    retry: { initialInterval: 1m, backoffCoefficient: 1, maximumAttempts: 100, jitter: 0 }',
    '    deadline: 3m',
  ]);
  expect(plan).toEqual([
    'attempt  wait before it  at (after the failure)',
    '1        1m              1m',
    '2        1m              2m',
    '3        1m              3m',
    'the 3m deadline ends it before attempt 4 (maximumAttempts 100)',
    'if every attempt fails: escalate to ops-bus, then wait up to 7d for an operator (retry | resolve | abandon)',
  ]);
});

test('retry: jitter ranges, attempts that may miss the deadline, and long plans elided', () => {
  const plan = planFor([
    '  - name: transient',
    '    when: { reasonCode: ThrottlingException }',
    '    then: retry',
    '    retry: { initialInterval: 1m, backoffCoefficient: 1, maximumAttempts: 30, jitter: 0.5 }',
    '    deadline: 25m',
  ]);
  expect(plan[1]).toBe('1        1m (30s–1m 30s)  30s–1m 30s');
  expect(plan).toContain('…');
  expect(plan.filter((line) => /^\d/.test(line))).toHaveLength(13);
  expect(plan.some((line) => line.endsWith(' *'))).toBe(true);
  expect(plan).toContain('* may fall after the deadline, depending on jitter (then it does not happen)');
  expect(plan).toContain('ends after 30 attempt(s) (maximumAttempts) within the 25m deadline');
});

test('retry of an error AWS marked not retryable says it escalates at once', () => {
  const plan = planFor(
    ['  - name: transient', '    when: { reasonCode: ThrottlingException }', '    then: retry'],
    { retryable: false },
  );
  expect(plan[0]).toMatch(/retryable: false and the policy does not set retryEvenIfNotRetryable/);
  expect(plan[1]).toMatch(/^so there is no re-issue: escalate to ops-bus/);
});

test('wait-for-capacity: the wait, then the retry schedule when capacity.then is retry', () => {
  const plan = planFor([
    '  - name: quota',
    '    when: { reasonCode: ThrottlingException }',
    '    then: wait-for-capacity',
    '    capacity: { maxWait: 2h, then: retry, source: probe }',
    '    retry: { maximumAttempts: 2, jitter: 0 }',
  ]);
  expect(plan.slice(0, 4)).toEqual([
    'wait up to 2h for task capacity (probe), then re-issue the action',
    'no capacity by then: re-issue on this schedule',
    'attempt  wait before it  at (after the failure)',
    '1        10s             10s',
  ]);
});

test('ignore records only', () => {
  expect(
    planFor(['  - name: quiet', '    when: { reasonCode: ThrottlingException }', '    then: ignore']),
  ).toEqual(['record the failure and end: no re-issue, no escalation']);
});

test('an action the engine cannot re-issue is escalated whatever the strategy', () => {
  const plan = planFor(
    ['  - name: anything', '    when: { reasonCode: ThrottlingException }', '    then: wait-for-capacity'],
    { actionType: 'SEND_NOTIFICATION' },
  );
  expect(plan).toEqual([
    'SEND_NOTIFICATION actions cannot be re-issued, so: escalate to ops-bus, then wait up to 7d for an operator (retry | resolve | abandon)',
  ]);
});

test('the AWS budgets: each operation at the share of its limit, and the storm bound it implies', () => {
  const set = loadPolicySet(
    'apiRateLimits:\n  share: 0.8\n  operations: { StartTaskContact: 10 }\n' +
      validPolicyYaml({
        policies: ['  - name: transient', '    when: { reasonCode: ThrottlingException }', '    then: retry'],
      }),
  );
  const { lines } = explainEvent({ set, facts: facts() });
  const budgets = lines
    .slice(lines.findIndex((line) => line.startsWith('AWS API budgets')) + 1)
    .map((l) => l.trim());
  expect(budgets).toEqual([
    'StartTaskContact:     8/s (80% of 10/s)',
    'DescribeRule:         1.6/s (80% of 2/s)',
    'GetCurrentMetricData: 4/s (80% of 5/s)',
    'ListQueues:           1.6/s (80% of 2/s)',
    'PutEvents:            320/s (80% of 400/s)',
    '→ re-issued tasks at most 8/s: a storm of 10,000 needs at least 20m 50s',
  ]);
});
