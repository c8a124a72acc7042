/**
 * AWS's API rate limits, on by default: token buckets per operation for the account and Region,
 * shared by every instance, answered with the SDK's own ThrottlingException in each service's
 * shape. A manual clock steps through bursts and refills without waiting on real time.
 */
import {
  DescribeRuleCommand,
  GetCurrentMetricDataCommand,
  ListQueuesCommand,
  StopContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import {
  PutEventsCommand,
  ThrottlingException as EventBridgeThrottlingException,
} from '@aws-sdk/client-eventbridge';
import {
  DEFAULT_CONFIG,
  SEED,
  SimulatorAdminError,
  startSimulator,
  type SimulatorConfigPatch,
} from '../../simulator';
import { expectSdkError, ManualClock, sdkClients, useSimulator } from './helpers';

const clock = new ManualClock();
const ctx = useSimulator({ now: clock.now });
const { startTask } = ctx;

const AWS_DEFAULTS = {
  StartTaskContact: { rate: 2, burst: 5 },
  StopContact: { rate: 10, burst: 15 },
  DescribeRule: { rate: 2, burst: 5 },
  GetCurrentMetricData: { rate: 5, burst: 8 },
  ListQueues: { rate: 2, burst: 5 },
  PutEvents: { rate: 10_000, burst: 10_000 },
  GetMetricData: { rate: 50, burst: 50 },
};

const describeRule = () =>
  ctx.aws.connect.send(
    new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }),
  );
const currentMetrics = () =>
  ctx.aws.connect.send(
    new GetCurrentMetricDataCommand({
      InstanceId: SEED.instanceId,
      Filters: { Queues: [SEED.queues.basic], Channels: ['TASK'] },
      CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
    }),
  );
const putEvents = () =>
  ctx.aws.eventBridge.send(
    new PutEventsCommand({ Entries: [{ Source: 'connect-remediator', DetailType: 'Test', Detail: '{}' }] }),
  );

/** Calls one at a time (the clock does not move) and tells which ones were throttled. */
async function outcomes(count: number, call: () => Promise<unknown>): Promise<string[]> {
  const results: string[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      await call();
      results.push('ok');
    } catch (err) {
      if (!(err instanceof ThrottlingException || err instanceof EventBridgeThrottlingException)) throw err;
      results.push('throttled');
    }
  }
  return results;
}
const oks = (n: number) => Array<string>(n).fill('ok');
const throttled = (n: number) => Array<string>(n).fill('throttled');

async function adminError(call: Promise<unknown>): Promise<SimulatorAdminError> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SimulatorAdminError);
  return error as SimulatorAdminError;
}

test('AWS’s documented defaults are in force and shown with the settings', async () => {
  expect((await ctx.sim.admin.config()).rateLimits).toEqual(AWS_DEFAULTS);
  expect((await ctx.sim.admin.state({ tasks: 'none' })).config.rateLimits).toEqual(AWS_DEFAULTS);
  expect(DEFAULT_CONFIG.rateLimits).toEqual(AWS_DEFAULTS);
});

describe('StartTaskContact: 2 per second, burst 5', () => {
  test('a burst of 5 passes, the 6th is throttled with the SDK’s own ThrottlingException', async () => {
    for (let i = 0; i < 5; i += 1) await expect(startTask()).resolves.toHaveProperty('ContactId');
    const error = await expectSdkError(startTask(), ThrottlingException, {
      status: 429,
      message: 'Rate exceeded',
    });
    expect(error.$fault).toBe('client');
    // Connect's model gives ThrottlingException no retryable trait, so this SDK version sets no
    // $retryable (its retry strategy knows a throttle by the name and the 429: faults.test.ts); when
    // it is set, it must say throttling.
    if (error.$retryable !== undefined) expect(error.$retryable.throttling).toBe(true);

    // Nothing was created for the throttled call, and it is logged and counted like any error.
    expect(await ctx.openTasks()).toBe(5);
    const state = await ctx.sim.admin.state({ tasks: 'none' });
    expect(state.requestCounts.StartTaskContact).toEqual({
      total: 6,
      succeeded: 5,
      failed: 1,
      errors: { ThrottlingException: 1 },
    });
    expect(state.requestLog.at(-1)).toMatchObject({
      operation: 'StartTaskContact',
      status: 429,
      error: 'ThrottlingException',
      atMs: clock.now(),
      time: new Date(clock.now()).toISOString(),
    });
  });

  test('on the wire: 429, x-amzn-ErrorType ThrottlingException, {"message":"Rate exceeded"}', async () => {
    await outcomes(5, () => startTask());
    const response = await fetch(`${ctx.sim.endpoint}/contact/task`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        InstanceId: SEED.instanceId,
        ContactFlowId: SEED.contactFlows.taskTriage,
        Name: 'raw',
      }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ message: 'Rate exceeded' });
  });

  test('the bucket refills at 2 per second, up to the burst', async () => {
    expect(await outcomes(6, () => startTask())).toEqual([...oks(5), 'throttled']);
    clock.advance(499);
    expect(await outcomes(1, () => startTask())).toEqual(throttled(1));
    clock.advance(1);
    expect(await outcomes(2, () => startTask())).toEqual(['ok', 'throttled']);
    clock.advance(1000);
    expect(await outcomes(3, () => startTask())).toEqual(['ok', 'ok', 'throttled']);
    // A long pause fills the bucket to its burst, not beyond.
    clock.advance(60_000);
    expect(await outcomes(6, () => startTask())).toEqual([...oks(5), 'throttled']);
  });

  test('the limit is the account’s: every instance draws from the same bucket', async () => {
    const other = await ctx.sim.admin.addInstance({ ContactFlows: [{ Name: 'Tasks' }] });
    const otherFlow = other.ContactFlows[0]!.Id;
    expect(await outcomes(3, () => startTask())).toEqual(oks(3));
    expect(await outcomes(2, () => startTask({ ContactFlowId: otherFlow }, other.Id))).toEqual(oks(2));
    expect(await outcomes(1, () => startTask({ ContactFlowId: otherFlow }, other.Id))).toEqual(throttled(1));
    expect(await outcomes(1, () => startTask())).toEqual(throttled(1));
  });

  test('a throttled call never reaches the service: it spends no injected fault', async () => {
    await outcomes(5, () => startTask());
    await ctx.sim.admin.injectFaults({
      errors: [{ operation: 'StartTaskContact', error: 'InternalServiceException' }],
    });
    expect(await outcomes(1, () => startTask())).toEqual(throttled(1));
    expect((await ctx.sim.admin.state()).faults.errors).toHaveLength(1);
  });
});

test('each operation has its own bucket: DescribeRule 2/s burst 5, ListQueues 2/s burst 5', async () => {
  expect(await outcomes(6, () => startTask())).toEqual([...oks(5), 'throttled']);
  expect(await outcomes(6, describeRule)).toEqual([...oks(5), 'throttled']);
  const listQueues = () => ctx.aws.connect.send(new ListQueuesCommand({ InstanceId: SEED.instanceId }));
  expect(await outcomes(6, listQueues)).toEqual([...oks(5), 'throttled']);
  clock.advance(500);
  expect(await outcomes(2, describeRule)).toEqual(['ok', 'throttled']);
});

test('GetCurrentMetricData: 5 per second, burst 8', async () => {
  expect(await outcomes(9, currentMetrics)).toEqual([...oks(8), 'throttled']);
  clock.advance(200);
  expect(await outcomes(2, currentMetrics)).toEqual(['ok', 'throttled']);
  clock.advance(1000);
  expect(await outcomes(6, currentMetrics)).toEqual([...oks(5), 'throttled']);
});

test('StopContact: 10 per second, burst 15', async () => {
  const { contactIds } = await ctx.sim.admin.addOpenTasks(SEED.instanceId, { count: 17 });
  const stops = contactIds.map(
    (ContactId) => () =>
      ctx.aws.connect.send(new StopContactCommand({ InstanceId: SEED.instanceId, ContactId })),
  );
  let next = 0;
  expect(await outcomes(16, () => stops[next++]!())).toEqual([...oks(15), 'throttled']);
  clock.advance(100);
  expect(await outcomes(1, () => stops[next++]!())).toEqual(oks(1));
});

describe('PutEvents', () => {
  test('throttled with EventBridge’s shape: 400, {"__type":"ThrottlingException","message":"Rate exceeded"}', async () => {
    await ctx.sim.admin.configure({ rateLimits: { PutEvents: { rate: 1, burst: 2 } } });
    expect(await outcomes(2, putEvents)).toEqual(oks(2));
    const error = await expectSdkError(putEvents(), EventBridgeThrottlingException, {
      status: 400,
      message: 'Rate exceeded',
    });
    expect(error.$fault).toBe('client');

    const response = await fetch(ctx.sim.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({ Entries: [{ Source: 'raw', DetailType: 'Test', Detail: '{}' }] }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    expect(await ctx.sim.admin.events()).toHaveLength(2);
  });

  test('the default follows the Region (AWS documents it per Region); a limit set by hand stays', async () => {
    const limitIn = async (patch: SimulatorConfigPatch) =>
      (await ctx.sim.admin.configure(patch)).rateLimits.PutEvents;
    expect(await limitIn({})).toEqual({ rate: 10_000, burst: 10_000 });
    expect(await limitIn({ region: 'eu-west-2' })).toEqual({ rate: 1_200, burst: 1_200 });
    expect(await limitIn({ region: 'me-south-1' })).toEqual({ rate: 400, burst: 400 });
    expect(await limitIn({ rateLimits: { PutEvents: { rate: 50, burst: 60 } } })).toEqual({
      rate: 50,
      burst: 60,
    });
    expect(await limitIn({ region: 'us-east-2' })).toEqual({ rate: 50, burst: 60 });
    expect(await limitIn({ rateLimits: 'aws' })).toEqual({ rate: 2_400, burst: 2_400 });
  });
});

describe('changing the limits', () => {
  test('"off" lifts every limit at once; "aws" brings AWS’s defaults back', async () => {
    const config = await ctx.sim.admin.configure({ rateLimits: 'off' });
    expect(config.rateLimits).toEqual({
      StartTaskContact: null,
      StopContact: null,
      DescribeRule: null,
      GetCurrentMetricData: null,
      ListQueues: null,
      PutEvents: null,
      GetMetricData: null,
    });
    expect(await outcomes(20, () => startTask())).toEqual(oks(20));
    expect(await outcomes(20, describeRule)).toEqual(oks(20));
    expect((await ctx.sim.admin.configure({ rateLimits: 'aws' })).rateLimits).toEqual(AWS_DEFAULTS);
    expect(await outcomes(6, () => startTask())).toEqual([...oks(5), 'throttled']);
  });

  test('null lifts one operation’s limit; the others keep theirs', async () => {
    const config = await ctx.sim.admin.configure({ rateLimits: { StartTaskContact: null } });
    expect(config.rateLimits).toEqual({ ...AWS_DEFAULTS, StartTaskContact: null });
    expect(await outcomes(12, () => startTask())).toEqual(oks(12));
    expect(await outcomes(6, describeRule)).toEqual([...oks(5), 'throttled']);
  });

  test('a new limit starts with a full bucket; burst may be below rate', async () => {
    expect(await outcomes(6, () => startTask())).toEqual([...oks(5), 'throttled']);
    await ctx.sim.admin.configure({ rateLimits: { StartTaskContact: { rate: 2, burst: 5 } } });
    expect(await outcomes(6, () => startTask())).toEqual([...oks(5), 'throttled']);

    await ctx.sim.admin.configure({ rateLimits: { StartTaskContact: { rate: 10, burst: 1 } } });
    expect(await outcomes(2, () => startTask())).toEqual(['ok', 'throttled']);
    clock.advance(100);
    expect(await outcomes(2, () => startTask())).toEqual(['ok', 'throttled']);
  });

  test('a limit set at start applies from the start and again after a reset', async () => {
    const sim = await startSimulator({
      now: clock.now,
      config: { rateLimits: { DescribeRule: { rate: 1, burst: 1 } } },
    });
    const { connect } = sdkClients(sim.endpoint);
    try {
      const call = () =>
        connect.send(
          new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }),
        );
      expect(await outcomes(2, call)).toEqual(['ok', 'throttled']);
      await sim.admin.reset();
      expect((await sim.admin.config()).rateLimits.DescribeRule).toEqual({ rate: 1, burst: 1 });
      expect(await outcomes(2, call)).toEqual(['ok', 'throttled']);
    } finally {
      connect.destroy();
      await sim.stop();
    }
  });

  test.each([
    [
      { StartTaskContact: { rate: 0, burst: 5 } },
      'rateLimits.StartTaskContact.rate: expected calls per second (a number > 0)',
    ],
    [
      { StartTaskContact: { rate: 2, burst: 2.5 } },
      'rateLimits.StartTaskContact.burst: expected a burst size (an integer)',
    ],
    [
      { StartTaskContact: { rate: 2, burst: 0 } },
      'rateLimits.StartTaskContact.burst: expected a burst size of at least 1',
    ],
    [
      { StartTaskContact: { rate: 2 } },
      'rateLimits.StartTaskContact.burst: expected a burst size (a positive integer)',
    ],
    [{ StartTaskContact: 5 }, 'rateLimits.StartTaskContact: expected { rate, burst }, or null for no limit'],
    [
      { StartTask: null },
      'rateLimits.StartTask: expected an operation: StartTaskContact, StopContact, DescribeRule, GetCurrentMetricData, ListQueues, PutEvents, GetMetricData',
    ],
    ['sometimes', 'rateLimits: expected "off", "aws", or { <operation>: { rate, burst } | null }'],
    [null, 'rateLimits: expected "off", "aws", or { <operation>: { rate, burst } | null }'],
  ])('refuses rateLimits %j, naming the field', async (rateLimits, message) => {
    const error = await adminError(ctx.sim.admin.configure({ rateLimits } as never));
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
    expect((await ctx.sim.admin.config()).rateLimits).toEqual(AWS_DEFAULTS);
  });

  test('startSimulator checks rateLimits the same way', async () => {
    await expect(startSimulator({ config: { rateLimits: { Nope: null } as never } })).rejects.toThrow(
      'Invalid simulator config: rateLimits.Nope: expected an operation: StartTaskContact',
    );
  });

  test('the old throttleTps fault is refused with a pointer to the rate limits', async () => {
    const error = await adminError(ctx.sim.admin.injectFaults({ throttleTps: { DescribeRule: 2 } } as never));
    expect(error.status).toBe(400);
    expect(error.message).toContain(
      'throttleTps: throttleTps was replaced by rate limits: POST /_sim/config',
    );
  });
});

describe('requests per second, from the request log', () => {
  test('total and throttled calls per second of arrival, per operation or all', async () => {
    // Start on a whole second so that the calls below fall in two seconds exactly.
    clock.advance(1000 - (clock.now() % 1000));
    const first = clock.now() / 1000;
    await outcomes(7, () => startTask());
    await outcomes(2, describeRule);
    clock.advance(1000);
    await outcomes(3, () => startTask());

    expect(await ctx.sim.admin.requestsPerSecond('StartTaskContact')).toEqual([
      { second: first, total: 7, throttled: 2 },
      { second: first + 1, total: 3, throttled: 1 },
    ]);
    expect(await ctx.sim.admin.requestsPerSecond('DescribeRule')).toEqual([
      { second: first, total: 2, throttled: 0 },
    ]);
    expect(await ctx.sim.admin.requestsPerSecond()).toEqual([
      { second: first, total: 9, throttled: 2 },
      { second: first + 1, total: 3, throttled: 1 },
    ]);
    expect(await ctx.sim.admin.requestsPerSecond('PutEvents')).toEqual([]);
  });

  test('an unknown operation is refused, naming the field', async () => {
    const response = await fetch(`${ctx.sim.endpoint}/_sim/requests/per-second?operation=StartTask`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'InvalidRequest',
      message: expect.stringContaining('operation: expected an operation: StartTaskContact'),
    });
  });
});

describe('on by default, on the real clock', () => {
  const live = useSimulator();

  test('a burst of 8 concurrent DescribeRule calls: the burst of 5 passes, the rest is throttled', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        live.aws.connect.send(
          new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }),
        ),
      ),
    );
    const passed = results.filter((result) => result.status === 'fulfilled').length;
    // 5 from the full bucket, and one more only if the burst took 500 ms (a very slow machine).
    expect(passed).toBeGreaterThanOrEqual(5);
    expect(passed).toBeLessThanOrEqual(6);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ThrottlingException);
    }
  });
});
