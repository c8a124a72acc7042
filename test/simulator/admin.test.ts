/**
 * The `/_sim` admin API through SimulatorAdminClient: resources added at run time, settings, resets,
 * state queries, and refusals that name the field and what was expected.
 */
import { DescribeRuleCommand, ResourceNotFoundException } from '@aws-sdk/client-connect';
import { DEFAULT_CONFIG, SEED, SimulatorAdminError, startSimulator } from '../../simulator';
import { expectSdkError, useSimulator } from './helpers';

const ctx = useSimulator();
const { startTask } = ctx;

async function adminError(call: Promise<unknown>): Promise<SimulatorAdminError> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SimulatorAdminError);
  return error as SimulatorAdminError;
}

describe('resources added at run time', () => {
  test('an instance with a flow and a rule is usable through the SDK at once', async () => {
    const instance = await ctx.sim.admin.addInstance({
      Id: 'private-instance-1',
      ContactFlows: [{ Id: 'private-flow', Name: 'Private tasks' }],
      Rules: [
        {
          RuleId: 'private-rule',
          Name: 'Private follow-up',
          Actions: [
            { ActionType: 'CREATE_TASK', TaskAction: { Name: 'Follow up', ContactFlowId: 'private-flow' } },
          ],
        },
      ],
    });
    expect(instance).toMatchObject({
      Id: 'private-instance-1',
      Arn: 'arn:aws:connect:us-east-1:123456789012:instance/private-instance-1',
      ActiveTaskQuota: DEFAULT_CONFIG.activeTaskQuota,
      Queues: [{ Name: 'BasicQueue' }],
      openTasks: 0,
    });
    const { Rule } = await ctx.aws.connect.send(
      new DescribeRuleCommand({ InstanceId: 'private-instance-1', RuleId: 'private-rule' }),
    );
    expect(Rule).toMatchObject({
      PublishStatus: 'PUBLISHED',
      TriggerEventSource: { EventSourceName: 'OnPostCallAnalysisAvailable' },
    });
    await expect(startTask({ ContactFlowId: 'private-flow' }, 'private-instance-1')).resolves.toHaveProperty(
      'ContactId',
    );
  });

  test('a flow added to the seeded instance makes the sample rule’s flow id valid there', async () => {
    await expectSdkError(
      startTask({ ContactFlowId: SEED.otherInstance.contactFlowId }),
      ResourceNotFoundException,
      {
        status: 404,
        message: 'ContactFlowId provided does not belong to connect instance',
      },
    );
    const flow = await ctx.sim.admin.addContactFlow(SEED.instanceId, {
      Id: SEED.otherInstance.contactFlowId,
      Name: 'Now shared',
      QueueId: SEED.queues.escalations,
    });
    expect(flow.Id).toBe(SEED.otherInstance.contactFlowId);
    const { ContactId } = await startTask({ ContactFlowId: SEED.otherInstance.contactFlowId });
    expect((await ctx.sim.admin.task(ContactId!)).queueId).toBe(SEED.queues.escalations);
  });

  test('queues and rules can be added to an existing instance', async () => {
    const queue = await ctx.sim.admin.addQueue(SEED.instanceId, { Name: 'Night shift' });
    expect(queue.Id).toMatch(/^[0-9a-f-]{36}$/);
    const rule = await ctx.sim.admin.addRule(SEED.instanceId, {
      Name: 'Publish escalation',
      Actions: [{ ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'escalated' } }],
    });
    const { Rule } = await ctx.aws.connect.send(
      new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: rule.RuleId }),
    );
    expect(Rule?.Actions).toEqual([
      { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'escalated' } },
    ]);
    expect((await ctx.sim.admin.instance(SEED.instanceId)).Queues.map((q) => q.Name)).toContain(
      'Night shift',
    );
  });

  test('refusals name the field and what was expected', async () => {
    const missingDefinition = await adminError(
      ctx.sim.admin.addRule(SEED.instanceId, { Name: 'Broken', Actions: [{ ActionType: 'CREATE_TASK' }] }),
    );
    expect(missingDefinition.status).toBe(400);
    expect(missingDefinition.issues).toEqual([
      { path: 'Actions.0.TaskAction', message: 'expected a TaskAction object for ActionType CREATE_TASK' },
    ]);

    const duplicate = await adminError(ctx.sim.admin.addInstance({ Id: SEED.instanceId }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.message).toContain(`instance ${SEED.instanceId} already exists`);

    const unknown = await adminError(ctx.sim.admin.addContactFlow('no-such-instance', { Name: 'x' }));
    expect(unknown.status).toBe(404);

    const badQueue = await adminError(
      ctx.sim.admin.addContactFlow(SEED.instanceId, { Name: 'x', QueueId: 'no-such-queue' }),
    );
    expect(badQueue.status).toBe(400);
    expect(badQueue.message).toContain('QueueId no-such-queue is not a queue of instance');
  });
});

describe('settings', () => {
  test('configure changes only what it is given and returns every setting', async () => {
    const config = await ctx.sim.admin.configure({ activeTaskQuota: 7, taskLifetimeMs: 1000 });
    expect(config).toEqual({ ...DEFAULT_CONFIG, activeTaskQuota: 7, taskLifetimeMs: 1000 });
    expect(await ctx.sim.admin.config()).toEqual(config);
  });

  test.each([
    [{ activeTaskQuota: -1 }, 'activeTaskQuota: expected a task count (an integer >= 0)'],
    [{ activeTaskQuota: 'many' }, 'activeTaskQuota: expected a task count (an integer >= 0)'],
    [{ taskLifetimeMs: 0 }, 'taskLifetimeMs: expected milliseconds of at least 1'],
    [{ quota: 5 }, 'Unrecognized key: "quota"'],
    [{ requestLogSize: 10_000_000 }, 'requestLogSize: expected at most 1000000 entries'],
  ])('refuses %j', async (patch, message) => {
    const error = await adminError(ctx.sim.admin.configure(patch as never));
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
    expect(await ctx.sim.admin.config()).toEqual(DEFAULT_CONFIG);
  });

  test('startSimulator checks its settings the same way', async () => {
    await expect(startSimulator({ config: { activeTaskQuota: -1 } })).rejects.toThrow(
      'Invalid simulator config: activeTaskQuota: expected a task count (an integer >= 0)',
    );
  });

  test('a fault for an error the operation cannot answer with is refused', async () => {
    const error = await adminError(
      ctx.sim.admin.injectFaults({ errors: [{ operation: 'PutEvents', error: 'InternalServiceException' }] }),
    );
    expect(error.message).toContain('errors.0.error: expected an error PutEvents can answer with:');
    expect(error.message).toContain('InternalException');
  });
});

test('reset returns to the seed and the starting settings, and forgets tasks, events, faults and logs', async () => {
  await ctx.sim.admin.configure({ activeTaskQuota: 1 });
  await ctx.sim.admin.addInstance({ Id: 'temporary' });
  await ctx.sim.admin.injectFaults({ latencyMs: { PutEvents: 10 } });
  await startTask();

  await ctx.sim.admin.reset();
  const state = await ctx.sim.admin.state();
  expect(state.config).toEqual(DEFAULT_CONFIG);
  expect(state.instances.map((i) => i.Id).sort()).toEqual(
    [SEED.instanceId, SEED.otherInstance.instanceId].sort(),
  );
  expect(state.tasks).toEqual([]);
  expect(state.events).toEqual({});
  expect(state.faults).toEqual({ errors: [], entryErrors: [], latencyMs: {} });
  expect(state.requestLog).toEqual([]);
  expect(state.requestCounts).toEqual({});
});

test('state can be narrowed to open tasks of one instance', async () => {
  const done = await startTask();
  await startTask();
  await ctx.sim.admin.completeTask(done.ContactId!);
  expect((await ctx.sim.admin.state()).tasks).toHaveLength(2);
  const open = await ctx.sim.admin.state({ tasks: 'open', instanceId: SEED.instanceId });
  expect(open.tasks.map((task) => task.status)).toEqual(['OPEN']);
  expect((await ctx.sim.admin.state({ tasks: 'none' })).tasks).toEqual([]);
  expect((await ctx.sim.admin.state({ instanceId: SEED.otherInstance.instanceId })).tasks).toEqual([]);
});

test('completing a task twice leaves it completed once; an unknown task is 404', async () => {
  const { ContactId } = await startTask();
  const first = await ctx.sim.admin.completeTask(ContactId!);
  const second = await ctx.sim.admin.completeTask(ContactId!);
  expect(second.completedAt).toBe(first.completedAt);
  expect((await ctx.sim.admin.instance(SEED.instanceId)).completedTasks).toBe(1);
  expect((await adminError(ctx.sim.admin.completeTask('no-such-task'))).status).toBe(404);
});

test('unknown admin paths and non-JSON bodies get JSON errors', async () => {
  const notFound = await fetch(`${ctx.sim.endpoint}/_sim/nothing-here`);
  expect(notFound.status).toBe(404);
  expect(await notFound.json()).toEqual({
    error: 'NotFound',
    message: 'no admin endpoint GET /_sim/nothing-here',
  });

  const malformed = await fetch(`${ctx.sim.endpoint}/_sim/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"activeTaskQuota": ',
  });
  expect(malformed.status).toBe(400);
  expect(await malformed.json()).toEqual({
    error: 'InvalidRequest',
    message: '(body): expected a JSON object',
  });
});
