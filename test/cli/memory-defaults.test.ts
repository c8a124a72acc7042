/**
 * The `connect-remediator` command (bin/connect-remediator) starts node with memory settings for a
 * long-lived worker. A module preloaded through NODE_OPTIONS reports what the node process the
 * script execs actually got — heap limit and malloc arenas — and exits before the
 * CLI runs, so these tests need no Temporal server.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const COMMAND = path.join(__dirname, '..', '..', 'bin', 'connect-remediator');

let dir: string;
let probe: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-memory-'));
  probe = path.join(dir, 'probe.js');
  fs.writeFileSync(
    probe,
    `const v8 = require('node:v8');
     const heap = v8.getHeapStatistics();
     process.stdout.write(JSON.stringify({
       heapLimitMb: heap.heap_size_limit / 1048576,
       arenas: process.env.MALLOC_ARENA_MAX ?? null,
     }));
     process.exit(0);`,
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(env: NodeJS.ProcessEnv) {
  const { MALLOC_ARENA_MAX: _arenas, CONNECT_REMEDIATOR_HEAP_MB: _heap, ...rest } = process.env;
  return spawnSync(COMMAND, ['--help'], {
    env: { ...rest, NODE_OPTIONS: `--require ${probe}`, ...env },
    encoding: 'utf8',
  });
}

function report(env: NodeJS.ProcessEnv = {}) {
  const result = run(env);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { heapLimitMb: number; arenas: string | null };
}

test('node gets a 256 MB old generation per isolate and two malloc arenas by default', () => {
  const { heapLimitMb, arenas } = report();
  // heap_size_limit is the old generation plus the young generation's reserve (3 × 8 MB semi-spaces).
  expect(heapLimitMb).toBeGreaterThanOrEqual(256);
  expect(heapLimitMb).toBeLessThanOrEqual(256 + 3 * 8);
  expect(arenas).toBe('2');
});

test('CONNECT_REMEDIATOR_HEAP_MB and MALLOC_ARENA_MAX override the defaults', () => {
  const { heapLimitMb, arenas } = report({ CONNECT_REMEDIATOR_HEAP_MB: '512', MALLOC_ARENA_MAX: '4' });
  expect(heapLimitMb).toBeGreaterThanOrEqual(512);
  expect(heapLimitMb).toBeLessThanOrEqual(512 + 3 * 8);
  expect(arenas).toBe('4');
});

test("a caller's own NODE_OPTIONS flag comes later and wins", () => {
  const { heapLimitMb } = report({ NODE_OPTIONS: `--require ${probe} --max-old-space-size=1024` });
  expect(heapLimitMb).toBeGreaterThanOrEqual(1024);
});

test.each([
  ['abc', 'expected a whole number of megabytes (got "abc")'],
  ['64', 'expected at least 96 megabytes (got 64)'],
])('CONNECT_REMEDIATOR_HEAP_MB=%s is refused with a message that names it', (value, message) => {
  const result = run({ CONNECT_REMEDIATOR_HEAP_MB: value });
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`CONNECT_REMEDIATOR_HEAP_MB: ${message}`);
});

test('reached through a relative symbolic link, as npm installs it in node_modules/.bin', () => {
  const bin = path.join(dir, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  const link = path.join(bin, 'connect-remediator');
  fs.symlinkSync(path.relative(bin, COMMAND), link);
  const result = spawnSync(link, ['--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('Usage: connect-remediator');
});
