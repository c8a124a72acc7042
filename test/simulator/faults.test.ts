/**
 * Fault injection (next N calls fail, added latency), how the SDK's own retry logic reacts to each
 * error, and the request log and counts that record it all. Rate limits: rate-limits.test.ts.
 */
import {
  DescribeRuleCommand,
  InternalServiceException,
  InvalidParameterException,
  ServiceQuotaExceededException,
  StartTaskContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { SEED } from '../../simulator';
import { eventually } from '../helpers/wait';
import { expectSdkError, sdkClients, useSimulator } from './helpers';

const ctx = useSimulator();
const { startTask } = ctx;

const describeRule = (client = ctx.aws.connect) =>
  client.send(new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }));

test('the next N calls of an operation fail, then it recovers; other operations are untouched', async () => {
  await ctx.sim.admin.injectFaults({
    errors: [{ operation: 'StartTaskContact', error: 'InternalServiceException', count: 2 }],
  });
  await expect(describeRule()).resolves.toHaveProperty('Rule');
  for (let i = 0; i < 2; i += 1) {
    await expectSdkError(startTask(), InternalServiceException, {
      status: 500,
      message: 'Request processing failed because of an error or failure with the service.',
    });
  }
  await expect(startTask()).resolves.toHaveProperty('ContactId');

  const state = await ctx.sim.admin.state();
  expect(state.faults.errors).toEqual([]);
  expect(state.requestCounts.StartTaskContact).toEqual({
    total: 3,
    succeeded: 1,
    failed: 2,
    errors: { InternalServiceException: 2 },
  });
  expect(state.requestLog.map((entry) => [entry.operation, entry.status, entry.error])).toEqual([
    ['DescribeRule', 200, undefined],
    ['StartTaskContact', 500, 'InternalServiceException'],
    ['StartTaskContact', 500, 'InternalServiceException'],
    ['StartTaskContact', 200, undefined],
  ]);
});

test('injected errors for one operation queue up in the order given', async () => {
  await ctx.sim.admin.injectFaults({
    errors: [
      { operation: 'StartTaskContact', error: 'ThrottlingException' },
      { operation: 'StartTaskContact', error: 'InvalidParameterException', message: 'second' },
    ],
  });
  await expect(startTask()).rejects.toBeInstanceOf(ThrottlingException);
  await expectSdkError(startTask(), InvalidParameterException, { status: 400, message: 'second' });
  await expect(startTask()).resolves.toHaveProperty('ContactId');
});

test('added latency delays the answer of that operation only', async () => {
  await ctx.sim.admin.injectFaults({ latencyMs: { DescribeRule: 200 } });
  let started = performance.now();
  await describeRule();
  expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  started = performance.now();
  await startTask();
  expect(performance.now() - started).toBeLessThan(150);
});

test('a call held by latency counts as in progress until it is answered, even if the caller is gone', async () => {
  await ctx.sim.admin.injectFaults({ latencyMs: { StartTaskContact: 400 } });
  const abort = new AbortController();
  const call = startTask({}, SEED.instanceId, { abortSignal: abort.signal });
  await eventually(
    async () => (await ctx.sim.admin.state({ tasks: 'none' })).requestsInProgress.StartTaskContact === 1,
    'the call to arrive',
    5_000,
  );
  abort.abort(); // the caller dies; AWS still answers (and creates the task)
  await expect(call).rejects.toThrow();
  await eventually(
    async () => (await ctx.sim.admin.state({ tasks: 'none' })).requestCounts.StartTaskContact?.total === 1,
    'the call to be answered',
    5_000,
  );
  const state = await ctx.sim.admin.state();
  expect(state.requestsInProgress).toEqual({});
  expect(state.tasks).toHaveLength(1);
});

describe('what the SDK’s default retry strategy (3 attempts) does with each error', () => {
  const retrying = () => sdkClients(ctx.sim.endpoint, 3);

  test('ThrottlingException (429) is retried, and the retry succeeds', async () => {
    const { connect } = retrying();
    await ctx.sim.admin.injectFaults({
      errors: [{ operation: 'DescribeRule', error: 'ThrottlingException' }],
    });
    const result = await describeRule(connect);
    expect(result.$metadata.attempts).toBe(2);
    expect((await ctx.sim.admin.state()).requestCounts.DescribeRule).toMatchObject({ total: 2, failed: 1 });
    connect.destroy();
  });

  test('InternalServiceException (500) is retried until the attempts run out', async () => {
    const { connect } = retrying();
    await ctx.sim.admin.injectFaults({
      errors: [{ operation: 'DescribeRule', error: 'InternalServiceException', count: 5 }],
    });
    const error = await expectSdkError(describeRule(connect), InternalServiceException, {
      status: 500,
      message: 'Request processing failed because of an error or failure with the service.',
    });
    expect(error.$metadata.attempts).toBe(3);
    connect.destroy();
  });

  test('a ServiceQuotaExceededException (402) is not retried by the SDK', async () => {
    const { connect } = retrying();
    await ctx.sim.admin.configure({ activeTaskQuota: 0 });
    const error = await expectSdkError(
      connect.send(
        new StartTaskContactCommand({
          InstanceId: SEED.instanceId,
          Name: 'No room',
          ContactFlowId: SEED.contactFlows.taskTriage,
        }),
      ),
      ServiceQuotaExceededException,
      {
        status: 402,
        message: `Active tasks quota exceeded for instance ${SEED.instanceId}: 0 open tasks, quota 0`,
      },
    );
    expect(error.$metadata.attempts).toBe(1);
    expect((await ctx.sim.admin.state()).requestCounts.StartTaskContact?.total).toBe(1);
    connect.destroy();
  });
});

test('the request log keeps the newest requestLogSize entries; counts keep counting', async () => {
  await ctx.sim.admin.configure({ requestLogSize: 3 });
  for (let i = 0; i < 5; i += 1) await describeRule();
  const state = await ctx.sim.admin.state();
  expect(state.requestLog.map((entry) => entry.seq)).toEqual([3, 4, 5]);
  expect(state.requestCounts.DescribeRule?.total).toBe(5);
  expect((await ctx.sim.admin.state({ log: 1 })).requestLog.map((entry) => entry.seq)).toEqual([5]);
});
