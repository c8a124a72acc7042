/**
 * Matching: first match in file order, every condition, value-or-list, and the catch-all for
 * whatever AWS sends that nobody anticipated.
 */
import fs from 'node:fs';
import { conditionMisses, describeMiss, matchPolicy } from '../../policies/match';
import type { MatchFacts } from '../../policies/types';
import { loadPolicySet, sampleFacts, SHIPPED_POLICIES, validPolicyYaml } from './fixtures';

const facts = sampleFacts;

const QUOTA_MESSAGE = 'Active tasks quota exceeded for instance cb54730f: 2500 open tasks, quota 2500';
const CHAIN_MESSAGE = 'Cannot create more than 12 tasks linked to the same PreviousContactId';

describe('the shipped policies', () => {
  const set = loadPolicySet(fs.readFileSync(SHIPPED_POLICIES, 'utf8'));

  test.each([
    ['ServiceQuotaExceededException', 'CREATE_TASK', QUOTA_MESSAGE, 'task-quota', 'wait-for-capacity'],
    // AWS documents no message text: whatever the event's error says, the re-issue (which never
    // sets a PreviousContactId) can only meet the task quota.
    ['ServiceQuotaExceededException', 'CREATE_TASK', CHAIN_MESSAGE, 'task-quota', 'wait-for-capacity'],
    ['ThrottlingException', 'CREATE_TASK', 'Rate exceeded', 'transient', 'retry'],
    ['InternalServiceException', 'CREATE_TASK', 'Internal error', 'transient', 'retry'],
    ['InternalException', 'GENERATE_EVENTBRIDGE_EVENT', 'Internal error', 'transient', 'retry'],
    ['InternalFailure', 'GENERATE_EVENTBRIDGE_EVENT', 'Internal failure', 'transient', 'retry'],
    ['ThrottlingException', 'GENERATE_EVENTBRIDGE_EVENT', 'Rate exceeded', 'transient', 'retry'],
    [
      'ResourceNotFoundException',
      'CREATE_TASK',
      'ContactFlowId provided …',
      'flow-misconfigured',
      'escalate',
    ],
    ['InvalidParameterException', 'CREATE_TASK', 'bad', 'invalid-request', 'escalate'],
    ['InvalidRequestException', 'CREATE_TASK', 'bad', 'invalid-request', 'escalate'],
    ['AccessDeniedException', 'CREATE_TASK', 'denied', 'access-denied', 'escalate'],
    ['AccessDeniedException', 'GENERATE_EVENTBRIDGE_EVENT', 'denied', 'access-denied', 'escalate'],
    ['InvalidAccountIdException', 'GENERATE_EVENTBRIDGE_EVENT', 'x', 'eventbridge-rejected', 'escalate'],
    ['InvalidArgument', 'GENERATE_EVENTBRIDGE_EVENT', 'x', 'eventbridge-rejected', 'escalate'],
    ['MalformedDetail', 'GENERATE_EVENTBRIDGE_EVENT', 'x', 'eventbridge-rejected', 'escalate'],
    ['RedactionFailure', 'GENERATE_EVENTBRIDGE_EVENT', 'x', 'eventbridge-rejected', 'escalate'],
    [
      'NotAuthorizedForSourceException',
      'GENERATE_EVENTBRIDGE_EVENT',
      'x',
      'eventbridge-rejected',
      'escalate',
    ],
    [
      'NotAuthorizedForDetailTypeException',
      'GENERATE_EVENTBRIDGE_EVENT',
      'x',
      'eventbridge-rejected',
      'escalate',
    ],
    // There is no API to re-send a notification, so even a throttled one is escalated.
    ['ThrottlingException', 'SEND_NOTIFICATION', 'Rate exceeded', 'notification-failed', 'escalate'],
    ['InternalServiceException', 'SEND_NOTIFICATION', 'x', 'notification-failed', 'escalate'],
    // Unknown to us: a new reason code, a new action type, a quota error on another action.
    ['BrandNewException', 'CREATE_TASK', 'x', 'catch-all', 'escalate'],
    ['ThrottlingException', 'SEND_CARRIER_PIGEON', 'x', 'catch-all', 'escalate'],
    ['ResourceNotFoundException', 'SEND_CARRIER_PIGEON', 'x', 'catch-all', 'escalate'],
    ['AccessDeniedException', 'SEND_CARRIER_PIGEON', 'x', 'catch-all', 'escalate'],
    ['BrandNewException', 'SEND_CARRIER_PIGEON', 'x', 'catch-all', 'escalate'],
    ['ServiceQuotaExceededException', 'GENERATE_EVENTBRIDGE_EVENT', 'x', 'catch-all', 'escalate'],
    ['MalformedDetail', 'CREATE_TASK', 'x', 'catch-all', 'escalate'],
    ['', '', '', 'catch-all', 'escalate'],
  ])('%s on %s (%s) → %s', (reasonCode, actionType, error, expectedName, strategy) => {
    const { policy } = matchPolicy(set, facts({ reasonCode, actionType, error }));
    expect(policy.name).toBe(expectedName);
    expect(policy.strategy).toBe(strategy);
  });

  test('the task-quota policy waits for capacity and then escalates', () => {
    const { policy } = matchPolicy(
      set,
      facts({ reasonCode: 'ServiceQuotaExceededException', error: QUOTA_MESSAGE }),
    );
    expect(policy.capacity).toEqual({
      maxWait: '6h',
      maxWaitMs: 21_600_000,
      livenessCheck: '30m',
      livenessCheckMs: 1_800_000,
      grantsPerSecond: 1,
      then: 'escalate',
      source: 'metrics',
      // quota: auto — read from CloudWatch when the run resolves it; AWS's default until then.
      quota: 2500,
      quotaAuto: true,
    });
  });
});

describe('conditions', () => {
  const set = loadPolicySet(
    validPolicyYaml({
      policies: [
        '  - name: by-trigger',
        '    when: { triggerEvent: [POST_CALL, POST_CHAT] }',
        '    then: ignore',
        '  - name: by-instance-and-rule',
        '    when: { instanceId: inst-1, ruleId: [rule-1, rule-2] }',
        '    then: retry',
        '  - name: not-retryable',
        '    when: { retryable: false, reasonCode: ThrottlingException }',
        '    then: escalate',
        '  - name: retryable',
        '    when: { retryable: true }',
        '    then: retry',
        '  - name: by-error-text',
        '    when: { errorMatches: ["^Rate", "quota \\\\d+$"] }',
        '    then: retry',
      ],
    }),
  );
  const noRetryable = { retryable: undefined };

  test.each<[string, Partial<MatchFacts>, string]>([
    ['a trigger in the list', { triggerEvent: 'POST_CHAT' }, 'by-trigger'],
    ['a trigger not in the list', { triggerEvent: 'REAL_TIME_CALL', ...noRetryable }, 'catch-all'],
    ['instance and one of the rules', { instanceId: 'inst-1', ruleId: 'rule-2' }, 'by-instance-and-rule'],
    ['instance but another rule', { instanceId: 'inst-1', ruleId: 'rule-3', ...noRetryable }, 'catch-all'],
    ['values are case-sensitive', { triggerEvent: 'post_call', ...noRetryable }, 'catch-all'],
    [
      'retryable false and the reason',
      { reasonCode: 'ThrottlingException', retryable: false },
      'not-retryable',
    ],
    ['retryable false, another reason', { reasonCode: 'X', retryable: false }, 'catch-all'],
    ['retryable true', { reasonCode: 'ThrottlingException', retryable: true }, 'retryable'],
    [
      'retryable unknown matches neither',
      { reasonCode: 'ThrottlingException', retryable: undefined },
      'catch-all',
    ],
    ['a regex matching the start', { error: 'Rate exceeded', ...noRetryable }, 'by-error-text'],
    ['another regex in the list', { error: 'over quota 12', ...noRetryable }, 'by-error-text'],
    ['regexes are searched, not anchored', { error: 'Exceeded Rate', ...noRetryable }, 'catch-all'],
  ])('%s', (_, overrides, expectedName) => {
    expect(matchPolicy(set, facts(overrides)).policy.name).toBe(expectedName);
  });

  test('first match in file order wins, even when a later policy is more specific', () => {
    const ordered = loadPolicySet(
      validPolicyYaml({
        policies: [
          '  - name: broad',
          '    when: { actionType: CREATE_TASK }',
          '    then: escalate',
          '  - name: specific',
          '    when: { actionType: CREATE_TASK, reasonCode: ThrottlingException }',
          '    then: retry',
        ],
      }),
    );
    expect(matchPolicy(ordered, facts({ reasonCode: 'ThrottlingException' })).policy.name).toBe('broad');
  });
});

describe('the trace', () => {
  test('says, for each earlier policy, every condition the event failed', () => {
    const set = loadPolicySet(fs.readFileSync(SHIPPED_POLICIES, 'utf8'));
    const result = matchPolicy(set, facts());
    expect(result.policy.name).toBe('flow-misconfigured');
    expect(result.trace.map((miss) => [miss.name, miss.misses.map(describeMiss)])).toEqual([
      ['notification-failed', ['actionType is "CREATE_TASK", wanted SEND_NOTIFICATION']],
      ['task-quota', ['reasonCode is "ResourceNotFoundException", wanted ServiceQuotaExceededException']],
      [
        'transient',
        [
          'reasonCode is "ResourceNotFoundException", wanted one of ThrottlingException, InternalServiceException, InternalException, InternalFailure',
        ],
      ],
    ]);
    expect(result.line).toBeGreaterThan(result.trace.at(-1)!.line);
  });

  test('an unknown retryable flag is named as such', () => {
    const misses = conditionMisses({ retryable: true }, facts({ retryable: undefined }));
    expect(misses.map(describeMiss)).toEqual([
      'retryable is unknown (additionalInfo has no retryable), wanted true',
    ]);
  });

  test('a hand-built set without a catch-all is a programming error, not a silent drop', () => {
    const set = loadPolicySet(validPolicyYaml());
    const withoutCatchAll = { ...set, policies: set.policies.slice(0, -1) };
    expect(() => matchPolicy(withoutCatchAll, facts())).toThrow(/no policy .* matches/);
  });
});
