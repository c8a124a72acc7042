/**
 * Loading: the shipped file, how defaults merge, and the corpus of broken files — each must give
 * every error at once, located at file:line:column with the document path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatPolicyError } from '../../policies/errors';
import { parsePolicySet } from '../../policies/load';
import { parsePolicyText, policyTextHash } from '../../policies/load.node';
import { KNOWN_REASON_CODES } from '../../policies/reason-codes';
import {
  BROKEN_DIR,
  CORPUS_ENVIRONMENT,
  brokenPolicyFiles,
  loadPolicySet,
  policyErrors,
  SHIPPED_POLICIES,
  validPolicyYaml,
} from './fixtures';

describe('the shipped policies/policies.yaml', () => {
  const text = fs.readFileSync(SHIPPED_POLICIES, 'utf8');
  const set = loadPolicySet(text);

  test('starts with the schema modeline editors use', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./policies.schema.json');
  });

  test('has a policy naming every reason code from the AWS references', () => {
    const named = new Set(set.policies.flatMap((policy) => policy.when.reasonCode ?? []));
    expect(KNOWN_REASON_CODES.filter((code) => !named.has(code))).toEqual([]);
  });

  test('ends with the catch-all and escalates by default only to the EventBridge channel', () => {
    const last = set.policies.at(-1)!;
    expect(last.when).toEqual({});
    expect(last.resolved.escalateTo.map((channel) => channel.type)).toEqual(['eventbridge']);
    // A webhook to a placeholder URL must not be on any default path: a failing channel keeps retrying.
    const used = set.policies.flatMap((policy) => policy.resolved.escalateTo.map((channel) => channel.type));
    expect(used).not.toContain('webhook');
  });

  test('defines the channels ops reference, with the webhook secret named by env var', () => {
    expect(set.channels['on-call']).toEqual({
      name: 'on-call',
      type: 'webhook',
      url: 'https://example.invalid/connect-remediator',
      secretEnv: 'CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN',
    });
    expect(set.channels['ops-task']?.type).toBe('connect-task');
  });

  test('is identified by the sha256 of its content', () => {
    const result = parsePolicyText(text, 'policies.yaml');
    expect(result.ok && result.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(result.ok && result.set.policies[0]!.resolved.setHash).toBe(policyTextHash(text));
    expect(policyTextHash(`${text}\n# edited`)).not.toBe(policyTextHash(text));
  });
});

describe('resolving a policy', () => {
  test('built-in defaults, then file defaults, then the policy, field by field', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        defaults:
          'defaults:\n  escalateTo: [ops-bus]\n  deadline: 2h\n  retry: { maximumAttempts: 3, jitter: 0 }\n',
        policies: [
          '  - name: transient',
          '    when: { reasonCode: ThrottlingException }',
          '    then: retry',
          '    retry: { initialInterval: 1s }',
          '    retryEvenIfNotRetryable: true',
        ],
      }),
    );
    expect(set.policies[0]!.resolved).toEqual({
      name: 'transient',
      setHash: 'test',
      strategy: 'retry',
      retry: {
        initialInterval: '1s',
        backoffCoefficient: 2,
        maximumInterval: '10m',
        maximumAttempts: 3,
        jitter: 0,
        honorRetryDelay: true,
      },
      deadline: '2h',
      deadlineMs: 7_200_000, // durations are resolved to milliseconds here, once
      retryNonRetryable: true,
      escalateTo: [{ name: 'ops-bus', type: 'eventbridge', eventBusName: 'connect-ops' }],
      // Built in: escalations of one cause become one incident.
      incident: {
        groupBy: ['instanceId', 'ruleId', 'actionType', 'reasonCode'],
        windowMs: 3_600_000,
        updateEveryMs: 900_000,
        maxUpdates: 4,
      },
      operatorWait: '7d',
      operatorWaitMs: 604_800_000,
      reissue: {},
    });
  });

  test('capacity settings exist only for wait-for-capacity, merged over the defaults', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        defaults: 'defaults:\n  escalateTo: [ops-bus]\n  capacity: { maxWait: 2h, source: probe }\n',
        policies: [
          '  - name: quota',
          '    when: { reasonCode: ServiceQuotaExceededException }',
          '    then: wait-for-capacity',
          '    capacity: { then: retry, priority: 2 }',
        ],
      }),
    );
    expect(set.policies[0]!.resolved.capacity).toEqual({
      maxWait: '2h',
      maxWaitMs: 7_200_000,
      livenessCheck: '30m',
      livenessCheckMs: 1_800_000,
      grantsPerSecond: 1, // the engine's StartTaskContact budget: AWS's 2/s × the default share 0.5
      then: 'retry',
      source: 'probe',
      // Nothing in the file: auto, starting from AWS's default active-tasks quota.
      quota: 2500,
      quotaAuto: true,
      priority: 2,
    });
    expect(set.policies[1]!.resolved.capacity).toBeUndefined();
  });

  test('quota: auto starts from fallbackQuota (the YAML value) until CloudWatch tells; a number pins the quota', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        defaults:
          'defaults:\n  escalateTo: [ops-bus]\n  capacity: { source: metrics, fallbackQuota: 4000 }\n',
        policies: [
          '  - name: auto',
          '    when: { instanceId: instance-a }',
          '    then: wait-for-capacity',
          '  - name: pinned',
          '    when: { instanceId: instance-b }',
          '    then: wait-for-capacity',
          '    capacity: { quota: 3000 }',
        ],
      }),
    );
    expect(set.policies[0]!.resolved.capacity).toMatchObject({ quota: 4000, quotaAuto: true });
    expect(set.policies[0]!.resolved.capacity).not.toHaveProperty('fallbackQuota');
    expect(set.policies[1]!.resolved.capacity).toMatchObject({ quota: 3000 });
    expect(set.policies[1]!.resolved.capacity).not.toHaveProperty('quotaAuto');
  });

  test('incidents are on by default; a policy turns them off or changes a field, the rest merges', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        defaults: 'defaults:\n  escalateTo: [ops-bus]\n  incident: { window: 2h }\n',
        policies: [
          '  - name: default-incident',
          '    when: { instanceId: instance-a }',
          '    then: escalate',
          '  - name: by-reason-only',
          '    when: { instanceId: instance-b }',
          '    then: escalate',
          '    incident: { groupBy: [reasonCode], maxUpdates: 0 }',
          '  - name: alone',
          '    when: { instanceId: instance-c }',
          '    then: escalate',
          '    incident: false',
        ],
      }),
    );
    expect(set.policies[0]!.resolved.incident).toEqual({
      groupBy: ['instanceId', 'ruleId', 'actionType', 'reasonCode'],
      windowMs: 7_200_000,
      updateEveryMs: 900_000,
      maxUpdates: 4,
    });
    expect(set.policies[1]!.resolved.incident).toEqual({
      groupBy: ['reasonCode'],
      windowMs: 7_200_000,
      updateEveryMs: 900_000,
      maxUpdates: 0,
    });
    expect(set.policies[2]!.resolved.incident).toBeUndefined();
  });

  test('a policy escalateTo replaces the default list; channels resolve by name', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        policies: [
          '  - name: flow',
          '    when: { reasonCode: ResourceNotFoundException }',
          '    then: escalate',
          '    escalateTo: on-call',
        ],
      }),
    );
    expect(set.policies[0]!.resolved.escalateTo).toEqual([
      {
        name: 'on-call',
        type: 'webhook',
        url: 'https://example.invalid/hook',
        secretEnv: 'CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN',
      },
    ]);
  });

  test('reissue overrides merge with the defaults, attributes key by key', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        defaults:
          'defaults:\n  escalateTo: [ops-bus]\n  reissue: { name: "Retry of ${detail.ruleId}", attributes: { origin: remediator, team: ops } }\n',
        policies: [
          '  - name: flow',
          '    when: { reasonCode: ResourceNotFoundException }',
          '    then: retry',
          '    retryEvenIfNotRetryable: true',
          '    reissue: { contactFlowId: flow-2, attributes: { team: supervisors } }',
        ],
      }),
    );
    expect(set.policies[0]!.resolved.reissue).toEqual({
      name: 'Retry of ${detail.ruleId}',
      contactFlowId: 'flow-2',
      attributes: { origin: 'remediator', team: 'supervisors' },
    });
  });

  test('YAML anchors and merge keys can share settings between policies', () => {
    const set = loadPolicySet(
      validPolicyYaml({
        policies: [
          '  - name: throttled',
          '    when: { reasonCode: ThrottlingException }',
          '    then: retry',
          '    retry: &patient { initialInterval: 1m, maximumAttempts: 20 }',
          '  - name: internal',
          '    when: { reasonCode: InternalServiceException }',
          '    then: retry',
          '    retry:',
          '      <<: *patient',
          '      maximumAttempts: 5',
        ],
      }),
    );
    expect(set.policies[1]!.resolved.retry).toMatchObject({ initialInterval: '1m', maximumAttempts: 5 });
  });

  test('records the line each policy starts on (for explain)', () => {
    const set = loadPolicySet(validPolicyYaml());
    const lines = validPolicyYaml().split('\n');
    for (const policy of set.policies)
      expect(lines[policy.line - 1]).toContain(`name: ${policy.resolved.name}`);
  });
});

describe('broken policy files', () => {
  const files = brokenPolicyFiles();

  test('the corpus covers every kind of mistake the issue lists (at least 20 files)', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    const all = files.map((file) => fs.readFileSync(path.join(BROKEN_DIR, file.expected), 'utf8')).join('\n');
    for (const kind of [
      'YAML syntax',
      'expected a positive integer, got "five"',
      'unknown key',
      'expected a duration',
      'expected a valid regular expression',
      'unknown channel',
      'duplicate policy name',
      'no catch-all',
      'the file is empty',
      'looks like an inline secret',
      'expected 1 (the policy file format',
      'is not a variable channels may read',
      'a webhook with a secret must use https',
      'more than 500 aliases',
      'in RE2 syntax (no lookaround, no backreferences)',
      'may go only to the origins in',
      '169.254.169.254 is a link-local address',
      '10.0.0.5 is a private address',
      'url and urlEnv are both set',
      'holds a line break',
    ]) {
      expect(all).toContain(kind);
    }
  });

  test('no message quotes a value of the environment it was validated in (secrets, a URL from urlEnv)', () => {
    const all = files.map((file) => fs.readFileSync(path.join(BROKEN_DIR, file.expected), 'utf8')).join('\n');
    for (const [name, value] of Object.entries(CORPUS_ENVIRONMENT)) {
      if (!name.endsWith('_ORIGINS')) expect(all).not.toContain(value.trim());
    }
    expect(all).not.toContain('slack-url-secret');
  });

  test.each(files)('$yaml gives exactly the located errors in $expected', ({ yaml, expected }) => {
    const text = fs.readFileSync(path.join(BROKEN_DIR, yaml), 'utf8');
    const result = parsePolicySet(text, yaml, { environment: CORPUS_ENVIRONMENT });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map(formatPolicyError).join('\n') + '\n').toBe(
      fs.readFileSync(path.join(BROKEN_DIR, expected), 'utf8'),
    );
    const lineCount = text.split('\n').length;
    for (const error of errors) {
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.line).toBeLessThanOrEqual(lineCount);
      expect(error.column).toBeGreaterThanOrEqual(1);
    }
  });

  test('the issue example: a wrong type is reported with line, column, path, expectation and value', () => {
    const [error] = policyErrors(
      validPolicyYaml({
        policies: [
          '  - name: transient',
          '    when: {}',
          '    then: retry',
          '    retry:',
          '      maximumAttempts: five',
        ],
        catchAll: false,
      }),
    );
    expect(error).toMatchObject({
      path: 'policies[0].retry.maximumAttempts',
      message: 'expected a positive integer, got "five"',
    });
    expect(formatPolicyError(error!)).toMatch(
      /^policies\.yaml:\d+:24: policies\[0\]\.retry\.maximumAttempts: /,
    );
  });

  test('every error is reported at once, in file order', () => {
    const errors = policyErrors(fs.readFileSync(path.join(BROKEN_DIR, 'many-errors.yaml.txt'), 'utf8'));
    expect(errors.length).toBeGreaterThanOrEqual(6);
    const positions = errors.map((e) => e.line * 1000 + e.column);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  test('a secret pasted under any secret-looking key in task attributes is refused', () => {
    const errors = policyErrors(
      validPolicyYaml({
        policies: [
          '  - name: flow',
          '    when: { reasonCode: ResourceNotFoundException }',
          '    then: escalate',
          '    reissue: { attributes: { apiKey: abc123 } }',
        ],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['policies[0].reissue.attributes.apiKey']);
    expect(errors[0]!.message).toMatch(/inline secret.*secretEnv/);
  });

  test('a webhook URL carrying a token in its query is refused', () => {
    const errors = policyErrors(
      validPolicyYaml({
        channels: '  hook: { type: webhook, url: "https://example.invalid/h?access_token=abc" }\n',
      }),
    );
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['channels.hook.url', expect.stringContaining('query parameter "access_token"')],
    ]);
  });
});
