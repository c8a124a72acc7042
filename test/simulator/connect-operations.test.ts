/**
 * The Connect operations the engine uses, called through the real @aws-sdk/client-connect: what
 * they answer, and what the simulator records.
 */
import {
  ContactNotFoundException,
  DescribeRuleCommand,
  GetCurrentMetricDataCommand,
  ListQueuesCommand,
  StopContactCommand,
  type CurrentMetricName,
} from '@aws-sdk/client-connect';
import { SEED } from '../../simulator';
import { expectSdkError, useSimulator } from './helpers';

const ctx = useSimulator();

const { startTask } = ctx;

describe('DescribeRule', () => {
  test('returns the seeded CREATE_TASK rule of the sample event, with its foreign ContactFlowId', async () => {
    const { Rule } = await ctx.aws.connect.send(
      new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId: SEED.rules.taskWithForeignFlow }),
    );
    expect(Rule?.RuleId).toBe(SEED.rules.taskWithForeignFlow);
    expect(Rule?.RuleArn).toBe(
      `arn:aws:connect:us-east-1:123456789012:instance/${SEED.instanceId}/rule/${SEED.rules.taskWithForeignFlow}`,
    );
    expect(Rule?.CreatedTime).toBeInstanceOf(Date);
    expect(Rule?.Actions).toEqual([
      {
        ActionType: 'CREATE_TASK',
        TaskAction: expect.objectContaining({ ContactFlowId: SEED.otherInstance.contactFlowId }),
      },
    ]);
  });

  test('returns each action definition the engine re-issues or escalates with', async () => {
    const describe = (RuleId: string) =>
      ctx.aws.connect.send(new DescribeRuleCommand({ InstanceId: SEED.instanceId, RuleId }));
    const followUp = await describe(SEED.rules.followUpTask);
    expect(followUp.Rule?.Actions?.[0]?.TaskAction).toMatchObject({
      ContactFlowId: SEED.contactFlows.taskTriage,
      Name: expect.stringContaining('$.'),
      Description: expect.stringContaining('$.Attributes.'),
      References: { Contact: { Type: 'URL', Value: expect.any(String) } },
    });
    const churn = await describe(SEED.rules.churnRiskEvent);
    expect(churn.Rule?.Actions).toEqual([
      { ActionType: 'GENERATE_EVENTBRIDGE_EVENT', EventBridgeAction: { Name: 'churn-risk-detected' } },
    ]);
    const email = await describe(SEED.rules.supervisorEmail);
    expect(email.Rule?.Actions?.[0]).toMatchObject({
      ActionType: 'SEND_NOTIFICATION',
      SendNotificationAction: {
        DeliveryMethod: 'EMAIL',
        Subject: expect.any(String),
        Content: expect.any(String),
        ContentType: 'PLAIN_TEXT',
        Recipient: { UserIds: [expect.any(String)] },
      },
    });
  });

  test('accepts the instance ARN in place of its id', async () => {
    const { Rule } = await ctx.aws.connect.send(
      new DescribeRuleCommand({
        InstanceId: `arn:aws:connect:us-east-1:123456789012:instance/${SEED.instanceId}`,
        RuleId: SEED.rules.churnRiskEvent,
      }),
    );
    expect(Rule?.Name).toBe('Churn risk: publish event');
  });
});

describe('StartTaskContact', () => {
  test('creates an open task in the flow’s queue and records the request as sent', async () => {
    const { ContactId } = await startTask({
      Description: 'Negative sentiment on the last call',
      Attributes: { orderId: 'A-1001' },
      References: { Order: { Type: 'URL', Value: 'https://example.com/orders/A-1001' } },
      ClientToken: 'remediate-event-1',
      PreviousContactId: 'previous-contact-1',
    });
    expect(ContactId).toMatch(/^[0-9a-f-]{36}$/);
    const task = await ctx.sim.admin.task(ContactId!);
    expect(task).toMatchObject({
      contactId: ContactId,
      instanceId: SEED.instanceId,
      queueId: SEED.queues.basic,
      status: 'OPEN',
      request: {
        InstanceId: SEED.instanceId,
        Name: 'Call the customer back',
        Description: 'Negative sentiment on the last call',
        ContactFlowId: SEED.contactFlows.taskTriage,
        Attributes: { orderId: 'A-1001' },
        References: { Order: { Type: 'URL', Value: 'https://example.com/orders/A-1001' } },
        ClientToken: 'remediate-event-1',
        PreviousContactId: 'previous-contact-1',
      },
    });
    expect(Date.parse(task.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(task.completedAt).toBeUndefined();
  });

  test('the SDK fills in a ClientToken when the caller gives none', async () => {
    const { ContactId } = await startTask();
    expect((await ctx.sim.admin.task(ContactId!)).request.ClientToken).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('StopContact', () => {
  test('completes an open task once; stopping it again is ContactNotFoundException (410)', async () => {
    const { ContactId } = await startTask();
    await ctx.aws.connect.send(new StopContactCommand({ InstanceId: SEED.instanceId, ContactId }));
    expect(await ctx.sim.admin.task(ContactId!)).toMatchObject({
      status: 'COMPLETED',
      completedBy: 'StopContact',
    });
    await expectSdkError(
      ctx.aws.connect.send(new StopContactCommand({ InstanceId: SEED.instanceId, ContactId })),
      ContactNotFoundException,
      { status: 410, message: 'The contact with the specified ID is not active or does not exist.' },
    );
  });
});

describe('GetCurrentMetricData and ListQueues (what a capacity check reads)', () => {
  const metrics = (names: CurrentMetricName[]) => names.map((Name) => ({ Name, Unit: 'COUNT' as const }));

  test('counts open tasks per queue; the recommended sum equals the open tasks of the instance', async () => {
    await startTask();
    await startTask();
    await startTask({ ContactFlowId: SEED.contactFlows.opsEscalation });
    const inSixHours = new Date(Date.now() + 6 * 3600_000);
    await startTask({ ScheduledTime: inSixHours });
    const done = await startTask();
    await ctx.sim.admin.completeTask(done.ContactId!);

    const { QueueSummaryList } = await ctx.aws.connect.send(
      new ListQueuesCommand({ InstanceId: SEED.instanceId }),
    );
    const queueIds = QueueSummaryList!.map((queue) => queue.Id!);
    expect(queueIds.sort()).toEqual([SEED.queues.basic, SEED.queues.escalations].sort());

    const byQueue = await ctx.aws.connect.send(
      new GetCurrentMetricDataCommand({
        InstanceId: SEED.instanceId,
        Filters: { Queues: queueIds, Channels: ['TASK'] },
        Groupings: ['QUEUE'],
        CurrentMetrics: metrics([
          'CONTACTS_IN_QUEUE',
          'CONTACTS_SCHEDULED',
          'AGENTS_ON_CONTACT',
          'SLOTS_ACTIVE',
        ]),
      }),
    );
    const valuesFor = (queueId: string) =>
      Object.fromEntries(
        byQueue
          .MetricResults!.find((row) => row.Dimensions?.Queue?.Id === queueId)!
          .Collections!.map((c) => [c.Metric!.Name, c.Value]),
      );
    expect(valuesFor(SEED.queues.basic)).toEqual({
      CONTACTS_IN_QUEUE: 2,
      CONTACTS_SCHEDULED: 1,
      AGENTS_ON_CONTACT: 0,
      SLOTS_ACTIVE: 0,
    });
    expect(valuesFor(SEED.queues.escalations)).toMatchObject({ CONTACTS_IN_QUEUE: 1, CONTACTS_SCHEDULED: 0 });

    const total = await ctx.aws.connect.send(
      new GetCurrentMetricDataCommand({
        InstanceId: SEED.instanceId,
        Filters: { Queues: queueIds, Channels: ['TASK'] },
        CurrentMetrics: metrics(['CONTACTS_IN_QUEUE', 'CONTACTS_SCHEDULED', 'SLOTS_ACTIVE']),
      }),
    );
    expect(total.MetricResults).toHaveLength(1);
    const openEstimate = total.MetricResults![0]!.Collections!.reduce((sum, c) => sum + (c.Value ?? 0), 0);
    expect(openEstimate).toBe((await ctx.sim.admin.instance(SEED.instanceId)).openTasks);
    expect(openEstimate).toBe(4);
  });

  test('grouped by channel, only TASK carries the open tasks', async () => {
    await startTask();
    const { MetricResults } = await ctx.aws.connect.send(
      new GetCurrentMetricDataCommand({
        InstanceId: SEED.instanceId,
        Filters: { Queues: [SEED.queues.basic], Channels: ['VOICE', 'TASK'] },
        Groupings: ['CHANNEL'],
        CurrentMetrics: metrics(['CONTACTS_IN_QUEUE']),
      }),
    );
    expect(MetricResults!.map((row) => [row.Dimensions?.Channel, row.Collections![0]!.Value])).toEqual([
      ['VOICE', 0],
      ['TASK', 1],
    ]);
  });
});
