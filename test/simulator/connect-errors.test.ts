/**
 * Every Connect error the engine must handle, raised by the simulator and surfaced by the real SDK:
 * its exception class, HTTP status, message, fault side and retry classification.
 */
import {
  AccessDeniedException,
  ConnectServiceException,
  DescribeRuleCommand,
  GetCurrentMetricDataCommand,
  InternalServiceException,
  InvalidParameterException,
  InvalidRequestException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  type StartTaskContactCommandInput,
} from '@aws-sdk/client-connect';
import { SEED } from '../../simulator';
import { expectSdkError, useSimulator } from './helpers';

const ctx = useSimulator();

const { startTask, openTasks } = ctx;

describe('ResourceNotFoundException (404)', () => {
  test('a ContactFlowId of another instance fails exactly as in the sample failure event', async () => {
    const error = await expectSdkError(
      startTask({ ContactFlowId: SEED.otherInstance.contactFlowId }),
      ResourceNotFoundException,
      { status: 404, message: 'ContactFlowId provided does not belong to connect instance' },
    );
    expect(error.$fault).toBe('client');
    expect(error.$retryable).toBeUndefined();
    expect(await openTasks()).toBe(0);
  });

  test('an unknown instance or rule', async () => {
    await expectSdkError(startTask({ InstanceId: 'no-such-instance' }), ResourceNotFoundException, {
      status: 404,
      message: 'Instance no-such-instance does not exist',
    });
    await expectSdkError(
      ctx.aws.connect.send(new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: 'no-such-rule' })),
      ResourceNotFoundException,
      { status: 404, message: `Rule no-such-rule does not exist in instance ${SEED.instanceId}` },
    );
  });
});

describe('InvalidParameterException (400): the service model’s constraints', () => {
  test.each([
    [
      'a missing Name',
      { Name: undefined },
      "1 validation error detected: Value at 'Name' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a Name over 1024 characters',
      { Name: 'x'.repeat(1025) },
      "1 validation error detected: Value at 'Name' failed to satisfy constraint: Member must have length less than or equal to 1024",
    ],
    [
      'a Description over 4096 characters',
      { Description: 'x'.repeat(4097) },
      "1 validation error detected: Value at 'Description' failed to satisfy constraint: Member must have length less than or equal to 4096",
    ],
    [
      'an attribute key with a space',
      { Attributes: { 'order id': '1' } },
      "1 validation error detected: Value at 'Attributes.order id' failed to satisfy constraint: Member key must contain only alphanumeric, dash and underscore characters (1 to 32767)",
    ],
    [
      'an ATTACHMENT reference',
      { References: { File: { Type: 'ATTACHMENT', Value: 'x' } } },
      "1 validation error detected: Value at 'References.File.Type' failed to satisfy constraint: ATTACHMENT is not a supported reference type during task creation",
    ],
    [
      'a ScheduledTime in the past',
      { ScheduledTime: new Date(Date.now() - 3600_000) },
      'ScheduledTime must not be in the past and must be within 6 days in the future',
    ],
  ])('%s', async (_case, overrides, message) => {
    const error = await expectSdkError(
      startTask(overrides as Partial<StartTaskContactCommandInput>),
      InvalidParameterException,
      {
        status: 400,
        message,
      },
    );
    expect(error.$fault).toBe('client');
    expect(await openTasks()).toBe(0);
  });

  test('GetCurrentMetricData without a queue or routing-profile filter', async () => {
    await expectSdkError(
      ctx.aws.connect.send(
        new GetCurrentMetricDataCommand({
          InstanceId: SEED.instanceId,
          Filters: { Channels: ['TASK'] },
          CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
        }),
      ),
      InvalidParameterException,
      {
        status: 400,
        message:
          'Filters: GetCurrentMetricData requires Queues (list them with ListQueues) or RoutingProfiles',
      },
    );
  });
});

describe('InvalidRequestException (400): exactly one of ContactFlowId, QuickConnectId, TaskTemplateId', () => {
  test('none of them', async () => {
    await expectSdkError(startTask({ ContactFlowId: undefined }), InvalidRequestException, {
      status: 400,
      message: 'Exactly one of ContactFlowId, QuickConnectId or TaskTemplateId is required',
    });
  });

  test('two of them', async () => {
    await expectSdkError(startTask({ QuickConnectId: 'quick-connect-1' }), InvalidRequestException, {
      status: 400,
      message:
        'Only one of ContactFlowId, QuickConnectId or TaskTemplateId may be given, got ContactFlowId and QuickConnectId',
    });
  });
});

describe('ServiceQuotaExceededException (402): one name, two meanings told apart by message', () => {
  test('the active-tasks quota', async () => {
    await ctx.sim.admin.configure({ activeTaskQuota: 1 });
    await startTask();
    const error = await expectSdkError(startTask(), ServiceQuotaExceededException, {
      status: 402,
      message: `Active tasks quota exceeded for instance ${SEED.instanceId}: 1 open tasks, quota 1`,
    });
    expect(error.$fault).toBe('client');
    expect(error.$retryable).toBeUndefined();
  });

  test('12 tasks already linked to the PreviousContactId', async () => {
    // 13 calls in a row: more than StartTaskContact's burst of 5, and this test is not about rates.
    await ctx.sim.admin.configure({ rateLimits: { StartTaskContact: null } });
    for (let i = 0; i < 12; i += 1) await startTask({ PreviousContactId: 'contact-with-a-long-chain' });
    await expectSdkError(
      startTask({ PreviousContactId: 'contact-with-a-long-chain' }),
      ServiceQuotaExceededException,
      {
        status: 402,
        message: 'Cannot create more than 12 tasks linked to the same PreviousContactId',
      },
    );
  });
});

describe('errors injected as faults', () => {
  test('ThrottlingException (429)', async () => {
    await ctx.sim.admin.injectFaults({
      errors: [{ operation: 'StartTaskContact', error: 'ThrottlingException' }],
    });
    const error = await expectSdkError(startTask(), ThrottlingException, {
      status: 429,
      message: 'Rate exceeded',
    });
    expect(error.$fault).toBe('client');
    // Connect's model carries no @retryable trait: the SDK retries it by its 429 status and name.
    expect(error.$retryable).toBeUndefined();
  });

  test('InternalServiceException (500) is a server fault', async () => {
    await ctx.sim.admin.injectFaults({
      errors: [
        {
          operation: 'StartTaskContact',
          error: 'InternalServiceException',
          message: 'Connect is having a bad day',
        },
      ],
    });
    const error = await expectSdkError(startTask(), InternalServiceException, {
      status: 500,
      message: 'Connect is having a bad day',
    });
    expect(error.$fault).toBe('server');
  });

  test('AccessDeniedException (403)', async () => {
    await ctx.sim.admin.injectFaults({
      errors: [{ operation: 'DescribeRule', error: 'AccessDeniedException' }],
    });
    await expectSdkError(
      ctx.aws.connect.send(
        new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.followUpTask }),
      ),
      AccessDeniedException,
      { status: 403, message: 'You do not have sufficient access to perform this action.' },
    );
  });

  test('every injected error is an instance of the SDK’s service exception base class', async () => {
    await ctx.sim.admin.injectFaults({
      errors: [
        { operation: 'StartTaskContact', error: 'ServiceQuotaExceededException', message: 'injected' },
      ],
    });
    const error = await expectSdkError(startTask(), ServiceQuotaExceededException, {
      status: 402,
      message: 'injected',
    });
    expect(error).toBeInstanceOf(ConnectServiceException);
    expect(await openTasks()).toBe(0);
  });
});
