/**
 * PutEvents through the real @aws-sdk/client-eventbridge: per-entry results, validation of the
 * request as a whole, events kept per bus, and the errors the engine's escalation channel must handle.
 */
import {
  AccessDeniedException,
  EventBridgeServiceException,
  InternalException,
  PutEventsCommand,
  ThrottlingException,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { expectSdkError, useSimulator } from './helpers';

const ctx = useSimulator();

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'connect-remediator',
  DetailType: 'Remediation Escalated',
  Detail: JSON.stringify({ ruleId: '7410c94b', reason: 'ResourceNotFoundException' }),
  ...overrides,
});
const putEvents = (entries: PutEventsRequestEntry[]) =>
  ctx.aws.eventBridge.send(new PutEventsCommand({ Entries: entries }));

test('accepted entries get an EventId and are kept on their bus, by name or ARN', async () => {
  const time = new Date('2026-11-27T10:00:00Z');
  const result = await putEvents([
    entry({ EventBusName: 'connect-ops', Time: time, Resources: ['arn:aws:connect:us-east-1:1:instance/x'] }),
    entry({ EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/connect-ops' }),
    entry(),
  ]);
  expect(result.FailedEntryCount).toBe(0);
  expect(result.Entries?.map((e) => e.EventId)).toEqual([
    expect.any(String),
    expect.any(String),
    expect.any(String),
  ]);

  const ops = await ctx.sim.admin.events('connect-ops');
  expect(ops).toHaveLength(2);
  expect(ops[0]).toMatchObject({
    eventId: result.Entries![0]!.EventId,
    eventBusName: 'connect-ops',
    time: time.toISOString(),
    source: 'connect-remediator',
    detailType: 'Remediation Escalated',
    detail: { ruleId: '7410c94b', reason: 'ResourceNotFoundException' },
    resources: ['arn:aws:connect:us-east-1:1:instance/x'],
  });
  expect(await ctx.sim.admin.events()).toHaveLength(1);
  expect(Object.keys((await ctx.sim.admin.state()).events).sort()).toEqual(['connect-ops', 'default']);
});

test('each bad entry fails on its own with the ErrorCode AWS uses; the others are accepted', async () => {
  const result = await putEvents([
    entry({ Source: undefined }),
    entry({ DetailType: undefined }),
    entry({ Detail: undefined }),
    entry({ Detail: '{"unterminated": ' }),
    entry({ Detail: '[1, 2]' }),
    entry({ Source: 'aws.connect' }),
    entry(),
  ]);
  expect(result.FailedEntryCount).toBe(6);
  expect(result.Entries).toEqual([
    {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    },
    {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    },
    {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
    },
    { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    { EventId: expect.any(String) },
  ]);
  expect(await ctx.sim.admin.events()).toHaveLength(1);
});

test('with knownEventBuses set, an unknown bus fails per entry with ResourceNotFoundException', async () => {
  await ctx.sim.admin.configure({ knownEventBuses: ['default', 'connect-ops'] });
  const result = await putEvents([
    entry({ EventBusName: 'conect-ops' }),
    entry({ EventBusName: 'connect-ops' }),
  ]);
  expect(result.FailedEntryCount).toBe(1);
  expect(result.Entries?.[0]).toEqual({
    ErrorCode: 'ResourceNotFoundException',
    ErrorMessage: 'Event bus conect-ops does not exist.',
  });
});

test('injected entry faults fail the next valid entries, in order', async () => {
  await ctx.sim.admin.injectFaults({
    entryErrors: [
      { errorCode: 'InternalFailure', count: 2 },
      { errorCode: 'ThrottlingException', errorMessage: 'Slow down' },
    ],
  });
  const result = await putEvents([entry(), entry({ Source: 'aws.connect' }), entry(), entry(), entry()]);
  expect(result.Entries).toEqual([
    { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
    { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
    { ErrorCode: 'ThrottlingException', ErrorMessage: 'Slow down' },
    { EventId: expect.any(String) },
  ]);
  expect(result.FailedEntryCount).toBe(4);
  const state = await ctx.sim.admin.state();
  expect(state.faults.entryErrors).toEqual([]);
  expect(state.requestLog.at(-1)).toMatchObject({ operation: 'PutEvents', status: 200, failedEntries: 4 });
});

describe('whole-request errors', () => {
  test('more than 10 entries: ValidationException (400)', async () => {
    await expectSdkError(putEvents(Array.from({ length: 11 }, () => entry())), EventBridgeServiceException, {
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
    });
  });

  test('entries over 256 KB in total: ValidationException (400)', async () => {
    const detail = JSON.stringify({ text: 'x'.repeat(100 * 1024) });
    const error = await expectSdkError(
      putEvents([entry({ Detail: detail }), entry({ Detail: detail }), entry({ Detail: detail })]),
      EventBridgeServiceException,
      {
        name: 'ValidationException',
        status: 400,
        message: 'Total size of the entries in the request is over the limit.',
      },
    );
    expect(error.$fault).toBe('client');
    expect(await ctx.sim.admin.events()).toEqual([]);
  });

  test('InternalException (500), a server fault', async () => {
    await ctx.sim.admin.injectFaults({ errors: [{ operation: 'PutEvents', error: 'InternalException' }] });
    const error = await expectSdkError(putEvents([entry()]), InternalException, {
      status: 500,
      message: 'This exception occurs due to unexpected causes.',
    });
    expect(error.$fault).toBe('server');
  });

  test('ThrottlingException (400, as EventBridge sends it)', async () => {
    await ctx.sim.admin.injectFaults({ errors: [{ operation: 'PutEvents', error: 'ThrottlingException' }] });
    await expectSdkError(putEvents([entry()]), ThrottlingException, {
      status: 400,
      message: 'Rate exceeded',
    });
  });

  test('AccessDeniedException (400)', async () => {
    await ctx.sim.admin.injectFaults({
      errors: [
        { operation: 'PutEvents', error: 'AccessDeniedException', message: 'not allowed on connect-ops' },
      ],
    });
    await expectSdkError(putEvents([entry()]), AccessDeniedException, {
      status: 400,
      message: 'not allowed on connect-ops',
    });
    expect(await ctx.sim.admin.events()).toEqual([]);
  });
});
