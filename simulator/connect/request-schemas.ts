/**
 * Connect request shapes with the constraints of the service model (lengths, enums, required
 * members). A body that breaks them gets InvalidParameterException with AWS's validation wording;
 * rules across fields (exactly one flow source, …) are checked by the operations themselves.
 */
import { z } from 'zod';
import { awsEnum, awsList, awsMap, awsNumber, awsString, awsStructure } from '../validation';

/** The service model: 1 to 100 characters (an instance ARN is longer, and refused as in AWS). */
const InstanceId = awsString({ min: 1, max: 100 });
const ContactId = awsString({ min: 1, max: 256 });

export const REFERENCE_TYPES = [
  'URL',
  'ATTACHMENT',
  'CONTACT_ANALYSIS',
  'NUMBER',
  'STRING',
  'DATE',
  'EMAIL',
  'EMAIL_MESSAGE',
  'EMAIL_MESSAGE_PLAIN_TEXT',
  'EMAIL_MESSAGE_REDACTED',
  'EMAIL_MESSAGE_PLAIN_TEXT_REDACTED',
] as const;

const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]+$/;
const MAX_ATTRIBUTE_BYTES = 32_768;

const Attributes = awsMap(awsString({ max: 32_767 })).superRefine((attributes, ctx) => {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (!ATTRIBUTE_KEY.test(name) || name.length > 32_767) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'Member key must contain only alphanumeric, dash and underscore characters (1 to 32767)',
      });
    }
  }
  if (bytes > MAX_ATTRIBUTE_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `Member must hold at most ${MAX_ATTRIBUTE_BYTES} UTF-8 bytes across all keys and values, got ${bytes}`,
    });
  }
});

/** AWS: "You can have up to 4,096 UTF-8 bytes across all references for a contact." */
export const MAX_REFERENCE_BYTES = 4096;
/** AWS: "DATE must be of type Epoch timestamp" (seconds or milliseconds, as digits). */
const EPOCH = /^\d{1,13}(\.\d+)?$/;

const References = awsMap(
  awsStructure({ Type: awsEnum(REFERENCE_TYPES), Value: awsString({ max: 4096 }).optional() }),
).superRefine((references, ctx) => {
  let bytes = 0;
  for (const [name, reference] of Object.entries(references)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(reference.Value ?? '');
    if (name.length < 1 || name.length > 4096) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'Member key must have length 1 to 4096' });
    }
    if (reference.Type === 'DATE' && !EPOCH.test(reference.Value ?? '')) {
      ctx.addIssue({
        code: 'custom',
        path: [name, 'Value'],
        message: 'DATE must be of type Epoch timestamp',
      });
    }
    // The API reference: ATTACHMENT is not a supported reference type during task creation.
    if (reference.Type === 'ATTACHMENT') {
      ctx.addIssue({
        code: 'custom',
        path: [name, 'Type'],
        message: 'ATTACHMENT is not a supported reference type during task creation',
      });
    }
  }
  if (bytes > MAX_REFERENCE_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `Member must hold at most ${MAX_REFERENCE_BYTES} UTF-8 bytes across all references, got ${bytes}`,
    });
  }
});

/** Kept as given (the simulator models no segment attributes); keys as the model bounds them. */
const SegmentAttributes = awsMap(z.record(z.string(), z.unknown())).superRefine((attributes, ctx) => {
  for (const name of Object.keys(attributes)) {
    if (name.length < 1 || name.length > 128) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'Member key must have length 1 to 128' });
    }
  }
});

const Attachments = awsList(awsStructure({ FileName: awsString(), S3Url: awsString() }), {
  min: 1,
  max: 5,
});

export const StartTaskContactBody = z.object({
  InstanceId,
  Name: awsString({ min: 0, max: 1024 }),
  Description: awsString({ max: 4096 }).optional(),
  ContactFlowId: awsString({ max: 500 }).optional(),
  QuickConnectId: awsString().optional(),
  TaskTemplateId: awsString({ min: 1, max: 500 }).optional(),
  PreviousContactId: ContactId.optional(),
  RelatedContactId: ContactId.optional(),
  ClientToken: awsString({ max: 500 }).optional(),
  Attributes: Attributes.optional(),
  References: References.optional(),
  SegmentAttributes: SegmentAttributes.optional(),
  Attachments: Attachments.optional(),
  /** Epoch seconds (the SDK's wire format for this timestamp). */
  ScheduledTime: awsNumber().optional(),
});
export type StartTaskContactInput = z.infer<typeof StartTaskContactBody>;

export const StopContactBody = z.object({
  ContactId,
  InstanceId,
  DisconnectReason: awsStructure({ Code: awsString().optional() }).optional(),
});

export const DescribeRuleParams = z.object({
  InstanceId,
  RuleId: awsString({ min: 1, max: 256 }),
});

export const CURRENT_METRIC_NAMES = [
  'AGENTS_ONLINE',
  'AGENTS_AVAILABLE',
  'AGENTS_ON_CALL',
  'AGENTS_NON_PRODUCTIVE',
  'AGENTS_AFTER_CONTACT_WORK',
  'AGENTS_ERROR',
  'AGENTS_STAFFED',
  'CONTACTS_IN_QUEUE',
  'OLDEST_CONTACT_AGE',
  'CONTACTS_SCHEDULED',
  'AGENTS_ON_CONTACT',
  'SLOTS_ACTIVE',
  'SLOTS_AVAILABLE',
  'ESTIMATED_WAIT_TIME',
] as const;
export type CurrentMetricName = (typeof CURRENT_METRIC_NAMES)[number];

export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
export type Channel = (typeof CHANNELS)[number];

export const GetCurrentMetricDataBody = z.object({
  InstanceId,
  Filters: awsStructure({
    Queues: awsList(awsString({ min: 1, max: 500 }), { min: 1, max: 100 }).optional(),
    Channels: awsList(awsEnum(CHANNELS), { max: 4 }).optional(),
    RoutingProfiles: awsList(awsString(), { min: 1, max: 100 }).optional(),
    RoutingStepExpressions: awsList(awsString()).optional(),
  }),
  CurrentMetrics: awsList(
    awsStructure({
      Name: awsEnum(CURRENT_METRIC_NAMES),
      Unit: awsEnum(['SECONDS', 'COUNT', 'PERCENT']).optional(),
    }),
  ),
  Groupings: awsList(
    awsEnum([
      'QUEUE',
      'CHANNEL',
      'ROUTING_PROFILE',
      'ROUTING_STEP_EXPRESSION',
      'AGENT_STATUS',
      'SUBTYPE',
      'VALIDATION_TEST_TYPE',
    ]),
    {
      max: 2,
    },
  ).optional(),
  NextToken: awsString().optional(),
  MaxResults: awsNumber()
    .int('Member must be an integer')
    .min(1, 'Member must have value greater than or equal to 1')
    .max(100, 'Member must have value less than or equal to 100')
    .optional(),
});
export type GetCurrentMetricDataInput = z.infer<typeof GetCurrentMetricDataBody>;

export const ListQueuesParams = z.object({
  InstanceId,
  queueTypes: z
    .union([awsEnum(['STANDARD', 'AGENT']), awsList(awsEnum(['STANDARD', 'AGENT']), { max: 2 })])
    .optional(),
  maxResults: z.coerce
    .number()
    .int('Member must be an integer')
    .min(1, 'Member must have value greater than or equal to 1')
    .max(1000, 'Member must have value less than or equal to 1000')
    .optional(),
  nextToken: awsString().optional(),
});
