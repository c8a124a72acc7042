/**
 * The active-tasks quota, ClientToken idempotency, the PreviousContactId chain limit, task
 * lifetimes and tasks opened by the admin API — the behaviour the wait-for-capacity strategy and the
 * quota-storm benchmark rely on.
 */
import { GetCurrentMetricDataCommand, ServiceQuotaExceededException } from '@aws-sdk/client-connect';
import { SEED, SimulatorAdminError } from '../../simulator';
import { addStormInstance, fillToQuota } from '../../simulator/quota-storm';
import { expectSdkError, useSimulator } from './helpers';

const ctx = useSimulator();

const { startTask, openTasks } = ctx;
const quotaMessage = (open: number, quota: number) =>
  `Active tasks quota exceeded for instance ${SEED.instanceId}: ${open} open tasks, quota ${quota}`;

test('with quota 2 and two open tasks a third fails; completing one lets the next call through', async () => {
  await ctx.sim.admin.configure({ activeTaskQuota: 2 });
  const first = await startTask({ ClientToken: 'token-1' });
  await startTask({ ClientToken: 'token-2' });

  await expectSdkError(startTask({ ClientToken: 'token-3' }), ServiceQuotaExceededException, {
    status: 402,
    message: quotaMessage(2, 2),
  });
  expect(await openTasks()).toBe(2);

  await ctx.sim.admin.completeTask(first.ContactId!);
  expect(await openTasks()).toBe(1);
  const third = await startTask({ ClientToken: 'token-3' });
  expect(third.ContactId).toBeDefined();
  expect(await openTasks()).toBe(2);
});

test('the same ClientToken returns the same ContactId and creates nothing, even at the quota', async () => {
  await ctx.sim.admin.configure({ activeTaskQuota: 2 });
  const first = await startTask({ ClientToken: 'remediate-8d122163' });
  const again = await startTask({ ClientToken: 'remediate-8d122163' });
  expect(again.ContactId).toBe(first.ContactId);
  expect(await openTasks()).toBe(1);

  await startTask({ ClientToken: 'another-event' });
  // At the quota, a retry of an already-created task still answers with its ContactId.
  const retry = await startTask({ ClientToken: 'remediate-8d122163' });
  expect(retry.ContactId).toBe(first.ContactId);
  const state = await ctx.sim.admin.state({ instanceId: SEED.instanceId });
  expect(state.tasks).toHaveLength(2);
  expect(state.requestCounts.StartTaskContact).toMatchObject({ total: 4, succeeded: 4 });
});

test('a token is remembered only for successful calls', async () => {
  await ctx.sim.admin.configure({ activeTaskQuota: 1 });
  const blocker = await startTask({ ClientToken: 'blocker' });
  await expectSdkError(startTask({ ClientToken: 'waiting' }), ServiceQuotaExceededException, {
    status: 402,
    message: quotaMessage(1, 1),
  });
  await ctx.sim.admin.completeTask(blocker.ContactId!);
  const created = await startTask({ ClientToken: 'waiting' });
  expect(created.ContactId).not.toBe(blocker.ContactId);
  expect((await ctx.sim.admin.task(created.ContactId!)).request.ClientToken).toBe('waiting');
});

test('a token is forgotten after clientTokenTtlMs (AWS: 7 days)', async () => {
  await ctx.sim.admin.configure({ clientTokenTtlMs: 50 });
  const first = await startTask({ ClientToken: 'short-lived' });
  await new Promise((resolve) => setTimeout(resolve, 80));
  const second = await startTask({ ClientToken: 'short-lived' });
  expect(second.ContactId).not.toBe(first.ContactId);
});

test('tokens belong to their instance', async () => {
  const other = await ctx.sim.admin.addInstance({ ContactFlows: [{ Name: 'Tasks' }] });
  const flow = other.ContactFlows[0]!.Id;
  const here = await startTask({ ClientToken: 'shared-token' });
  const there = await startTask({ ClientToken: 'shared-token', ContactFlowId: flow }, other.Id);
  expect(there.ContactId).not.toBe(here.ContactId);
});

test('the chain limit counts completed tasks too, and only for that PreviousContactId', async () => {
  await ctx.sim.admin.configure({ linkedTasksLimit: 2 });
  const a = await startTask({ PreviousContactId: 'contact-a' });
  await ctx.sim.admin.completeTask(a.ContactId!);
  await startTask({ PreviousContactId: 'contact-a' });
  await expectSdkError(startTask({ PreviousContactId: 'contact-a' }), ServiceQuotaExceededException, {
    status: 402,
    message: 'Cannot create more than 2 tasks linked to the same PreviousContactId',
  });
  await expect(startTask({ PreviousContactId: 'contact-b' })).resolves.toHaveProperty('ContactId');
});

test('an instance added at run time has its own quota and its own count', async () => {
  const small = await ctx.sim.admin.addInstance({ ActiveTaskQuota: 1, ContactFlows: [{ Name: 'Tasks' }] });
  const flow = small.ContactFlows[0]!.Id;
  await startTask({ ContactFlowId: flow }, small.Id);
  await expectSdkError(startTask({ ContactFlowId: flow }, small.Id), ServiceQuotaExceededException, {
    status: 402,
    message: `Active tasks quota exceeded for instance ${small.Id}: 1 open tasks, quota 1`,
  });
  await expect(startTask()).resolves.toHaveProperty('ContactId');
  expect(await openTasks(small.Id)).toBe(1);
});

test('tasks complete by themselves after taskLifetimeMs', async () => {
  await ctx.sim.admin.configure({ activeTaskQuota: 1, taskLifetimeMs: 100 });
  const { ContactId } = await startTask();
  await expect(startTask()).rejects.toBeInstanceOf(ServiceQuotaExceededException);
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(await openTasks()).toBe(0);
  await expect(startTask()).resolves.toHaveProperty('ContactId');
  const task = await ctx.sim.admin.task(ContactId!);
  expect(task).toMatchObject({ status: 'COMPLETED', completedBy: 'lifetime' });
  expect(Date.parse(task.completedAt!) - Date.parse(task.createdAt)).toBe(100);
});

test('completeOldestTasks frees capacity oldest first', async () => {
  const ids = [];
  for (let i = 0; i < 3; i += 1) ids.push((await startTask()).ContactId);
  const completed = await ctx.sim.admin.completeOldestTasks({ count: 2, instanceId: SEED.instanceId });
  expect(completed.map((task) => task.contactId)).toEqual(ids.slice(0, 2));
  expect(await openTasks()).toBe(1);
});

describe('tasks opened by the admin API (open before a storm)', () => {
  const inQueue = async (instanceId: string, queueId: string) => {
    const { MetricResults } = await ctx.aws.connect.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: [queueId], Channels: ['TASK'] },
        CurrentMetrics: [{ Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }],
      }),
    );
    return MetricResults?.[0]?.Collections?.[0]?.Value;
  };

  test('count against the quota and show in the metrics, without a StartTaskContact call', async () => {
    await ctx.sim.admin.configure({ activeTaskQuota: 3 });
    const opened = await ctx.sim.admin.addOpenTasks(SEED.instanceId, {
      count: 3,
      contactFlowId: SEED.contactFlows.opsEscalation,
    });
    expect(opened).toMatchObject({ instanceId: SEED.instanceId, openTasks: 3 });
    expect(opened.contactIds).toHaveLength(3);
    expect(await ctx.sim.admin.task(opened.contactIds[0]!)).toMatchObject({
      status: 'OPEN',
      createdBy: 'admin',
      queueId: SEED.queues.escalations,
      request: { InstanceId: SEED.instanceId, ContactFlowId: SEED.contactFlows.opsEscalation },
    });
    expect(await inQueue(SEED.instanceId, SEED.queues.escalations)).toBe(3);

    await expectSdkError(startTask(), ServiceQuotaExceededException, {
      status: 402,
      message: quotaMessage(3, 3),
    });
    // Only the refused call was a StartTaskContact request.
    const { requestCounts } = await ctx.sim.admin.state({ tasks: 'none' });
    expect(requestCounts.StartTaskContact).toMatchObject({ total: 1, succeeded: 0 });

    const [oldest] = await ctx.sim.admin.completeOldestTasks({ instanceId: SEED.instanceId });
    expect(oldest?.contactId).toBe(opened.contactIds[0]);
    await expect(startTask()).resolves.toHaveProperty('ContactId');
  });

  test('honour taskLifetimeMs like any task', async () => {
    await ctx.sim.admin.configure({ taskLifetimeMs: 100 });
    const { contactIds } = await ctx.sim.admin.addOpenTasks(SEED.instanceId, { count: 2 });
    expect(await openTasks()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await openTasks()).toBe(0);
    expect(await ctx.sim.admin.task(contactIds[1]!)).toMatchObject({
      status: 'COMPLETED',
      completedBy: 'lifetime',
    });
  });

  test('never pass the quota: a request that would is refused whole', async () => {
    await ctx.sim.admin.configure({ activeTaskQuota: 4 });
    await startTask();
    const error = await ctx.sim.admin.addOpenTasks(SEED.instanceId, { count: 4 }).then(
      () => undefined,
      (err: unknown) => err as SimulatorAdminError,
    );
    expect(error).toBeInstanceOf(SimulatorAdminError);
    expect(error?.status).toBe(409);
    expect(error?.message).toContain(
      `instance ${SEED.instanceId} has 1 open tasks and an active-task quota of 4: 4 more would exceed it (at most 3)`,
    );
    expect(await openTasks()).toBe(1);
  });

  test.each([
    [{ count: 0 }, 400, 'count: expected how many tasks (an integer from 1 to 100000)'],
    [{ count: 'lots' }, 400, 'count: expected how many tasks (an integer from 1 to 100000)'],
    [{ count: 1, queueId: 'no-such-queue' }, 400, 'queueId no-such-queue is not a queue of instance'],
    [{ count: 1, contactFlowId: 'no-such-flow' }, 400, 'contactFlowId no-such-flow is not a contact flow'],
    [
      { count: 1, contactFlowId: SEED.contactFlows.taskTriage, queueId: SEED.queues.basic },
      400,
      'queueId: expected contactFlowId or queueId, not both',
    ],
  ])('refuses %j', async (input, status, message) => {
    const error = await ctx.sim.admin.addOpenTasks(SEED.instanceId, input as never).then(
      () => undefined,
      (err: unknown) => err as SimulatorAdminError,
    );
    expect(error?.status).toBe(status);
    expect(error?.message).toContain(message);
  });

  test('an unknown instance is 404', async () => {
    const error = await ctx.sim.admin.addOpenTasks('no-such-instance', { count: 1 }).then(
      () => undefined,
      (err: unknown) => err as SimulatorAdminError,
    );
    expect(error?.status).toBe(404);
  });

  test('fillToQuota fills a storm instance of 2,500 in one quick request, spending no rate limit', async () => {
    const instance = await addStormInstance(ctx.sim.admin, 2500);
    const started = performance.now();
    await fillToQuota(ctx.sim.endpoint, instance, 2500);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await openTasks(instance.instanceId)).toBe(2500);
    const { requestCounts } = await ctx.sim.admin.state({ tasks: 'none' });
    expect(requestCounts.StartTaskContact).toBeUndefined();
    await expectSdkError(
      startTask({ ContactFlowId: instance.contactFlowId }, instance.instanceId),
      ServiceQuotaExceededException,
      {
        status: 402,
        message: `Active tasks quota exceeded for instance ${instance.instanceId}: 2500 open tasks, quota 2500`,
      },
    );
  });
});
