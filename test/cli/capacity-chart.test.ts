/**
 * `capacity --watch`'s picture, pure: sparklines scale to the quota or to the largest value shown,
 * grant rates come from the admitted counter between samples (a gate that continued as new starts
 * counting again), samples older than the window drop out, and the chart and plain lines say what
 * the gate said.
 */
import {
  addSample,
  chartLines,
  grantRates,
  HISTORY_MS,
  plainLine,
  sampleOf,
  sparkline,
  type GateSample,
} from '../../cli/capacity/chart';
import { gateReport } from '../../cli/capacity';
import { stormGateStatus } from '../helpers/gate-statuses';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 28, 17, 42, 30);
const minuteStart = Math.floor(NOW / MINUTE) * MINUTE;

test('a sparkline has one block per value, scaled to the given maximum or to the largest value', () => {
  expect(sparkline([0, 25, 50], 10, 50)).toBe('▁▅█');
  expect(sparkline([1, 2, 4, 8], 10)).toBe('▂▃▅█');
  expect(sparkline([undefined, 3, 3], 10)).toBe(' ██');
  // Only the newest `width` values.
  expect(sparkline([8, 8, 0, 0], 2)).toBe('▁▁');
  expect(sparkline([0, 0], 5)).toBe('▁▁');
  expect(sparkline([60, 50], 5, 50)).toBe('██');
});

test('grants per minute come from the admitted counter between samples', () => {
  const at = (s: number, admitted: number): GateSample => ({ at: NOW + s * 1000, permits: 0, admitted });
  expect(grantRates([at(0, 10), at(3, 13), at(6, 13), at(9, 4)])).toEqual([60, 0, 80]);
  expect(grantRates([at(0, 10)])).toEqual([]);
});

test('samples older than the window drop out', () => {
  const old: GateSample = { at: NOW - HISTORY_MS, permits: 1, admitted: 1 };
  const recent: GateSample = { at: NOW - 1000, permits: 2, admitted: 2 };
  expect(addSample([old, recent], { at: NOW, permits: 3, admitted: 3 }).map((s) => s.permits)).toEqual([
    2, 3,
  ]);
});

test('the chart shows each series with its latest value and the drain estimate; plain lines say the same', () => {
  const status = stormGateStatus(
    'cb54730f',
    [5, 4, 3, 2, 1, 0].map((n) => minuteStart - n * MINUTE),
  );
  const report = gateReport(
    { workflowId: 'task-capacity-cb54730f', taskQueue: 'q' },
    { status },
    new Date(NOW),
  );
  const first = sampleOf(
    { ...report, status: { ...status, lastOpenTasks: 25, stats: { ...status.stats, admitted: 4201 } } },
    NOW - 6000,
  )!;
  const second = sampleOf(report, NOW)!;
  const history = new Map([[report.workflowId, [first, second]]]);
  const lines = chartLines([report], history, { columns: 100, now: new Date(NOW), intervalSeconds: 3 });
  expect(lines[0]).toBe('connect-remediator capacity --watch · every 3s · 17:42:30Z · Ctrl-C to quit');
  expect(lines.slice(2)).toEqual([
    'instance cb54730f · full · source metrics',
    `  open tasks  ${'▅█'.padEnd(55)}  50 of 50 quota (full)`,
    `  waiting     ${'██'.padEnd(55)}  1840 runs`,
    `  permits     ${'██'.padEnd(55)}  12 out`,
    `  grants/min  ${'█'.padEnd(55)}  100/min · 4211 granted`,
    '  drain       ~18m 17s (1840 waiting ÷ 100.6 grants/min, mean of the last 5 complete minutes)',
    '',
  ]);
  expect(plainLine(report, [first, second], new Date(NOW))).toBe(
    '2026-11-28T17:42:30.000Z instance=cb54730f mode=full open=50/50 waiting=1840 permits=12 grants_per_min=100 granted=4211 drain="~18m 17s (1840 waiting ÷ 100.6 grants/min, mean of the last 5 complete minutes)"',
  );
});

test('a gate that did not answer is said so, in the chart and in the plain line', () => {
  const report = gateReport(
    { workflowId: 'task-capacity-x', taskQueue: 'q' },
    { problem: 'deadline exceeded' },
    new Date(NOW),
  );
  expect(sampleOf(report, NOW)).toBeUndefined();
  expect(
    chartLines([report], new Map(), { columns: 80, now: new Date(NOW), intervalSeconds: 3 }).slice(2, 4),
  ).toEqual(['instance x', '  no answer: deadline exceeded']);
  expect(plainLine(report, [], new Date(NOW))).toBe(
    '2026-11-28T17:42:30.000Z instance=x status=no-answer problem="deadline exceeded"',
  );
});
