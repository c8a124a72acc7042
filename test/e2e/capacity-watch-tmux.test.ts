/**
 * `capacity --watch` in a real terminal: tmux runs a shell, the test types the command into it
 * during a small storm (real dev server, worker and simulator: Q = 3, 45 quota failures, tasks
 * open 1.5 s), reads the screen with `tmux capture-pane` and checks that the chart moves as the gate
 * grants — then sends Ctrl-C and checks that the shell's screen is back as it was: no alternate
 * screen left on, the cursor visible, the lines typed before still there and nothing of the chart.
 * Where tmux is missing jest.config.js leaves this file out loudly (a failure under CI=true).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RemediationResult } from '../../workflows/definitions';
import { CLI } from '../helpers/processes';
import {
  capacityPolicy,
  startRemediationStack,
  testSpeedPolicies,
  type RemediationStack,
} from '../helpers/remediation-stack';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvents,
  type StormInstance,
} from '../../simulator/quota-storm';
import { eventually } from '../helpers/wait';

jest.setTimeout(180_000);

const QUOTA = 3;
const EVENTS = 45;
const TASK_LIFETIME_MS = 1500;
const PROMPT = 'shell$ ';
// capture-pane drops trailing spaces: a prompt alone on its line reads without its space.
const BARE_PROMPT = PROMPT.trimEnd();

let stack: RemediationStack;
let instance: StormInstance;
let dir: string;
let socket: string;

const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'watch');
const paneFlag = (name: string) => tmux('display-message', '-p', '-t', 'watch', `#{${name}}`).trim();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-tmux-'));
  socket = path.join(dir, 'tmux.sock');
  const bootstrap = await startRemediationStack({ name: 'watch' });
  instance = await addStormInstance(bootstrap.simulator.admin, QUOTA);
  fs.writeFileSync(
    bootstrap.policiesFile,
    testSpeedPolicies({
      prepend: [capacityPolicy('watch-storm', instance.instanceId, { source: 'metrics', quota: QUOTA })],
    }),
  );
  await bootstrap.worker.policies.reload();
  await bootstrap.simulator.admin.configure({ taskLifetimeMs: TASK_LIFETIME_MS });
  stack = bootstrap;
});

afterAll(async () => {
  try {
    if (socket) tmux('kill-server');
  } catch {
    // no server left to kill
  }
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The chart's numbers as the screen shows them. */
function chartReading(text: string) {
  const granted = /grants\/min\s+(\S*)\s+\S+\/min · (\d+) granted/.exec(text);
  const open = /open tasks\s+(\S*)\s+(\d+) of (\d+) quota/.exec(text);
  return granted && open
    ? { grantsLine: granted[1]!, granted: Number(granted[2]), openLine: open[1]!, open: Number(open[2]) }
    : undefined;
}

test('the chart moves as the gate grants, and Ctrl-C gives the shell its screen back', async () => {
  // A clean shell: no rc files, a fixed prompt, the CLI's Temporal settings in its environment.
  tmux(
    ...['-f', '/dev/null', 'new-session', '-d', '-s', 'watch', '-x', '150', '-y', '40'],
    ...['-e', `PS1=${PROMPT}`, '-e', `NODE=${process.execPath}`, '-e', `CLI=${CLI}`],
    ...[
      '-e',
      `TEMPORAL_ADDRESS=${stack.temporal.address}`,
      '-e',
      `TEMPORAL_NAMESPACE=${stack.temporal.namespace}`,
    ],
    ...['bash', '--norc', '--noprofile', '-i'],
  );
  await eventually(async () => screen().includes(BARE_PROMPT), 'the shell prompt');
  tmux('send-keys', '-t', 'watch', '-l', 'echo before the watch');
  tmux('send-keys', '-t', 'watch', 'Enter');
  await eventually(async () => /^before the watch$/m.test(screen()) || undefined, 'the echo');
  const command = `"$NODE" "$CLI" capacity --watch --interval 1 ${instance.instanceId}`;
  tmux('send-keys', '-t', 'watch', '-l', command);
  tmux('send-keys', '-t', 'watch', 'Enter');
  // The shell as it was when the watch took over: everything above the command's own line.
  await eventually(async () => screen().includes('Ctrl-C to quit') || undefined, 'the watch screen', 60_000);
  expect(paneFlag('alternate_on')).toBe('1');
  expect(paneFlag('cursor_flag')).toBe('0');

  await fillToQuota(stack.simulator.endpoint, instance, QUOTA);
  const handles = await Promise.all(
    quotaFailureEvents(instance, EVENTS, QUOTA).map((event) => stack.start(event)),
  );

  // Screens read while the storm drains: the granted count climbs, the sparklines change.
  const readings: NonNullable<ReturnType<typeof chartReading>>[] = [];
  await eventually(
    async () => {
      const reading = chartReading(screen());
      if (reading && reading.granted !== readings.at(-1)?.granted) readings.push(reading);
      return (reading?.granted ?? 0) >= EVENTS || undefined;
    },
    `the chart to count ${EVENTS} grants`,
    120_000,
  );
  const counts = readings.map((r) => r.granted);
  expect(counts.length).toBeGreaterThanOrEqual(3);
  expect([...counts].sort((a, b) => a - b)).toEqual(counts);
  expect(counts.at(-1)).toBeGreaterThanOrEqual(EVENTS);
  expect(new Set(readings.map((r) => r.grantsLine)).size).toBeGreaterThan(1);
  expect(readings.some((r) => /[▂-█]/.test(r.grantsLine))).toBe(true);
  expect(readings.some((r) => r.open > 0)).toBe(true);
  expect(readings.every((r) => r.open <= QUOTA)).toBe(true);
  const results = (await Promise.all(handles.map((h) => h.result()))) as RemediationResult[];
  expect(results.every((r) => r.outcome === 'recovered')).toBe(true);

  tmux('send-keys', '-t', 'watch', 'C-c');
  await eventually(
    async () => paneFlag('pane_current_command') === 'bash' && screen().trimEnd().endsWith(BARE_PROMPT),
    'the shell prompt after Ctrl-C',
    20_000,
  );
  expect(paneFlag('alternate_on')).toBe('0');
  expect(paneFlag('cursor_flag')).toBe('1');
  const after = screen()
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  expect(after).toEqual([
    `${PROMPT}echo before the watch`,
    'before the watch',
    `${PROMPT}${command}`,
    BARE_PROMPT,
  ]);
});
