/**
 * The pure parts of `capacity`: the gate query, grants per minute, the drain estimate and the lines
 * operators read during a storm — fixed statuses and a fixed clock in, exact lines out. Gates
 * started before a field existed must print what they have and never crash.
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
import { oldProbeGateStatus, stormGateStatus } from '../helpers/gate-statuses';

const NOW = new Date('2026-11-27T04:35:12Z');
const INSTANCE = 'cb54730f-5aac-4376-b2f4-7c822889931e';
/** Start of minute 04:mm on the test's day (ms). */
const at = (mm: number) => Date.parse(`2026-11-27T04:${String(mm).padStart(2, '0')}:00Z`);

const STORM = stormGateStatus(INSTANCE, [30, 31, 32, 33, 34, 35].map(at));
const OLD_PROBE_GATE = oldProbeGateStatus(INSTANCE);

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
  test.each<
    [string, [number, number][] | undefined, number, { start: number; grants: number; complete: boolean }[]]
  >([
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
        [at(32), 4],
        [at(34), 6],
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
      [[at(20), 40]],
      3,
      [
        { start: at(33), grants: 0, complete: true },
        { start: at(34), grants: 0, complete: true },
        { start: at(35), grants: 0, complete: false },
      ],
    ],
    [
      'a gate clock ahead of ours: its newest minute is the one under way',
      [[at(36), 5]],
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
    grantsPerMinute: [number, number][] | undefined,
    extra: Partial<CapacityGateStatus> = {},
  ): CapacityGateStatus => ({ ...STORM, grantsPerMinute, ...extra });

  test.each<[string, CapacityGateStatus, DrainEstimate]>([
    ['nothing queued', withGrants(STORM.grantsPerMinute, { queueLength: 0 }), { basis: 'empty', seconds: 0 }],
    [
      'queue ÷ the mean of the last 5 complete minutes (the minute under way left out)',
      STORM,
      { basis: 'recent-grants', seconds: (1840 / 100.6) * 60, grantsPerMinute: 100.6, minutes: 5 },
    ],
    [
      'fewer complete minutes than 5: the mean of those there are',
      withGrants([
        [at(33), 60],
        [at(34), 120],
        [at(35), 500],
      ]),
      { basis: 'recent-grants', seconds: (1840 / 90) * 60, grantsPerMinute: 90, minutes: 2 },
    ],
    [
      'only the minute under way granted: the budget bounds it',
      withGrants([[at(35), 20]], { queueLength: 300 }),
      { basis: 'grant-budget', seconds: 60, grantsPerSecond: 5, why: 'no complete minute of grants yet' },
    ],
    [
      'no grants for 5 minutes: the budget bounds it',
      withGrants([[at(20), 40]], { queueLength: 10, settings: { ...STORM.settings!, grantsPerSecond: 2.5 } }),
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
      'a gate that reports no grants and no settings: unknown',
      OLD_PROBE_GATE,
      { basis: 'unknown', why: 'this gate does not report its grants, and no grant-rate budget is known' },
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
        '  source          metrics, quota 50',
        '  open tasks      50 of 50 (full)',
        '  queue           1840 waiting, 1200 of them in 3 overflow chunks',
        '  in flight       12 permits',
        '  grants/minute   04:31Z 98, 04:32Z 104, 04:33Z 110, 04:34Z 101, 04:35Z 37 so far',
        '  grant budget    5/s',
        '  setting from    policy task-quota, policy set 60885e1a0284',
        '  counters        admitted 4211, created 4100, quota errors 3, reclaimed 1',
        '  drain estimate  ~18m 17s (1840 queued ÷ 100.6 grants/min, mean of the last 5 complete minutes)',
      ],
    ],
    [
      'a storm that has just begun: estimated from the grant budget, and said so',
      {
        ...STORM,
        queueLength: 300,
        overflowLength: 0,
        overflowChunks: 0,
        inFlight: 1,
        lastOpenTasks: 42,
        grantsPerMinute: [[at(35), 20]],
        settings: { source: 'metrics', quota: 50, grantsPerSecond: 5, setHash: '60885e1a0284' },
      },
      [
        HEADER,
        '  source          metrics, quota 50',
        '  open tasks      42 of 50',
        '  queue           300 waiting, none in overflow chunks',
        '  in flight       1 permit',
        '  grants/minute   04:35Z 20 so far',
        '  grant budget    5/s',
        '  setting from    policy set 60885e1a0284',
        '  counters        admitted 4211, created 4100, quota errors 3, reclaimed 1',
        '  drain estimate  at least 1m (300 queued at the grant budget of 5/s; no complete minute of grants yet)',
      ],
    ],
    [
      'a stalled storm without a budget: unknown, and why',
      {
        ...STORM,
        queueLength: 10,
        overflowLength: undefined,
        overflowChunks: undefined,
        lastOpenTasks: undefined,
        grantsPerMinute: [[at(20), 40]],
        settings: { source: 'metrics', quota: 50, policy: 'task-quota' },
      },
      [
        HEADER,
        '  source          metrics, quota 50',
        '  open tasks      not read yet',
        '  queue           10 waiting',
        '  in flight       12 permits',
        '  grants/minute   04:31Z 0, 04:32Z 0, 04:33Z 0, 04:34Z 0, 04:35Z 0 so far',
        '  grant budget    not set',
        '  setting from    policy task-quota',
        '  counters        admitted 4211, created 4100, quota errors 3, reclaimed 1',
        '  drain estimate  unknown (no grants in the last 5 complete minutes, and no grant-rate budget is known)',
      ],
    ],
    [
      'an old probe gate: only what it reports',
      OLD_PROBE_GATE,
      [
        HEADER,
        '  source          probe, window 4',
        '  open tasks      not read (the probe source reads no metrics)',
        '  queue           7 waiting',
        '  in flight       2 permits',
        '  grants/minute   not reported by this gate',
        '  grant budget    unknown (this gate predates recorded settings)',
        '  setting from    unknown (this gate predates recorded settings)',
        '  counters        admitted 9, created 8, quota errors 1, reclaimed 0',
        '  drain estimate  unknown (this gate does not report its grants, and no grant-rate budget is known)',
      ],
    ],
    [
      'an idle gate about to end (its AIMD window is fractional)',
      { ...OLD_PROBE_GATE, queueLength: 0, inFlight: 0, window: 8.6875, grantsPerMinute: [] },
      [
        HEADER,
        '  source          probe, window 8.7',
        '  open tasks      not read (the probe source reads no metrics)',
        '  queue           0 waiting',
        '  in flight       0 permits',
        '  grants/minute   none yet',
        '  grant budget    unknown (this gate predates recorded settings)',
        '  setting from    unknown (this gate predates recorded settings)',
        '  counters        admitted 9, created 8, quota errors 1, reclaimed 0',
        '  drain estimate  nothing queued',
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
    expect(formatCapacityReport([report(OLD_PROBE_GATE), silent], NOW)).toEqual([
      ...formatGateReport(report(OLD_PROBE_GATE), NOW),
      '',
      'instance 4627d480-f6c3-469e-b78e-7182e6a8f416  (workflow task-capacity-4627d480-f6c3-469e-b78e-7182e6a8f416)',
      '  status          no answer: the gate did not answer its status query (is a worker polling task queue "elsewhere"?): deadline exceeded',
      '',
      '2 gates running, as of 2026-11-27 04:35:12Z',
    ]);
  });

  test('no gate: one line, for every instance or for one', () => {
    expect(formatNoGate('default')).toBe(
      'no running capacity gate in namespace "default" (no task-quota failure is waiting for capacity)',
    );
    expect(formatNoGate('ops', INSTANCE)).toBe(
      `no running gate for instance ${INSTANCE} in namespace "ops" (no task-quota failure is waiting for capacity there)`,
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
