/**
 * `policies diff --cases`: the comparison over cases files, which needs no Temporal (a CI gate on
 * the shipped cases), its refusals, and the progress line that only a terminal gets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { terminalProgress } from '../../worker/terminal-progress';
import { testEnv } from '../helpers/env';
import { spawnCli } from '../helpers/processes';
import { REPO_ROOT, SHIPPED_POLICIES } from '../policies/fixtures';

const SHIPPED = path.relative(REPO_ROOT, SHIPPED_POLICIES);
const CASES = 'policies/policies.cases.yaml';

async function diff(...args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = spawnCli(['policies', 'diff', ...args]);
  const { code } = await cli.exited;
  return { code, output: cli.output() };
}

let broad: string;
beforeAll(() => {
  const anchor = '  # Rate limits and failures inside AWS';
  const shipped = fs.readFileSync(SHIPPED_POLICIES, 'utf8');
  expect(shipped).toContain(anchor);
  broad = path.join(fs.mkdtempSync(path.join(testEnv('tmp'), 'policies-diff-cases-')), 'broad.yaml');
  const policy = [
    '  - name: eventbridge-any',
    '    when: { actionType: GENERATE_EVENTBRIDGE_EVENT }',
    '    then: escalate',
  ];
  fs.writeFileSync(broad, shipped.replace(anchor, [...policy, '', anchor].join('\n')));
});

test('over the shipped cases, a broad policy above transient changes exactly the three EventBridge cases: exit 1', async () => {
  const { code, output } = await diff(SHIPPED, broad, '--cases', CASES, '--json');
  const report = JSON.parse(output) as {
    compared: number;
    changed: number;
    pairs: { changed: boolean; items?: string[]; differs: string[] }[];
  };
  expect(report).toMatchObject({ compared: 12, changed: 3 });
  expect(
    report.pairs
      .filter((p) => p.changed)
      .flatMap((p) => p.items!)
      .sort(),
  ).toEqual([
    'EventBridge access denied escalates',
    'a failed PutEvents entry is retried',
    'a malformed EventBridge detail escalates',
  ]);
  expect(code).toBe(1);

  const text = await diff(SHIPPED, broad, '--cases', CASES);
  expect(text.output).toContain('CHANGED  1 case(s)  transient (retry) → eventbridge-any (escalate)');
  expect(text.output).toMatch(
    /e\.g\. +a failed PutEvents entry is retried {2}\(policies\/policies\.cases\.yaml:\d+\)/,
  );
  expect(text.output.trimEnd().split('\n').at(-1)).toBe('3 of 12 case(s) would be treated differently');
});

test('the same file changes no case: exit 0', async () => {
  const { code, output } = await diff(SHIPPED, SHIPPED, '--cases', CASES);
  expect(output.trimEnd().split('\n').at(-1)).toBe('no case would be treated differently (12 compared)');
  expect(code).toBe(0);
});

test('nothing to compare over, both sources, or a broken file: exit 2 with the reason', async () => {
  const none = await diff(SHIPPED, broad);
  expect(none.output).toContain('give --since <duration>');
  expect(none.code).toBe(2);
  const both = await diff(SHIPPED, broad, '--since', '1h', '--cases', CASES);
  expect(both.output).toContain('give either --since (compare over recent runs) or --cases, not both');
  expect(both.code).toBe(2);
  const broken = await diff(
    SHIPPED,
    'test/fixtures/broken-policies/unknown-key-typo.yaml.txt',
    '--cases',
    CASES,
  );
  expect(broken.output).toContain('unknown key "maxAttemps"');
  expect(broken.code).toBe(2);
  const since = await diff(SHIPPED, broad, '--since', 'soon');
  expect(since.output).toContain('expected a duration such as');
  expect(since.code).toBe(2);
});

test('progress is drawn on a terminal only', () => {
  const capture = (isTTY: boolean) => {
    const stream = Object.assign(new PassThrough(), { isTTY }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
    const progress = terminalProgress(stream);
    progress.update('12 run(s) listed');
    progress.done();
    return new Promise<string>((resolve) => setImmediate(() => resolve(written)));
  };
  return Promise.all([capture(false), capture(true)]).then(([piped, terminal]) => {
    expect(piped).toBe('');
    expect(terminal).toBe('\r\x1b[K12 run(s) listed\r\x1b[K');
  });
});
