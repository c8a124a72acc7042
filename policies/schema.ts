/**
 * The policy file's schema: the single authority for what ops may write. Every object is strict
 * (an unknown key such as `maxAttemps` is an error, never silently ignored), every field carries a
 * description (the generated JSON Schema gives editors completion and hover text from it), and
 * every check says what it expected and what it got. Semantic checks that span fields (channel
 * references, duplicate names, the catch-all) live in ./semantics.ts. Pure.
 */
import { z } from 'zod';
import { KNOWN_ACTION_TYPES, KNOWN_TRIGGER_EVENTS } from '../events/types';
import { AWS_DEFAULT_RATES, AWS_OPERATIONS } from './api-budgets';
import {
  BUILTIN_API_SHARE,
  BUILTIN_CAPACITY,
  BUILTIN_DEADLINE,
  BUILTIN_OPERATOR_WAIT,
  BUILTIN_RETRY,
  BUILTIN_RETRY_EVEN_IF_NOT_RETRYABLE,
} from './builtin-defaults';
import { DURATION_EXAMPLES, DURATION_PATTERN, parseDuration } from './durations';
import { describeValue } from './errors';
import { KNOWN_REASON_CODES } from './reason-codes';
import { compilePolicyRegex } from './regex';

export const POLICY_FILE_VERSION = 1;
export const STRATEGIES = ['retry', 'wait-for-capacity', 'escalate', 'ignore'] as const;
export const CHANNEL_TYPES = ['eventbridge', 'connect-task', 'webhook'] as const;
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Env var names only: a real secret pasted here (spaces, dashes, lowercase) is rejected. */
export const ENV_VAR_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

/**
 * One message for every way a field can be wrong: "expected X, got Y" (or "required: expected X").
 * `abort`: the first failed check ends that field's checks, so each field gets one message.
 */
export function expected(what: string) {
  return {
    abort: true,
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? `required: expected ${what}`
        : `expected ${what}, got ${describeValue(issue.input)}`,
  };
}

export const text = (what: string) => z.string(expected(what)).min(1, expected(what));

export const name = (what: string) => text(what).regex(NAME_PATTERN, expected(what));

export const duration = (description: string) =>
  z
    .string(expected(`a duration such as ${DURATION_EXAMPLES}`))
    .regex(new RegExp(DURATION_PATTERN), expected(`a duration such as ${DURATION_EXAMPLES}`))
    .refine(
      (value) => parseDuration(value) !== undefined,
      expected(`a duration such as ${DURATION_EXAMPLES}`),
    )
    .describe(description);

const positiveDuration = (description: string) =>
  duration(description).refine((value) => (parseDuration(value) ?? 0) > 0, expected('a duration above 0'));

const positiveInt = (description: string, max: number) =>
  z
    .number(expected('a positive integer'))
    .int(expected('a positive integer'))
    .min(1, expected('a positive integer'))
    .max(max, expected(`a positive integer up to ${max}`))
    .describe(description);

export const bool = (description: string) => z.boolean(expected('true or false')).describe(description);

export function choice<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values, expected(`one of ${values.join(', ')}`)).describe(description);
}

/** A value or a non-empty list of values; known values are offered as completions, any string passes. */
function valueOrList(item: z.ZodType<string>, what: string, description: string) {
  return z
    .union(
      [item, z.array(item).min(1, expected(`at least one ${what}`))],
      expected(`a ${what} or a list of them`),
    )
    .describe(description);
}

export function openValue(known: readonly string[], what: string) {
  const [first, ...rest] = known;
  return first === undefined
    ? text(what)
    : z.union([z.enum([first, ...rest]), text(what)], expected(`a ${what}`));
}

const regex = z
  .string(expected('a regular expression'))
  .min(1, expected('a regular expression'))
  .refine((pattern) => compilePolicyRegex(pattern).ok, {
    error: (issue) => {
      const compiled = compilePolicyRegex(String(issue.input));
      const problem = compiled.ok ? 'invalid' : compiled.problem;
      return `expected a valid regular expression in RE2 syntax (no lookaround, no backreferences), got ${describeValue(issue.input)} (${problem})`;
    },
  });

export const ConditionsSchema = z
  .strictObject(
    {
      reasonCode: valueOrList(
        openValue(KNOWN_REASON_CODES, 'reason code'),
        'reason code',
        'The AWS error name of the failed call (e.g. ThrottlingException); a value or a list.',
      ).optional(),
      actionType: valueOrList(
        openValue(KNOWN_ACTION_TYPES, 'action type'),
        'action type',
        'The rule action that failed: CREATE_TASK, GENERATE_EVENTBRIDGE_EVENT, SEND_NOTIFICATION, …',
      ).optional(),
      triggerEvent: valueOrList(
        openValue(KNOWN_TRIGGER_EVENTS, 'trigger event'),
        'trigger event',
        'What triggered the rule: REAL_TIME_CALL, REAL_TIME_CHAT, POST_CALL, POST_CHAT, THIRD_PARTY, …',
      ).optional(),
      retryable: bool(
        'additionalInfo.retryable as AWS reported it. An event without it matches neither true nor false.',
      ).optional(),
      instanceId: valueOrList(
        text('Connect instance id'),
        'Connect instance id',
        'Connect instance id(s) (the last part of the instance ARN).',
      ).optional(),
      ruleId: valueOrList(text('rule id'), 'rule id', 'Connect rule id(s).').optional(),
      errorMatches: valueOrList(
        regex,
        'regular expression',
        "Regular expression(s) in RE2 syntax (no lookaround or backreferences; matching takes linear time), searched in the first 4096 characters of the event's error text (case-sensitive); any one matching is enough.",
      ).optional(),
    },
    expected('a map of conditions (`{}` for the catch-all)'),
  )
  .describe(
    'Conditions, all of which must hold; each is a value or a list (any value in the list). ' +
      'An empty map `{}` matches every event: the catch-all, required as the last policy.',
  );

export const RetrySchema = z
  .strictObject(
    {
      initialInterval: positiveDuration('Delay before the first re-issue.')
        .meta({ default: BUILTIN_RETRY.initialInterval })
        .optional(),
      backoffCoefficient: z
        .number(expected('a number >= 1'))
        .min(1, expected('a number >= 1'))
        .max(100, expected('a number from 1 to 100'))
        .describe('Each delay is the previous one times this (1 = constant delay).')
        .meta({ default: BUILTIN_RETRY.backoffCoefficient })
        .optional(),
      maximumInterval: positiveDuration('No delay grows beyond this (jitter included).')
        .meta({ default: BUILTIN_RETRY.maximumInterval })
        .optional(),
      maximumAttempts: positiveInt('How many times the action is re-issued before escalating.', 1000)
        .meta({ default: BUILTIN_RETRY.maximumAttempts })
        .optional(),
      jitter: z
        .number(expected('a fraction from 0 to 1'))
        .min(0, expected('a fraction from 0 to 1'))
        .max(1, expected('a fraction from 0 to 1'))
        .describe(
          'Spread each delay uniformly over ±this fraction of itself (0.2 = ±20%), so retries do not stampede.',
        )
        .meta({ default: BUILTIN_RETRY.jitter })
        .optional(),
      honorRetryDelay: bool(
        "Never re-issue sooner than AWS's suggested wait (additionalInfo.retryDelay, Retry-After).",
      )
        .meta({ default: BUILTIN_RETRY.honorRetryDelay })
        .optional(),
    },
    expected('a map of retry settings'),
  )
  .describe(
    'Backoff between re-issue attempts; unset fields come from defaults.retry, then the built-in defaults.',
  );

/** Event fields an incident can group escalations by (its cause). */
export const INCIDENT_KEYS = ['instanceId', 'ruleId', 'actionType', 'reasonCode', 'triggerEvent'] as const;

export const IncidentSchema = z
  .union(
    [
      z.literal(false),
      z.strictObject(
        {
          groupBy: z
            .array(
              choice(INCIDENT_KEYS, 'An event field escalations of one cause share.'),
              expected('a list of event fields'),
            )
            .min(1, expected('at least one event field'))
            .describe('Escalations that share these fields join one incident.')
            .meta({ default: ['instanceId', 'ruleId', 'actionType', 'reasonCode'] })
            .optional(),
          window: positiveDuration(
            'An escalation joins the open incident of its cause if one escalated within this long; later ones open a new incident.',
          )
            .meta({ default: '1h' })
            .optional(),
          updateEvery: positiveDuration('Channels hear about a growing incident at most this often.')
            .meta({ default: '15m' })
            .optional(),
          maxUpdates: z
            .number(expected('a whole number from 0 to 20'))
            .int(expected('a whole number from 0 to 20'))
            .min(0, expected('a whole number from 0 to 20'))
            .max(20, expected('a whole number from 0 to 20'))
            .describe(
              'Updates after the opening notification, at most (the counts stay current in the Web UI and `incidents show`).',
            )
            .meta({ default: 4 })
            .optional(),
        },
        expected('a map with groupBy, window, updateEvery, maxUpdates (or false)'),
      ),
    ],
    expected('incident settings (groupBy, window, updateEvery, maxUpdates) or false'),
  )
  .describe(
    'Escalations of one cause become one incident: channels are told once, and one answer reaches every run.',
  );

export const CapacitySchema = z
  .strictObject(
    {
      maxWait: positiveDuration('How long a run may wait for task capacity before `then`.')
        .meta({ default: BUILTIN_CAPACITY.maxWait })
        .optional(),
      then: choice(
        ['escalate', 'retry'],
        'What happens when maxWait runs out: escalate, or retry on the retry schedule.',
      )
        .meta({ default: BUILTIN_CAPACITY.then })
        .optional(),
      source: choice(
        ['metrics', 'probe'],
        "Where free capacity comes from: Connect's current metrics, or careful probing (AIMD) when metrics are unavailable.",
      )
        .meta({ default: BUILTIN_CAPACITY.source })
        .optional(),
      quota: z
        .union(
          [
            z.literal('auto'),
            z
              .number(expected('auto, or a positive integer'))
              .int(expected('auto, or a positive integer'))
              .min(1, expected('auto, or a positive integer'))
              .max(1_000_000, expected('auto, or a positive integer up to 1000000')),
          ],
          expected('auto, or a positive integer'),
        )
        .describe(
          "The instance's active-tasks quota (used with source: metrics): auto reads the quota AWS applied to the instance from CloudWatch (cloudwatch:GetMetricData; fallbackQuota while it cannot tell), a number pins it.",
        )
        .meta({ default: 'auto' })
        .optional(),
      fallbackQuota: positiveInt(
        "With quota: auto, the quota to assume while CloudWatch cannot tell (no permission, no open tasks lately, an outage): your instance's quota as you know it. Default: AWS's default, 2500.",
        1_000_000,
      )
        .meta({ default: 2500 })
        .optional(),
      queues: z
        .array(text('a queue id'), expected('a list of queue ids'))
        .min(1, expected('at least one queue id'))
        .max(1_000, expected('at most 1000 queue ids'))
        .describe(
          'Queues whose open tasks count against the quota (metrics source). Default: every queue of the instance, agent queues included.',
        )
        .optional(),
      livenessCheck: positiveDuration(
        "How long a run waits in its instance's waiting room before it makes sure the gate runs and queues again (a gate an operator terminated is replaced within this). At most 30m.",
      )
        .refine((value) => (parseDuration(value) ?? 0) <= 30 * 60_000, expected('a duration up to 30m'))
        .meta({ default: BUILTIN_CAPACITY.livenessCheck })
        .optional(),
      priority: z
        .number(expected('an integer from -2 to 2'))
        .int(expected('an integer from -2 to 2'))
        .min(-2, expected('an integer from -2 to 2'))
        .max(2, expected('an integer from -2 to 2'))
        .describe(
          'Higher is admitted first when capacity frees up (five levels, -2 to 2, default 0: Temporal task-queue priorities); close to first come, first served among equals.',
        )
        .optional(),
    },
    expected('a map of capacity settings'),
  )
  .describe('Waiting for Connect task capacity (then: wait-for-capacity only).');

const REFERENCE_TYPES = ['URL', 'STRING', 'NUMBER', 'EMAIL', 'DATE'] as const;

export const ReissueSchema = z
  .strictObject(
    {
      contactFlowId: text('a contact flow id')
        .describe('Use this contact flow for the re-created task.')
        .optional(),
      name: text('a task name')
        .describe('Task name; may use ${event.id}, ${detail.ruleId}, ${detail.reasonCode}.')
        .optional(),
      description: z
        .string(expected('a task description'))
        .describe('Task description (same templates as name).')
        .optional(),
      attributes: z
        .record(
          text('an attribute name'),
          z.string(expected('a string value (quote numbers)')),
          expected('a map of attribute names to strings'),
        )
        .describe('Contact attributes added to the re-created task.')
        .optional(),
      references: z
        .record(
          text('a reference name'),
          z.strictObject(
            {
              type: choice(REFERENCE_TYPES, 'Reference type.'),
              value: z.string(expected('a string value')).describe('Reference value.'),
            },
            expected('a map with type and value'),
          ),
          expected('a map of reference names to { type, value }'),
        )
        .describe('Task references added to (or replacing) those of the rule.')
        .optional(),
      eventBusName: text('an event bus name')
        .describe('GENERATE_EVENTBRIDGE_EVENT: re-send to this bus.')
        .optional(),
      source: text('an event source').describe('GENERATE_EVENTBRIDGE_EVENT: event source.').optional(),
      detailType: text('a detail-type').describe('GENERATE_EVENTBRIDGE_EVENT: event detail-type.').optional(),
    },
    expected('a map of re-issue overrides'),
  )
  .describe('Changes to the re-issued action.');

const channelRefs = z
  .union(
    [name('a channel name'), z.array(name('a channel name')).min(1, expected('at least one channel name'))],
    expected('a channel name or a list of channel names'),
  )
  .describe('Channels (by name, from `channels`) an escalation goes to, all of them.');

const operatorWait = positiveDuration(
  "How long an escalated run waits for an operator's retry / resolve / abandon before it ends as escalated.",
).meta({ default: BUILTIN_OPERATOR_WAIT });
const deadline = positiveDuration('Bounds the whole remediation, from the event to the escalation.').meta({
  default: BUILTIN_DEADLINE,
});
const retryEvenIfNotRetryable = bool(
  'Re-issue even when AWS marked the error `retryable: false` (by default such errors are escalated at once).',
).meta({ default: BUILTIN_RETRY_EVEN_IF_NOT_RETRYABLE });

export const DefaultsSchema = z
  .strictObject(
    {
      retry: RetrySchema.optional(),
      deadline: deadline.optional(),
      escalateTo: channelRefs.optional(),
      fallbackChannel: name('a channel name')
        .describe(
          'Notified when every channel of an escalation failed for good (access denied, a 4xx, a missing secret, an invalid flow); the run waits for an operator all the same.',
        )
        .optional(),
      operatorWait: operatorWait.optional(),
      retryEvenIfNotRetryable: retryEvenIfNotRetryable.optional(),
      capacity: CapacitySchema.optional(),
      reissue: ReissueSchema.optional(),
      incident: IncidentSchema.optional(),
    },
    expected('a map of default settings'),
  )
  .describe('Settings every policy inherits; a policy overrides them field by field.');

export const PolicySchema = z
  .strictObject(
    {
      name: name('a policy name (letters, digits, ".", "_", "-")').describe(
        'Unique name, shown in the Web UI (RemediationPolicy) and in escalations.',
      ),
      description: z
        .string(expected('a description'))
        .describe('Why this policy exists, for the next person.')
        .optional(),
      when: ConditionsSchema,
      then: choice(
        STRATEGIES,
        'retry: re-issue with backoff; wait-for-capacity: wait for Connect task capacity, then re-issue; ' +
          'escalate: hand to people at once; ignore: record only.',
      ),
      retry: RetrySchema.optional(),
      deadline: deadline.optional(),
      capacity: CapacitySchema.optional(),
      escalateTo: channelRefs.optional(),
      operatorWait: operatorWait.optional(),
      retryEvenIfNotRetryable: retryEvenIfNotRetryable.optional(),
      reissue: ReissueSchema.optional(),
      incident: IncidentSchema.optional(),
    },
    expected('a policy (a map with name, when, then, …)'),
  )
  .describe('The first policy (in file order) whose `when` matches the event decides what happens.');

/** A channel: its `type`, its own fields, and the optional `description` every channel may have. */
function channel<const T extends string, S extends z.core.$ZodLooseShape>(
  type: T,
  typeDescription: string,
  fields: S,
  description: string,
) {
  return z
    .strictObject(
      {
        type: z.literal(type).describe(typeDescription),
        ...fields,
        description: z.string(expected('a description')).describe('What this channel is for.').optional(),
      },
      expected('a map describing the channel'),
    )
    .describe(description);
}

const EventBridgeChannelSchema = channel(
  'eventbridge',
  'Put an event on an EventBridge bus.',
  {
    eventBusName: text('an event bus name').describe('Bus name or ARN.'),
    source: text('an event source').describe('Event source (default connect-remediator).').optional(),
  },
  'EventBridge escalation channel.',
);

const ConnectTaskChannelSchema = channel(
  'connect-task',
  'Create an Amazon Connect task for an agent.',
  {
    contactFlowId: text('a contact flow id').describe('Contact flow that routes the escalation task.'),
    instanceId: text('a Connect instance id').describe("Defaults to the failed event's instance.").optional(),
  },
  'Connect task escalation channel.',
);

const envVarName = (example: string, description: string) =>
  z
    .string(expected(`an environment variable name such as ${example}`))
    .regex(
      ENV_VAR_PATTERN,
      expected(`an environment variable name such as ${example} (not the secret itself)`),
    )
    .describe(description);

const WebhookChannelSchema = channel(
  'webhook',
  'POST a JSON body to a URL.',
  {
    url: z
      .url({ protocol: /^https?$/, ...expected('an http(s) URL') })
      .describe(
        "Where to POST (or urlEnv, when the URL is itself a credential). Credentials never go in the URL: use secretEnv. Public addresses only, unless the worker's CONNECT_REMEDIATOR_WEBHOOK_ALLOW_ADDRESSES lists the address.",
      )
      .optional(),
    urlEnv: envVarName(
      'CONNECT_REMEDIATOR_SECRET_SLACK_URL',
      "Instead of url: the environment variable holding a URL that is itself a credential (a Slack-style incoming webhook). It is read when a notification is sent and never written to the run's history, activity inputs or `policies explain`. Same naming rule as secretEnv.",
    ).optional(),
    secretEnv: envVarName(
      'CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN',
      "Name of the environment variable holding the bearer token (the token never goes in this file). It must start with CONNECT_REMEDIATOR_SECRET_ or be listed in the worker's CONNECT_REMEDIATOR_SECRET_VARS; the token goes only to the origins listed in <secretEnv>_ORIGINS in the worker's environment, and only over https (loopback aside).",
    ).optional(),
  },
  'Webhook escalation channel: exactly one of url or urlEnv.',
);

export const ChannelSchema = z.discriminatedUnion(
  'type',
  [EventBridgeChannelSchema, ConnectTaskChannelSchema, WebhookChannelSchema],
  {
    error: (issue) => {
      const type = (issue.input as { type?: unknown } | undefined)?.type;
      return (
        `${type === undefined ? 'required: expected' : 'expected'} one of ${CHANNEL_TYPES.join(', ')}` +
        (type === undefined ? '' : `, got ${describeValue(type)}`)
      );
    },
  },
);

const operationRates = Object.fromEntries(
  AWS_OPERATIONS.map((operation) => [
    operation,
    z
      .number(expected('requests per second (a number above 0)'))
      .positive(expected('requests per second (a number above 0)'))
      .max(100_000, expected('requests per second up to 100000'))
      .describe(
        `${operation} requests per second your account may send (AWS default ${AWS_DEFAULT_RATES[operation]}).`,
      )
      .optional(),
  ]),
) as Record<(typeof AWS_OPERATIONS)[number], z.ZodOptional<z.ZodNumber>>;

export const ApiRateLimitsSchema = z
  .strictObject(
    {
      share: z
        .number(expected('a fraction above 0 and up to 1'))
        .positive(expected('a fraction above 0 and up to 1'))
        .max(1, expected('a fraction above 0 and up to 1'))
        .describe(
          "The fraction of each AWS API rate limit the engine may use, all its workers together; the rest is left to the account's other callers.",
        )
        .meta({ default: BUILTIN_API_SHARE })
        .optional(),
      operations: z
        .strictObject(
          operationRates,
          expected(`a map of operations (${AWS_OPERATIONS.join(', ')}) to requests per second`),
        )
        .describe(
          "Your account's limits where AWS raised them (Service Quotas); the others keep AWS's defaults.",
        )
        .optional(),
    },
    expected('a map with share and operations'),
  )
  .describe(
    "AWS API rate limits are per account and Region, shared by every caller: the engine's share of them.",
  );

export const PolicyFileSchema = z
  .strictObject(
    {
      version: z
        .literal(
          POLICY_FILE_VERSION,
          expected(`${POLICY_FILE_VERSION} (the policy file format this engine reads)`),
        )
        .describe('Policy file format version.'),
      defaults: DefaultsSchema.optional(),
      channels: z
        .record(
          name('a channel name (letters, digits, ".", "_", "-")'),
          ChannelSchema,
          expected('a map of channel names to channels'),
        )
        .describe('Escalation channels, each named once and referenced by name from escalateTo.')
        .optional(),
      apiRateLimits: ApiRateLimitsSchema.optional(),
      policies: z
        .array(PolicySchema, expected('a list of policies'))
        .min(1, expected('at least one policy (the catch-all)'))
        .describe(
          'Checked in order; the first whose `when` matches wins. The last must be the catch-all (`when: {}`).',
        ),
    },
    expected('a map with version, channels and policies'),
  )
  .describe('connect-remediator policy set: what happens to each failed Amazon Connect rule action.');

export type PolicyFile = z.infer<typeof PolicyFileSchema>;
export type PolicyEntry = z.infer<typeof PolicySchema>;
export type PolicyConditions = z.infer<typeof ConditionsSchema>;
export type PolicyDefaults = z.infer<typeof DefaultsSchema>;
export type ChannelEntry = z.infer<typeof ChannelSchema>;
