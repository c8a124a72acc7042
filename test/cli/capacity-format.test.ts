/**
 * The pure parts of `capacity`: the gate query, grants per minute, the drain estimate and the lines
 * operators read during a storm — fixed statuses and a fixed clock in, exact lines out. A figure
 * the gate has not read yet is said to be missing.
 */
import type { CapacityGateStatus } from '../../workflows/definitions';
import {
  capacityGatesQuery,
  estimateDrain,
  formatCapacityReport,
  formatGateReport,
  formatNoGate,
  gateReport,
  grantMinutes,
  instanceIdOfGate,
  parseInstanceId,
  type DrainEstimate,
} from '../../cli/capacity';
import { probeGateStatus, stormGateStatus } from '../helpers/gate-statuses';

const NOW = new Date('2026-11-27T04:35:12Z');
const INSTANCE = 'cb54730f-5aac-4376-b2f4-7c822889931e';
/** Start of minute 04:mm on the test's day (ms). */
const at = (mm: number) => Date.parse(`2026-11-27T04:${String(mm).padStart(2, '0')}:00Z`);

const STORM = stormGateStatus(INSTANCE, [30, 31, 32, 33, 34, 35].map(at));
const PROBE_GATE = probeGateStatus(INSTANCE);

const report = (status: CapacityGateStatus) =>
  gateReport(
    { workflowId: `task-capacity-${status.instanceId}`, taskQueue: 'connect-remediation' },
    { status },
    NOW,
  );

const HEADER = `instance ${INSTANCE}  (workflow task-capacity-${INSTANCE})`;

describe('capacity query', () => {
  test('every running gate, or the one of an instance (id or ARN)', () => {
    expect(capacityGatesQuery()).toBe(`WorkflowType = 'taskCapacityGate' AND ExecutionStatus = 'Running'`);
    const one = `WorkflowType = 'taskCapacityGate' AND ExecutionStatus = 'Running' AND WorkflowId = 'task-capacity-${INSTANCE}'`;
    expect(capacityGatesQuery(INSTANCE)).toBe(one);
    expect(capacityGatesQuery(`arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}`)).toBe(one);
  });

  test.each(["x' OR WorkflowId != '", 'a b', '', 'instance/../x'])(
    'an argument that is no instance id is refused before it reaches the query: %p',
    (bad) => {
      expect(() => parseInstanceId(bad)).toThrow(
        `expected an Amazon Connect instance id (e.g. cb54730f-5aac-4376-b2f4-7c822889931e) or instance ARN; got "${bad}"`,
      );
      expect(() => capacityGatesQuery(bad)).toThrow(/expected an Amazon Connect instance id/);
    },
  );

  test('the instance of a gate workflow id', () => {
    expect(instanceIdOfGate(`task-capacity-${INSTANCE}`)).toBe(INSTANCE);
    expect(instanceIdOfGate('something-else')).toBe('something-else');
  });
});

describe('grants per minute', () => {
  const now = NOW.getTime();
  type Minutes = { minute: number; grants: number }[];
  test.each<[string, Minutes | undefined, number, { start: number; grants: number; complete: boolean }[]]>([
    ['absent', undefined, 5, []],
    ['empty', [], 5, []],
    [
      'the last minutes, newest (under way) last',
      STORM.grantsPerMinute,
      3,
      [
        { start: at(33), grants: 110, complete: true },
        { start: at(34), grants: 101, complete: true },
        { start: at(35), grants: 37, complete: false },
      ],
    ],
    [
      'minutes the gate did not record granted nothing; nothing before its first minute',
      [
        { minute: at(32), grants: 4 },
        { minute: at(34), grants: 6 },
      ],
      5,
      [
        { start: at(32), grants: 4, complete: true },
        { start: at(33), grants: 0, complete: true },
        { start: at(34), grants: 6, complete: true },
        { start: at(35), grants: 0, complete: false },
      ],
    ],
    [
      'a record that stopped minutes ago runs on with zeros up to now',
      [{ minute: at(20), grants: 40 }],
      3,
      [
        { start: at(33), grants: 0, complete: true },
        { start: at(34), grants: 0, complete: true },
        { start: at(35), grants: 0, complete: false },
      ],
    ],
    [
      'a gate clock ahead of ours: its newest minute is the one under way',
      [{ minute: at(36), grants: 5 }],
      2,
      [{ start: at(36), grants: 5, complete: false }],
    ],
  ])('%s', (_name, history, count, expected) => {
    expect(grantMinutes(history, now, count)).toEqual(expected);
  });
});

describe('drain estimate', () => {
  const now = NOW.getTime();
  const withGrants = (
    grantsPerMinute: CapacityGateStatus['grantsPerMinute'],
    extra: Partial<CapacityGateStatus> = {},
  ): CapacityGateStatus => ({ ...STORM, grantsPerMinute, ...extra });

  test.each<[string, CapacityGateStatus, DrainEstimate]>([
    ['nothing waiting', withGrants(STORM.grantsPerMinute, { waiting: 0 }), { basis: 'empty', seconds: 0 }],
    [
      'waiting ÷ the mean of the last 5 complete minutes (the minute under way left out)',
      STORM,
      { basis: 'recent-grants', seconds: (1840 / 100.6) * 60, grantsPerMinute: 100.6, minutes: 5 },
    ],
    [
      'fewer complete minutes than 5: the mean of those there are',
      withGrants([
        { minute: at(33), grants: 60 },
        { minute: at(34), grants: 120 },
        { minute: at(35), grants: 500 },
      ]),
      { basis: 'recent-grants', seconds: (1840 / 90) * 60, grantsPerMinute: 90, minutes: 2 },
    ],
    [
      'only the minute under way granted: the budget bounds it',
      withGrants([{ minute: at(35), grants: 20 }], { waiting: 300 }),
      { basis: 'grant-budget', seconds: 60, grantsPerSecond: 5, why: 'no complete minute of grants yet' },
    ],
    [
      'no grants for 5 minutes: the budget bounds it',
      withGrants([{ minute: at(20), grants: 40 }], {
        waiting: 10,
        settings: { ...STORM.settings!, grantsPerSecond: 2.5 },
      }),
      {
        basis: 'grant-budget',
        seconds: 4,
        grantsPerSecond: 2.5,
        why: 'no grants in the last 5 complete minutes',
      },
    ],
    [
      'no grants and no budget: unknown',
      withGrants([], { settings: { source: 'metrics', quota: 50 } }),
      { basis: 'unknown', why: 'no complete minute of grants yet, and no grant-rate budget is known' },
    ],
    [
      'a gate that has not read its setting yet: unknown',
      { ...PROBE_GATE, settings: undefined, waiting: 3 } as CapacityGateStatus,
      { basis: 'unknown', why: 'no complete minute of grants yet, and no grant-rate budget is known' },
    ],
  ])('%s', (_name, status, expected) => {
    const estimate = estimateDrain(status, now);
    expect(estimate).toEqual(
      'seconds' in expected ? { ...expected, seconds: expect.closeTo(expected.seconds, 6) } : expected,
    );
  });
});

describe('gate lines', () => {
  test.each<[string, CapacityGateStatus, string[]]>([
    [
      'a storm draining at its recent rate',
      STORM,
      [
        HEADER,
        '  doing           full',
        '  source          metrics, quota 50',
        '  open tasks      50 of 50 (full)',
        "  waiting         about 1840 runs in the waiting room (Temporal's backlog count, seconds old)",
        '  in flight       12 re-issues',
        '  grants/minute   04:31Z 98, 04:32Z 104, 04:33Z 110, 04:34Z 101, 04:35Z 37 so far',
        '  grant budget    5/s',
        '  setting from    policy task-quota, policy set 60885e1a0284',
        '  counters        admitted 4211, created 4100, quota errors 3, transient 2, failed 1, withdrawn 5',
        '  drain estimate  ~18m 17s (1840 waiting ÷ 100.6 grants/min, mean of the last 5 complete minutes)',
      ],
    ],
    [
      'a storm that has just begun: estimated from the grant budget, and said so',
      {
        ...STORM,
        mode: 'admitting',
        waiting: 300,
        inFlight: 1,
        lastOpenTasks: 42,
        grantsPerMinute: [{ minute: at(35), grants: 20 }],
        settings: { source: 'metrics', quota: 50, grantsPerSecond: 5, setHash: '60885e1a0284' },
      },
      [
        HEADER,
        '  doing           admitting',
        '  source          metrics, quota 50',
        '  open tasks      42 of 50',
        "  waiting         about 300 runs in the waiting room (Temporal's backlog count, seconds old)",
        '  in flight       1 re-issue',
        '  grants/minute   04:35Z 20 so far',
        '  grant budget    5/s',
        '  setting from    policy set 60885e1a0284',
        '  counters        admitted 4211, created 4100, quota errors 3, transient 2, failed 1, withdrawn 5',
        '  drain estimate  at least 1m (300 waiting at the grant budget of 5/s; no complete minute of grants yet)',
      ],
    ],
    [
      'metrics that cannot be read, and no budget: probing, the estimate unknown, and why',
      {
        ...STORM,
        mode: 'admitting',
        waiting: 10,
        lastOpenTasks: undefined,
        metricsUnreadable: 'AccessDeniedException (GetCurrentMetricData: not allowed)',
        grantsPerMinute: [{ minute: at(20), grants: 40 }],
        settings: { source: 'metrics', quota: 50, policy: 'task-quota' },
      },
      [
        HEADER,
        '  doing           admitting',
        '  source          metrics, quota 50, metrics unreadable (AccessDeniedException (GetCurrentMetricData: not allowed)): probing, window 1',
        '  open tasks      not read yet',
        "  waiting         about 10 runs in the waiting room (Temporal's backlog count, seconds old)",
        '  in flight       12 re-issues',
        '  grants/minute   04:31Z 0, 04:32Z 0, 04:33Z 0, 04:34Z 0, 04:35Z 0 so far',
        '  grant budget    not set',
        '  setting from    policy task-quota',
        '  counters        admitted 4211, created 4100, quota errors 3, transient 2, failed 1, withdrawn 5',
        '  drain estimate  unknown (no grants in the last 5 complete minutes, and no grant-rate budget is known)',
      ],
    ],
    [
      'a probe gate',
      PROBE_GATE,
      [
        HEADER,
        '  doing           admitting',
        '  source          probe, window 4',
        '  open tasks      not read (the probe source reads no metrics)',
        "  waiting         about 7 runs in the waiting room (Temporal's backlog count, seconds old)",
        '  in flight       2 re-issues',
        '  grants/minute   none yet',
        '  grant budget    1/s',
        '  setting from    policy task-quota, policy set b2c1d4e5f6a7',
        '  counters        admitted 9, created 8, quota errors 1, transient 0, failed 0, withdrawn 0',
        '  drain estimate  at least 7s (7 waiting at the grant budget of 1/s; no complete minute of grants yet)',
      ],
    ],
    [
      'a gate listening to an empty room, before its first round (its AIMD window fractional)',
      {
        ...PROBE_GATE,
        mode: 'listening',
        settings: undefined,
        waiting: undefined,
        inFlight: 0,
        window: 8.6875,
      } as CapacityGateStatus,
      [
        HEADER,
        '  doing           listening',
        '  source          not read yet',
        '  open tasks      not read yet',
        '  waiting         not known (the server reports no task-queue backlog)',
        '  in flight       0 re-issues',
        '  grants/minute   none yet',
        '  grant budget    not read yet',
        '  setting from    not read yet',
        '  counters        admitted 9, created 8, quota errors 1, transient 0, failed 0, withdrawn 0',
        '  drain estimate  nothing waiting',
      ],
    ],
  ])('%s', (_name, status, expected) => {
    expect(formatGateReport(report(status), NOW)).toEqual(expected);
  });

  test('a gate that does not answer says why, and the others still print', () => {
    const silent = gateReport(
      { workflowId: 'task-capacity-4627d480-f6c3-469e-b78e-7182e6a8f416', taskQueue: 'elsewhere' },
      {
        problem:
          'the gate did not answer its status query (is a worker polling task queue "elsewhere"?): deadline exceeded',
      },
      NOW,
    );
    expect(formatCapacityReport([report(PROBE_GATE), silent], NOW)).toEqual([
      ...formatGateReport(report(PROBE_GATE), NOW),
      '',
      'instance 4627d480-f6c3-469e-b78e-7182e6a8f416  (workflow task-capacity-4627d480-f6c3-469e-b78e-7182e6a8f416)',
      '  status          no answer: the gate did not answer its status query (is a worker polling task queue "elsewhere"?): deadline exceeded',
      '',
      '2 gates running, as of 2026-11-27 04:35:12Z',
    ]);
  });

  test('no gate: one line, for every instance or for one', () => {
    expect(formatNoGate('default')).toBe(
      'no capacity gate runs in namespace "default" (none has started: no task-quota failure has waited for capacity)',
    );
    expect(formatNoGate('ops', INSTANCE)).toBe(
      `no capacity gate runs for instance ${INSTANCE} in namespace "ops" (none has started: no task-quota failure has waited for capacity there)`,
    );
  });

  test('--json carries the status and the estimate as gathered', () => {
    const json = JSON.parse(JSON.stringify(report(STORM))) as Record<string, unknown>;
    expect(json).toEqual({
      instanceId: INSTANCE,
      workflowId: `task-capacity-${INSTANCE}`,
      taskQueue: 'connect-remediation',
      queriedAt: '2026-11-27T04:35:12.000Z',
      status: STORM,
      drainEstimate: {
        basis: 'recent-grants',
        seconds: expect.closeTo(1097.4, 1),
        grantsPerMinute: 100.6,
        minutes: 5,
      },
    });
  });
});
