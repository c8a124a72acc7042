/**
 * `connect-remediator policies test`, spawned as CI runs it: the shipped cases hold for the shipped
 * policies, and an edit that changes a decision fails exactly the cases it affects, naming the
 * case, the expected and the actual value and the policy line that decided. Acceptance of issue 26.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { spawnCli } from '../helpers/processes';
import { testEnv } from '../helpers/env';
import { REPO_ROOT, SHIPPED_POLICIES } from '../policies/fixtures';

const SHIPPED_CASES = path.join(REPO_ROOT, 'policies', 'policies.cases.yaml');

async function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = spawnCli(['policies', 'test', ...args]);
  const { code } = await cli.exited;
  return { code, output: cli.output() };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(testEnv('tmp'), 'policies-test-'));
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const shipped = () => fs.readFileSync(SHIPPED_POLICIES, 'utf8');

/** The shipped policies with `text` replaced once (failing loudly if it is not there). */
function edited(name: string, from: string, to: string): string {
  const text = shipped();
  if (!text.includes(from)) throw new Error(`the shipped policies no longer contain ${JSON.stringify(from)}`);
  return write(name, text.replace(from, to));
}

const failedCases = (output: string) =>
  [...output.matchAll(/^ {2}FAIL {2}(.+?) {2}\(/gm)].map((match) => match[1]).sort();
const caseNames = () =>
  (parse(fs.readFileSync(SHIPPED_CASES, 'utf8')) as { cases: { name: string }[] }).cases.map((c) => c.name);

const TRANSIENT_CASES = [
  "AWS's retryDelay sets the floor of the first delays",
  'a failed PutEvents entry is retried',
  'a throttled task is re-issued 8 times on the default backoff',
  'a throttled task is re-issued even when AWS says retryable false',
  'an internal error of StartTaskContact is retried',
];

test('the 12 shipped cases hold for the shipped policies (the default files), exit 0', async () => {
  expect(caseNames()).toHaveLength(12);
  const { code, output } = await run([]);
  expect(output).toMatch(
    /^policies\/policies\.cases\.yaml: 12 case\(s\) against policies\/policies\.yaml \(hash [0-9a-f]{12}\)$/m,
  );
  expect(output.match(/^ {2}ok {4}/gm)).toHaveLength(12);
  expect(output.trimEnd().split('\n').at(-1)).toBe('12 case(s): all passed');
  expect(code).toBe(0);
});

test("one policy's maximumAttempts changed: exactly its cases fail, with expected, actual and the line that set it", async () => {
  const policies = edited(
    'max-attempts.yaml',
    '    then: retry\n    # These codes are transient',
    '    then: retry\n    retry: { maximumAttempts: 3 }\n    # These codes are transient',
  );
  const line = shipped().split('\n').indexOf('    then: retry') + 2;
  const { code, output } = await run([SHIPPED_CASES, '--policies', policies]);

  expect(failedCases(output)).toEqual(TRANSIENT_CASES);
  expect(output).toMatch(
    /FAIL {2}a throttled task is re-issued 8 times on the default backoff {2}\(policies\/policies\.cases\.yaml:\d+\)\n +attempts: expected 8, got 3\n/,
  );
  expect(output).toContain(
    'delays: expected [10s, 20s, 40s, 80s, 160s, 320s, 10m, 10m], got [10s, 20s, 40s]',
  );
  expect(output).toContain(
    'delays: expected [30s, 30s, 40s, 80s, 160s, 320s, 10m, 10m], got [30s, 30s, 40s]',
  );
  expect(output).toContain(`${policies}:${line}  retry: { maximumAttempts: 3 }`);
  expect(output).toContain(`matched: transient (${policies}:`);
  expect(output.trimEnd().split('\n').at(-1)).toBe('12 case(s): 7 passed, 5 failed');
  expect(code).toBe(1);
});

describe('a policy moved above another', () => {
  // The shipped policies never overlap (only the catch-all does, and it must stay last), so the
  // policy that moves is a broad one added for the test: harmless at the bottom, not above transient.
  const block = [
    '  - name: eventbridge-any',
    '    when: { actionType: GENERATE_EVENTBRIDGE_EVENT }',
    '    then: escalate',
    '',
    '',
  ].join('\n');

  test('at the bottom (above the catch-all) it changes no case', async () => {
    const anchor = '  # Everything else, including reason codes';
    const policies = edited('broad-last.yaml', anchor, `${block}${anchor}`);
    const { code, output } = await run([SHIPPED_CASES, '--policies', policies]);
    expect(failedCases(output)).toEqual([]);
    expect(code).toBe(0);
  });

  test('moved above transient, exactly the EventBridge cases below it fail, each naming both policies', async () => {
    const anchor = '  # Rate limits and failures inside AWS';
    const policies = edited('broad-first.yaml', anchor, `${block}${anchor}`);
    const { code, output } = await run([SHIPPED_CASES, '--policies', policies]);

    expect(failedCases(output)).toEqual([
      'EventBridge access denied escalates',
      'a failed PutEvents entry is retried',
      'a malformed EventBridge detail escalates',
    ]);
    expect(output).toMatch(
      /FAIL {2}a failed PutEvents entry is retried {2}\(policies\/policies\.cases\.yaml:\d+\)\n +policy: expected transient, got eventbridge-any\n.+- name: eventbridge-any +← matched first\n.+- name: transient +← comes after eventbridge-any, so this event never reaches it\n +strategy: expected retry, got escalate\n/,
    );
    expect(output).toContain('policy: expected access-denied, got eventbridge-any');
    expect(output).toContain('policy: expected eventbridge-rejected, got eventbridge-any');
    expect(output).toContain('attempts: expected 8, got 0');
    expect(code).toBe(1);
  });
});

test('--junit writes one testcase per case, failures with expected and actual, names escaped', async () => {
  const cases = write(
    'escaped.cases.yaml',
    [
      'version: 1',
      'cases:',
      '  - name: quota <"storm"> & co',
      '    event: { reasonCode: ServiceQuotaExceededException }',
      '    expect: { policy: task-quota }',
      "  - name: throttling's plan",
      '    event: { reasonCode: ThrottlingException, retryable: true }',
      '    expect: { attempts: 2 }',
      '',
    ].join('\n'),
  );
  const junit = path.join(dir, 'reports', 'policies.xml');
  const { code } = await run([cases, '--junit', junit]);
  expect(code).toBe(1);
  const xml = fs.readFileSync(junit, 'utf8');
  expect(xml).toMatch(
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites [^>]*tests="2" failures="1" errors="0"/,
  );
  expect(xml).toContain(`<testsuite name="${cases}" tests="2" failures="1"`);
  expect(xml).toMatch(/<testcase name="quota &lt;&quot;storm&quot;&gt; &amp; co" [^>]*line="3" [^>]*\/>/);
  expect(xml).toMatch(
    /<testcase name="throttling&apos;s plan" [^>]*line="6"[^>]*>\n +<failure message="attempts: expected 2, got 8" type="PolicyDecisionMismatch">attempts: expected 2, got 8\n/,
  );
  // Every element that opens closes, in order: the report parses.
  const tags = [...xml.matchAll(/<(\/?)(testsuites|testsuite|testcase|failure|properties)\b[^>]*?(\/?)>/g)];
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of tags) {
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
});

describe('what cannot be loaded is reported, located, with exit status 2', () => {
  test('a cases file with mistakes: every error at file:line:column with its path', async () => {
    const cases = write(
      'broken.cases.yaml',
      [
        'version: 1',
        'cases:',
        '  - name: typo',
        '    event: { reasonCode: ThrottlingException }',
        '    expect: { atempts: 3 }',
        '  - name: short form with a wrong key',
        '    event: { reasonCode: ThrottlingException, retriable: true }',
        '    expect: { policy: transient }',
        '  - name: typo',
        '    event: no-such-event.json',
        '    expect: { strategy: later }',
        '',
      ].join('\n'),
    );
    const { code, output } = await run([cases]);
    expect(output).toContain(
      `${cases}:5:15: cases[0].expect.atempts: unknown key "atempts": did you mean "attempts"?`,
    );
    expect(output).toContain(
      `${cases}:7:47: cases[1].event.retriable: unknown key "retriable": did you mean "retryable"?`,
    );
    expect(output).toContain(
      `${cases}:11:25: cases[2].expect.strategy: expected one of retry, wait-for-capacity, escalate, ignore, got "later"`,
    );
    expect(output).toContain(`${cases}: 3 error(s); the cases file was not loaded`);
    expect(code).toBe(2);
  });

  test('a case whose event file is missing or is not a failure event', async () => {
    write('not-an-event.json', JSON.stringify({ detail: { reasonCode: 'X' } }));
    const cases = write(
      'events.cases.yaml',
      [
        'version: 1',
        'cases:',
        '  - name: missing',
        '    event: no-such-event.json',
        '    expect: { policy: transient }',
        '  - name: invalid',
        '    event: not-an-event.json',
        '    expect: { policy: transient }',
        '  - name: same name twice is refused',
        '    event: { reasonCode: X }',
        '    expect: { policy: catch-all }',
        '  - name: same name twice is refused',
        '    event: { reasonCode: X }',
        '    expect: { policy: catch-all }',
        '',
      ].join('\n'),
    );
    const { code, output } = await run([cases]);
    expect(code).toBe(2);
    expect(output).toMatch(
      new RegExp(
        `${cases}:4:12: cases\\[0\\]\\.event: no-such-event\\.json: cannot read the event: no such file`,
      ),
    );
    expect(output).toContain(
      `${cases}:7:12: cases[1].event: not-an-event.json: not a valid failure event: $.version: expected`,
    );
    expect(output).toContain(
      `${cases}:12:11: cases[3].name: duplicate case name "same name twice is refused" (also cases[2])`,
    );
  });

  test('a broken policy file, a missing cases file and a bad option', async () => {
    const broken = path.join(REPO_ROOT, 'test', 'fixtures', 'broken-policies', 'unknown-key-typo.yaml.txt');
    const policies = await run([SHIPPED_CASES, '--policies', broken]);
    expect(policies.output).toContain('policies[0].retry.maxAttemps: unknown key "maxAttemps"');
    expect(policies.output).toContain('error(s); the policy set was not loaded');
    expect(policies.code).toBe(2);

    const missing = await run([path.join(dir, 'nothing.cases.yaml')]);
    expect(missing.output).toContain('nothing.cases.yaml:1:1: cannot read the cases file: no such file');
    expect(missing.code).toBe(2);

    const option = await run(['--junti', 'x.xml']);
    expect(option.output).toContain("unknown option '--junti'");
    expect(option.code).toBe(2);
  });
});
