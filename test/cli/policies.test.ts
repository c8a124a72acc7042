/**
 * `connect-remediator policies validate` and `policies explain`, spawned as ops run them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnCli } from '../helpers/processes';
import { testEnv } from '../helpers/env';
import { SAMPLE_EVENT_PATH } from '../helpers/events';
import { BROKEN_DIR, REPO_ROOT, validPolicyYaml } from '../policies/fixtures';

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const cli = spawnCli(args, env);
  const { code } = await cli.exited;
  return { code, output: cli.output() };
}

const relative = (file: string) => path.relative(REPO_ROOT, file);

const explain = (event: string, policies?: string) =>
  run(['policies', 'explain', '--event', event, ...(policies ? ['--policies', policies] : [])]);

function tempFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(testEnv('tmp'), 'policies-cli-')), name);
  fs.writeFileSync(file, text);
  return file;
}

describe('policies validate', () => {
  test('accepts the shipped file (the default) and prints its size and hash', async () => {
    const { code, output } = await run(['policies', 'validate']);
    expect(code).toBe(0);
    expect(output.trim()).toMatch(/policies\/policies\.yaml: OK, 8 policies, hash [0-9a-f]{12}$/);
  });

  test('validates the file POLICIES_FILE names when no file is given', async () => {
    const { code, output } = await run(['policies', 'validate'], {
      POLICIES_FILE: path.join(BROKEN_DIR, 'no-catch-all.yaml.txt'),
    });
    expect(code).toBe(1);
    expect(output).toContain('no-catch-all.yaml.txt:12:11: policies[1].when: no catch-all');
  });

  test.each(['wrong-type-maximum-attempts', 'syntax-unclosed-flow-list', 'many-errors', 'empty'])(
    '%s: prints every located error and exits 1',
    async (name) => {
      const file = relative(path.join(BROKEN_DIR, `${name}.yaml.txt`));
      const { code, output } = await run(['policies', 'validate', file]);
      expect(code).toBe(1);
      const expected = fs
        .readFileSync(path.join(BROKEN_DIR, `${name}.expected`), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(`${name}.yaml.txt:`, `${file}:`));
      expect(output.trimEnd().split('\n')).toEqual([
        ...expected,
        `${file}: ${expected.length} error(s); the policy set was not loaded`,
      ]);
    },
  );

  test('a file that does not exist is an error, not a crash', async () => {
    const { code, output } = await run(['policies', 'validate', 'no/such/policies.yaml']);
    expect(code).toBe(1);
    expect(output).toContain('no/such/policies.yaml:1:1: cannot read the file: no such file');
  });
});

describe('policies explain', () => {
  test('names the policy for the sample ResourceNotFoundException event, why earlier ones lost, and its plan', async () => {
    const { code, output } = await explain(relative(SAMPLE_EVENT_PATH));
    expect(code).toBe(0);
    expect(output).toContain('CREATE_TASK failed with ResourceNotFoundException');
    expect(output).toContain('additionalInfo: retryable false, retryDelay 28ms');
    expect(output).toMatch(/Matched: flow-misconfigured \(.*policies\/policies\.yaml:\d+\)/);
    expect(output).toMatch(
      /task-quota \(line \d+\): reasonCode is "ResourceNotFoundException", wanted ServiceQuotaExceededException/,
    );
    expect(output).toContain('escalateTo:              ops-bus (EventBridge bus connect-ops)');
    expect(output).toMatch(/Plan\n {2}escalate to ops-bus, then wait up to 7d for an operator/);
  });

  test('shows the attempt schedule, honouring the event retryDelay, for a retry policy', async () => {
    const policies = tempFile(
      'policies.yaml',
      validPolicyYaml({
        policies: [
          '  - name: retry-flow',
          '    when: { reasonCode: ResourceNotFoundException }',
          '    then: retry',
          '    retryEvenIfNotRetryable: true',
          '    retry: { initialInterval: 10ms, maximumAttempts: 3, jitter: 0 }',
          '    deadline: 1h',
        ],
      }),
    );
    const { code, output } = await explain(SAMPLE_EVENT_PATH, policies);
    expect(code).toBe(0);
    expect(output).toContain(`Matched: retry-flow (${policies}:`);
    // The sample's retryDelay (28.2ms) is longer than the first two delays (10ms, 20ms).
    expect(output).toMatch(/1 +29ms +29ms\n +2 +29ms +58ms\n +3 +40ms +98ms\n/);
    expect(output).toContain('ends after 3 attempt(s) (maximumAttempts) within the 1h deadline');
  });

  test('refuses a broken policy file with its errors', async () => {
    const broken = relative(path.join(BROKEN_DIR, 'unknown-key-typo.yaml.txt'));
    const { code, output } = await explain(SAMPLE_EVENT_PATH, broken);
    expect(code).toBe(1);
    expect(output).toContain(
      `${broken}:12:7: policies[0].retry.maxAttemps: unknown key "maxAttemps": did you mean "maximumAttempts"?`,
    );
  });

  test('refuses an event that is not a failure event, saying what is wrong', async () => {
    const event = tempFile('event.json', JSON.stringify({ detail: {} }));
    const { code, output } = await explain(event);
    expect(code).toBe(1);
    expect(output).toContain(`${event}: $.detail.reasonCode: expected`);
  });
});
