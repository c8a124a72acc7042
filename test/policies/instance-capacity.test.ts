/**
 * One capacity setting per instance (policies/instance-capacity.ts), and the engine's AWS budgets
 * (policies/api-budgets.ts). Pure, table-driven.
 */
import { apiBudgets, apiRateLimits } from '../../policies/api-budgets';
import { capacitySettingsPolicy, withInstanceCapacity } from '../../policies/instance-capacity';
import { matchPolicy } from '../../policies/match';
import { loadPolicySet, sampleFacts, validPolicyYaml } from './fixtures';

const INSTANCE = 'cb54730f-5aac-4376-b2f4-7c822889931e';
const OTHER = '4627d480-f6c3-469e-b78e-7182e6a8f416';

const set = loadPolicySet(
  validPolicyYaml({
    policies: [
      '  - name: vip-quota',
      '    when: { reasonCode: ServiceQuotaExceededException, ruleId: vip-rule }',
      '    then: wait-for-capacity',
      '    capacity: { source: probe, priority: -1, maxWait: 1h }',
      '  - name: quota-main-instance',
      `    when: { reasonCode: ServiceQuotaExceededException, instanceId: ${INSTANCE} }`,
      '    then: wait-for-capacity',
      '    capacity: { source: metrics, quota: 4000, queues: [q1, q2], maxWait: 6h }',
      '  - name: quota-anywhere',
      '    when: { reasonCode: ServiceQuotaExceededException }',
      '    then: wait-for-capacity',
      '    capacity: { source: metrics, quota: 2500 }',
    ],
  }),
);

test.each<[string, string, string, object]>([
  [
    'the instance named by a policy takes that policy’s setting',
    INSTANCE,
    'quota-main-instance',
    { source: 'metrics', quota: 4000, queues: ['q1', 'q2'] },
  ],
  [
    'another instance: the first policy that names no instance',
    OTHER,
    'vip-quota',
    { source: 'probe', quota: 2500 },
  ],
])('%s', (_name, instanceId, owner, setting) => {
  expect(capacitySettingsPolicy(set, instanceId)?.name).toBe(owner);
  // Whatever policy an event matches, its run carries the instance's one setting…
  for (const ruleId of ['vip-rule', 'other-rule']) {
    const facts = sampleFacts({ reasonCode: 'ServiceQuotaExceededException', instanceId, ruleId });
    const resolved = withInstanceCapacity(set, matchPolicy(set, facts).policy, instanceId);
    expect(resolved.capacity).toMatchObject({ ...setting, settingsFrom: owner });
  }
});

test('maxWait, then and priority stay the matched policy’s own', () => {
  const facts = sampleFacts({
    reasonCode: 'ServiceQuotaExceededException',
    instanceId: INSTANCE,
    ruleId: 'vip-rule',
  });
  const resolved = withInstanceCapacity(set, matchPolicy(set, facts).policy, INSTANCE);
  expect(resolved.name).toBe('vip-quota');
  expect(resolved.capacity).toMatchObject({ maxWait: '1h', priority: -1, source: 'metrics', quota: 4000 });
});

test('a policy without capacity is left alone', () => {
  const facts = sampleFacts({ reasonCode: 'ThrottlingException', instanceId: INSTANCE });
  const policy = matchPolicy(set, facts).policy;
  expect(withInstanceCapacity(set, policy, INSTANCE)).toBe(policy);
});

test.each<[string, Parameters<typeof apiRateLimits>[0], Record<string, number>]>([
  [
    'AWS defaults at the default share (0.5)',
    undefined,
    { StartTaskContact: 1, DescribeRule: 1, GetCurrentMetricData: 2.5, ListQueues: 1, PutEvents: 200 },
  ],
  [
    'a raised limit and a larger share',
    { share: 0.9, operations: { StartTaskContact: 20 } },
    { StartTaskContact: 18, DescribeRule: 1.8 },
  ],
])('budgets: %s', (_name, file, expected) => {
  expect(apiBudgets(apiRateLimits(file))).toMatchObject(expected);
});

test('the budget travels with a wait-for-capacity policy as its grant rate', () => {
  const withLimits = loadPolicySet(
    'apiRateLimits: { share: 1, operations: { StartTaskContact: 7 } }\n' +
      validPolicyYaml({
        policies: [
          '  - name: quota',
          '    when: { reasonCode: ServiceQuotaExceededException }',
          '    then: wait-for-capacity',
        ],
      }),
  );
  expect(withLimits.policies[0]!.resolved.capacity?.grantsPerSecond).toBe(7);
});
