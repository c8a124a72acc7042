/**
 * Schemas of the Connect resources the simulator holds (instances, queues, flows, rules), used for
 * the seed file and for the admin API that adds resources at run time. Ids are optional where the
 * admin API can generate one.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InstanceDefinition, RuleDefinition, SimulatorSeed } from '../types';

const text = (what: string) => z.string({ error: `expected ${what} (a string)` });
const id = (what: string) =>
  text(what)
    .min(1, `expected ${what} (a non-empty string)`)
    .max(256, `expected ${what} of at most 256 characters`);
const generatedId = (what: string) => id(what).default(() => randomUUID());

export const QueueSchema = z.object({ Id: generatedId('a queue id'), Name: text('a queue name').min(1) });

export const ContactFlowSchema = z.object({
  Id: generatedId('a contact flow id'),
  Name: text('a contact flow name').min(1, 'expected a contact flow name'),
  QueueId: id('a queue id of this instance').optional(),
});

const ReferencesSchema = z.record(
  text('a reference name'),
  z.object({ Type: text('a reference type such as URL'), Value: text('a reference value').optional() }),
  { error: 'expected a map of reference name to { Type, Value }' },
);

const TaskActionSchema = z.object(
  {
    Name: text('a task name'),
    ContactFlowId: text('a contact flow id'),
    Description: text('a task description').optional(),
    References: ReferencesSchema.optional(),
  },
  { error: 'expected a TaskAction object { Name, ContactFlowId, Description?, References? }' },
);

const EventBridgeActionSchema = z.object(
  { Name: text('an event name') },
  { error: 'expected an EventBridgeAction object { Name }' },
);

const SendNotificationActionSchema = z.object(
  {
    DeliveryMethod: text('a delivery method such as EMAIL'),
    Subject: text('a subject').optional(),
    Content: text('the notification content'),
    ContentType: text('a content type such as PLAIN_TEXT'),
    Recipient: z.object(
      {
        UserTags: z.record(z.string(), z.string(), { error: 'expected a map of tag to value' }).optional(),
        UserIds: z.array(text('a user id'), { error: 'expected a list of user ids' }).optional(),
      },
      { error: 'expected a Recipient object { UserTags?, UserIds? }' },
    ),
  },
  { error: 'expected a SendNotificationAction object { DeliveryMethod, Content, ContentType, Recipient }' },
);

/** The action definition each action type must carry, as DescribeRule returns it. */
const DEFINITION_FOR_TYPE: Record<string, string> = {
  CREATE_TASK: 'TaskAction',
  GENERATE_EVENTBRIDGE_EVENT: 'EventBridgeAction',
  SEND_NOTIFICATION: 'SendNotificationAction',
};

const RuleActionSchema = z
  .looseObject(
    {
      ActionType: text('an action type such as CREATE_TASK').min(1, 'expected an action type'),
      TaskAction: TaskActionSchema.optional(),
      EventBridgeAction: EventBridgeActionSchema.optional(),
      SendNotificationAction: SendNotificationActionSchema.optional(),
    },
    { error: 'expected a rule action object { ActionType, <definition> }' },
  )
  .superRefine((action, ctx) => {
    const definition = DEFINITION_FOR_TYPE[action.ActionType];
    if (definition && action[definition] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [definition],
        message: `expected a ${definition} object for ActionType ${action.ActionType}`,
      });
    }
  });

export const RuleSchema = z.object({
  RuleId: generatedId('a rule id'),
  Name: text('a rule name').min(1, 'expected a rule name'),
  TriggerEventSource: z
    .object(
      {
        EventSourceName: text('an event source name such as OnPostCallAnalysisAvailable'),
        IntegrationAssociationId: text('an integration association id').optional(),
      },
      { error: 'expected a TriggerEventSource object { EventSourceName }' },
    )
    .default({ EventSourceName: 'OnPostCallAnalysisAvailable' }),
  Function: text('the rule function (JSON text)').default('{}'),
  Actions: z.array(RuleActionSchema, { error: 'expected a list of rule actions' }),
  PublishStatus: z
    .enum(['PUBLISHED', 'DRAFT'], { error: 'expected PUBLISHED or DRAFT' })
    .default('PUBLISHED'),
  Tags: z.record(z.string(), z.string(), { error: 'expected a map of tag to value' }).optional(),
});

export const InstanceSchema = z
  .object({
    Id: generatedId('an instance id'),
    InstanceAlias: text('an instance alias').optional(),
    ActiveTaskQuota: z
      .number({ error: 'expected a task count (an integer >= 0)' })
      .int('expected a task count (an integer >= 0)')
      .min(0, 'expected a task count (an integer >= 0)')
      .optional(),
    Queues: z.array(QueueSchema, { error: 'expected a list of queues { Id?, Name }' }).optional(),
    ContactFlows: z
      .array(ContactFlowSchema, { error: 'expected a list of contact flows { Id?, Name, QueueId? }' })
      .default([]),
    Rules: z.array(RuleSchema, { error: 'expected a list of rules' }).default([]),
  })
  .transform((instance): InstanceDefinition => ({
    ...instance,
    // Every instance has a queue for tasks to wait in; AWS creates "BasicQueue" with the instance.
    Queues: instance.Queues?.length
      ? instance.Queues
      : [{ Id: `${instance.Id}-basic-queue`, Name: 'BasicQueue' }],
    Rules: instance.Rules as RuleDefinition[],
  }));

export const SeedSchema = z.object({
  instances: z.array(InstanceSchema, { error: 'expected a list of instances' }),
}) satisfies z.ZodType<SimulatorSeed, unknown>;

/** `path: message` lines for any zod error, so a bad seed or admin request names the field. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
