/**
 * A policy edit must not be able to freeze the worker that loads it: a file of thousands of YAML
 * aliases, or one far too large, is refused quickly and located, and the file on disk is size-checked
 * before it is read; a pattern that backtracks exponentially in JavaScript matches in linear time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatPolicyError } from '../../policies/errors';
import { MAX_POLICY_ALIASES, MAX_POLICY_FILE_BYTES, parsePolicySet } from '../../policies/load';
import { readPolicyFile } from '../../policies/load.node';
import { matchPolicy } from '../../policies/match';
import { MAX_MATCHED_CHARS } from '../../policies/regex';
import { loadPolicySet, sampleFacts, validPolicyYaml } from './fixtures';

/** The file: 50 KB with 6,000 aliases (it took 4.8 s to be refused). */
function aliasFlood(): string {
  const head = ['version: 1', 'shared: &shared_retry_settings { maximumAttempts: 3 }'].join('\n');
  const flood = `copies: [${Array.from({ length: 6000 }, () => '*shared_retry_settings').join(', ')}]`;
  const body = [head, flood, 'policies: [{ name: catch-all, when: {}, then: escalate }]', ''].join('\n');
  return body + `# ${'x'.repeat(Math.max(0, 50_000 - body.length))}\n`;
}

describe('YAML aliases are counted before any is resolved', () => {
  test('the 50 KB file with 6,000 aliases is refused in under 100 ms, at the first alias past the limit', () => {
    const text = aliasFlood();
    expect(text.length).toBeGreaterThanOrEqual(50_000);
    const started = performance.now();
    const result = parsePolicySet(text, 'policies.yaml');
    const elapsedMs = performance.now() - started;
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map(formatPolicyError)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^policies\\.yaml:3:\\d+: YAML: more than ${MAX_POLICY_ALIASES} aliases \\(\\*name\\): expected at most`,
        ),
      ),
    ]);
    // Column of alias number 501: "copies: [" then 500 × "*shared_retry_settings, ".
    expect(errors[0]!.column).toBe('copies: ['.length + 500 * '*shared_retry_settings, '.length + 1);
    expect(elapsedMs).toBeLessThan(100);
  });

  test('a "*" in a quoted string or a comment is no alias', () => {
    const stars = Array.from({ length: MAX_POLICY_ALIASES + 10 }, () => '*x').join(' ');
    const set = loadPolicySet(
      validPolicyYaml({
        policies: [
          `  # ${stars}`,
          '  - name: starry',
          `    description: "${stars}"`,
          '    when: { reasonCode: ThrottlingException }',
          '    then: escalate',
        ],
      }),
    );
    expect(set.policies[0]!.resolved.description).toBe(stars);
  });

  test('up to the limit, aliases share settings as before', () => {
    const uses = Array.from({ length: 20 }, (_, i) => [
      `  - name: p${i}`,
      `    when: { ruleId: rule-${i} }`,
      '    then: retry',
      '    retry: *patient',
    ]).flat();
    const set = loadPolicySet(
      validPolicyYaml({
        policies: [
          '  - name: base',
          '    when: { ruleId: rule-base }',
          '    then: retry',
          '    retry: &patient { initialInterval: 1m, maximumAttempts: 20 }',
          ...uses,
        ],
      }),
    );
    expect(set.policies[20]!.resolved.retry).toMatchObject({ initialInterval: '1m', maximumAttempts: 20 });
  });
});

describe('file size', () => {
  const padded = (bytes: number) => {
    const text = validPolicyYaml();
    return `${text}# ${'x'.repeat(bytes - Buffer.byteLength(text) - 3)}\n`;
  };

  test('a text above 512 KiB is refused at 1:1 before it is parsed; one just below still loads', () => {
    const big = padded(MAX_POLICY_FILE_BYTES + 1);
    expect(Buffer.byteLength(big)).toBe(MAX_POLICY_FILE_BYTES + 1);
    const result = parsePolicySet(big, 'policies.yaml');
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      `policies.yaml:1:1: the file is ${MAX_POLICY_FILE_BYTES + 1} bytes: expected at most ${MAX_POLICY_FILE_BYTES} bytes (512 KiB); a policy file is a few KB, so this is not one`,
    ]);
    expect(parsePolicySet(padded(MAX_POLICY_FILE_BYTES), 'policies.yaml').ok).toBe(true);
  });

  test('bytes, not characters: multi-byte text over the cap is refused', () => {
    const text = `${validPolicyYaml()}# ${'é'.repeat(MAX_POLICY_FILE_BYTES / 2)}\n`;
    expect(text.length).toBeLessThan(MAX_POLICY_FILE_BYTES);
    const result = parsePolicySet(text, 'policies.yaml');
    expect(result.ok ? '' : result.errors[0]!.message).toMatch(
      /^the file is \d+ bytes: expected at most 524288/,
    );
  });

  test('a file on disk above the cap is refused by its size', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-policy-size-'));
    try {
      const file = path.join(dir, 'policies.yaml');
      fs.writeFileSync(file, padded(3 * MAX_POLICY_FILE_BYTES));
      const result = await readPolicyFile(file);
      expect(result.ok ? '' : formatPolicyError(result.errors[0]!)).toBe(
        `${file}:1:1: the file is ${3 * MAX_POLICY_FILE_BYTES} bytes: expected at most ${MAX_POLICY_FILE_BYTES} bytes (512 KiB); a policy file is a few KB, so this is not one`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errorMatches runs in linear time on a capped text', () => {
  const withPattern = (...patterns: string[]) =>
    loadPolicySet(
      validPolicyYaml({
        policies: [
          '  - name: picky',
          `    when: { errorMatches: ${JSON.stringify(patterns)} }`,
          '    then: escalate',
        ],
      }),
    );

  test('^(\\w+\\s?)*$ against 27 word characters and "!" finishes in under 50 ms (JavaScript: seconds)', () => {
    const set = withPattern('^(\\w+\\s?)*$');
    const started = performance.now();
    const match = matchPolicy(set, sampleFacts({ error: `${'a'.repeat(27)}!` }));
    const elapsedMs = performance.now() - started;
    expect(match.policy.name).toBe('catch-all');
    expect(match.trace[0]).toMatchObject({ name: 'picky', misses: [{ condition: 'errorMatches' }] });
    expect(elapsedMs).toBeLessThan(50);
    // The same pattern still matches what it should.
    expect(matchPolicy(set, sampleFacts({ error: 'Rate exceeded' })).policy.name).toBe('picky');
  });

  test('a 256 KB error text against several hostile patterns stays well under 50 ms', () => {
    const set = withPattern('^(\\w+\\s?)*$', '(a|aa)+b', '(x+x+)+y', '.*.*.*=.*');
    const started = performance.now();
    // 256 KB (the largest event EventBridge delivers), with a non-word character every 1,000.
    const error = `${'a'.repeat(999)}!`.repeat(262);
    const match = matchPolicy(set, sampleFacts({ error }));
    expect(performance.now() - started).toBeLessThan(50);
    expect(match.policy.name).toBe('catch-all');
  });

  test(`only the first ${MAX_MATCHED_CHARS} characters of the error text are searched`, () => {
    const set = withPattern('needle');
    const at = (position: number) => sampleFacts({ error: `${'x'.repeat(position)}needle` });
    expect(matchPolicy(set, at(MAX_MATCHED_CHARS - 'needle'.length)).policy.name).toBe('picky');
    expect(matchPolicy(set, at(MAX_MATCHED_CHARS - 'needle'.length + 1)).policy.name).toBe('catch-all');
  });
});
