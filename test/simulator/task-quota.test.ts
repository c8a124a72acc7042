/**
 * The active-tasks quota, ClientToken idempotency, the PreviousContactId chain limit and task
 * lifetimes — the behaviour the wait-for-capacity strategy and the quota-storm benchmark rely on.
 */
import { ServiceQuotaExceededException } from '@aws-sdk/client-connect';
import { SEED } from '../../simulator';
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
