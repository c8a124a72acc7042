/**
 * Cases files (`policies test`): the expectations that the CLI test does not reach through the
 * shipped cases — capacity, re-issue overrides, channels of an ignored failure, short-form events —
 * and the JSON Schema editors read for them.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { checkCase, compactDuration, type Mismatch } from '../../policies/cases/check';
import {
  CASES_SCHEMA_FILE_NAME,
  casesJsonSchema,
  casesJsonSchemaText,
} from '../../policies/cases/json-schema';
import { parseCasesFile } from '../../policies/cases/parse';
import { matchFactsOf } from '../../policies/facts';
import { PolicyFileLines } from '../../policies/origins';
import { loadPolicySet, REPO_ROOT, validPolicyYaml } from './fixtures';

const POLICIES = validPolicyYaml({
  defaults: [
    'defaults:',
    '  escalateTo: [ops-bus]',
    '  capacity: { maxWait: 2h, quota: auto, fallbackQuota: 4000 }',
  ].join('\n'),
  policies: [
    '  - name: quota-vip',
    '    when: { reasonCode: ServiceQuotaExceededException, ruleId: vip-rule }',
    '    then: wait-for-capacity',
    '    capacity: { maxWait: 30m, priority: 2 }',
    '  - name: quota',
    '    when: { reasonCode: ServiceQuotaExceededException }',
    '    then: wait-for-capacity',
    '    reissue: { contactFlowId: flow-b, attributes: { team: ops } }',
    '  - name: noise',
    '    when: { reasonCode: InvalidArgument }',
    '    then: ignore',
  ],
});

/** The mismatches of one case written in a cases file's YAML (event and expect only). */
function mismatchesOf(caseYaml: string[]): Mismatch[] {
  const text = ['version: 1', 'cases:', '  - name: c', ...caseYaml.map((line) => `    ${line}`), ''].join(
    '\n',
  );
  const { cases, errors } = parseCasesFile(text, 'c.cases.yaml');
  expect(errors).toEqual([]);
  const event = cases[0]!.event;
  if (event.kind !== 'event') throw new Error('expected an inline event');
  return checkCase({
    event: event.event,
    expect: cases[0]!.expect,
    set: loadPolicySet(POLICIES),
    lines: new PolicyFileLines(POLICIES, 'policies.yaml'),
  }).mismatches;
}

const lineOf = (needle: string) => POLICIES.split('\n').findIndex((line) => line.includes(needle)) + 1;

test('capacity: what holds passes; what differs names the line, in the policy or in defaults', () => {
  expect(
    mismatchesOf([
      'event: { reasonCode: ServiceQuotaExceededException, ruleId: vip-rule }',
      'expect: { capacity: { maxWait: 30m, priority: 2, quota: auto, fallbackQuota: 4000, then: escalate } }',
    ]),
  ).toEqual([]);

  const mismatches = mismatchesOf([
    'event: { reasonCode: ServiceQuotaExceededException, ruleId: vip-rule }',
    'expect: { capacity: { maxWait: 1h, quota: 4000, fallbackQuota: 2500, source: probe } }',
  ]);
  expect(mismatches.map(({ field, expected, actual }) => ({ field, expected, actual }))).toEqual([
    // In the schema's order of fields.
    { field: 'capacity.maxWait', expected: '1h', actual: '30m' },
    { field: 'capacity.source', expected: 'probe', actual: 'metrics' },
    { field: 'capacity.quota', expected: '4000', actual: 'auto' },
    { field: 'capacity.fallbackQuota', expected: '2500', actual: '4000' },
  ]);
  expect(mismatches[0]!.decidedBy).toEqual([
    { file: 'policies.yaml', line: lineOf('maxWait: 30m'), text: 'capacity: { maxWait: 30m, priority: 2 }' },
  ]);
  // quota and fallbackQuota are the instance's setting: the first capacity policy (no instanceId).
  expect(mismatches[2]!.decidedBy[0]).toMatchObject({
    line: lineOf('fallbackQuota: 4000'),
    note: 'from defaults',
  });
  expect(mismatches[1]!.decidedBy[0]!.note).toMatch(/^no capacity\.source in this policy or in defaults/);
});

test('capacity expected of a run that does not wait for it', () => {
  const [mismatch] = mismatchesOf([
    'event: { reasonCode: InvalidArgument }',
    'expect: { capacity: { maxWait: 2h } }',
  ]);
  expect(mismatch).toMatchObject({ field: 'capacity', actual: 'none: the run does not wait for capacity' });
});

test('reissue overrides: only the fields written are checked, nested maps field by field', () => {
  expect(
    mismatchesOf([
      'event: { reasonCode: ServiceQuotaExceededException }',
      'expect: { reissue: { contactFlowId: flow-b, attributes: { team: ops } } }',
    ]),
  ).toEqual([]);
  const mismatches = mismatchesOf([
    'event: { reasonCode: ServiceQuotaExceededException }',
    'expect: { reissue: { contactFlowId: flow-a, attributes: { team: sales }, name: Follow up } }',
  ]);
  expect(mismatches.map(({ field, expected, actual }) => `${field}: ${expected} / ${actual}`)).toEqual([
    'reissue.contactFlowId: flow-a / flow-b',
    'reissue.name: Follow up / not set',
    'reissue.attributes.team: sales / ops',
  ]);
  expect(mismatches[0]!.decidedBy[0]!.line).toBe(lineOf('contactFlowId: flow-b'));
});

test('an ignored failure escalates to nobody, whatever the defaults name', () => {
  const [mismatch] = mismatchesOf([
    'event: { reasonCode: InvalidArgument }',
    'expect: { escalateTo: ops-bus }',
  ]);
  expect(mismatch).toMatchObject({
    field: 'escalateTo',
    expected: '[ops-bus]',
    actual: '[]',
    hint: 'an ignored failure escalates to nobody',
  });
  expect(
    mismatchesOf(['event: { reasonCode: InvalidArgument }', 'expect: { escalateTo: [], attempts: 0 }']),
  ).toEqual([]);
});

test('a short form becomes the event it stands for: facts, retryable and retryDelay in additionalInfo', () => {
  const { cases } = parseCasesFile(
    [
      'version: 1',
      'cases:',
      '  - name: s',
      '    event: { reasonCode: ThrottlingException, actionType: GENERATE_EVENTBRIDGE_EVENT, retryable: false, retryDelay: 1.5s, instanceId: i-1, ruleId: r-1, error: Rate exceeded }',
      '    expect: { policy: x }',
      '',
    ].join('\n'),
    'c.yaml',
  );
  const event = cases[0]!.event;
  if (event.kind !== 'event') throw new Error('expected an inline event');
  expect(matchFactsOf(event.event)).toEqual({
    reasonCode: 'ThrottlingException',
    actionType: 'GENERATE_EVENTBRIDGE_EVENT',
    triggerEvent: 'THIRD_PARTY',
    retryable: false,
    instanceId: 'i-1',
    ruleId: 'r-1',
    error: 'Rate exceeded',
  });
  expect(JSON.parse(event.event.detail.additionalInfo!)).toEqual({ retryable: false, retryDelay: 1500 });
});

test('an inline event that is not a failure event, and an empty expect, are errors at the case', () => {
  const { errors } = parseCasesFile(
    [
      'version: 1',
      'cases:',
      '  - name: bad',
      '    event: { detail: { reasonCode: X } }',
      '    expect: {}',
      '',
    ].join('\n'),
    'c.yaml',
  );
  expect(errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
    expect.stringMatching(/^4:12 cases\[0\]\.event: not a valid failure event: \$\.version: expected/),
    ...Array(errors.length - 2).fill(
      expect.stringMatching(/^4:12 cases\[0\]\.event: not a valid failure event/),
    ),
    expect.stringMatching(
      /^5:13 cases\[0\]\.expect: expected at least one expectation .*a case that checks nothing always passes$/,
    ),
  ]);
});

test('durations print as a cases file may write them back', () => {
  expect([28, 1500, 10_000, 80_000, 600_000, 7_200_000, 86_400_000].map(compactDuration)).toEqual([
    '28ms',
    '1500ms',
    '10s',
    '80s',
    '10m',
    '2h',
    '1d',
  ]);
});

describe('the JSON Schema editors read for cases files', () => {
  const committed = path.join(REPO_ROOT, 'policies', CASES_SCHEMA_FILE_NAME);
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    JSON.parse(fs.readFileSync(committed, 'utf8')) as object,
  );
  const errorsOf = (text: string) => {
    validate(parse(text));
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };

  test('is the generated one (run `npm run policies:schema`)', () => {
    expect(fs.readFileSync(committed, 'utf8')).toBe(casesJsonSchemaText());
  });

  test('accepts the shipped cases file, which names it in its modeline', () => {
    const shipped = fs.readFileSync(path.join(REPO_ROOT, 'policies', 'policies.cases.yaml'), 'utf8');
    expect(shipped).toMatch(/^# yaml-language-server: \$schema=\.\/cases\.schema\.json$/m);
    expect(errorsOf(shipped)).toEqual([]);
  });

  test('flags a misspelt expectation', () => {
    const text = 'version: 1\ncases:\n  - { name: c, event: x.json, expect: { atempts: 1 } }\n';
    expect(errorsOf(text)).toContainEqual(expect.stringContaining('"additionalProperty":"atempts"'));
  });

  test('describes every field, for hover and completion', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      if (schema.properties && typeof schema.properties === 'object')
        for (const [key, property] of Object.entries(
          schema.properties as Record<string, Record<string, unknown>>,
        ))
          if (typeof property.description !== 'string') undocumented.push(`${where}.${key}`);
      for (const [key, child] of Object.entries(schema)) visit(child, `${where}/${key}`);
    };
    visit(casesJsonSchema(), '#');
    expect(undocumented).toEqual([]);
  });
});
