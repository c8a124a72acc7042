/**
 * The cases file `policies test` reads: events and what the policy set must decide for each — the
 * decisions ops rely on, pinned so that an edit changing one fails in CI. Strict like the policy
 * file (a misspelt expectation is an error, never a check silently skipped), every field described
 * for editor hover, and the expectation fields reuse the policy file's own schemas. Pure.
 */
import { z } from 'zod';
import { KNOWN_ACTION_TYPES, KNOWN_TRIGGER_EVENTS } from '../../events/types';
import { DURATION_EXAMPLES } from '../durations';
import { KNOWN_REASON_CODES } from '../reason-codes';
import {
  bool,
  CapacitySchema,
  choice,
  duration,
  expected,
  name,
  openValue,
  ReissueSchema,
  STRATEGIES,
  text,
} from '../schema';

export const CASES_FILE_VERSION = 1;

/** What a short-form event gets for the fields it leaves out. */
export const SHORT_EVENT_DEFAULTS = {
  actionType: 'CREATE_TASK',
  triggerEvent: 'THIRD_PARTY',
  ruleId: '00000000-0000-0000-0000-000000000000',
  instanceId: '00000000-0000-0000-0000-000000000000',
  error: '',
} as const;

export const ShortEventSchema = z
  .strictObject(
    {
      reasonCode: openValue(KNOWN_REASON_CODES, 'reason code').describe(
        'The AWS error name of the failed call, e.g. ThrottlingException.',
      ),
      actionType: openValue(KNOWN_ACTION_TYPES, 'action type')
        .describe(`The rule action that failed (default ${SHORT_EVENT_DEFAULTS.actionType}).`)
        .optional(),
      triggerEvent: openValue(KNOWN_TRIGGER_EVENTS, 'trigger event')
        .describe(`What triggered the rule (default ${SHORT_EVENT_DEFAULTS.triggerEvent}).`)
        .optional(),
      retryable: bool(
        'additionalInfo.retryable as AWS reports it; leave it out for an event whose additionalInfo has none (it then matches neither `retryable: true` nor `false`).',
      ).optional(),
      ruleId: text('a rule id')
        .describe(`The Connect rule id (default ${SHORT_EVENT_DEFAULTS.ruleId}).`)
        .optional(),
      instanceId: text('a Connect instance id')
        .regex(/^[0-9a-zA-Z-]{1,100}$/, expected('a Connect instance id (letters, digits, "-")'))
        .describe(`The Connect instance id (default ${SHORT_EVENT_DEFAULTS.instanceId}).`)
        .optional(),
      error: z
        .string(expected('the error text'))
        .describe("The event's error text, which `errorMatches` searches (default empty).")
        .optional(),
      retryDelay: z
        .union(
          [
            z.number(expected('milliseconds')).nonnegative(expected('milliseconds (0 or more)')),
            duration('A duration'),
          ],
          expected(`milliseconds, or a duration such as ${DURATION_EXAMPLES}`),
        )
        .describe(
          "additionalInfo.retryDelay: AWS's suggested wait, in milliseconds (as AWS sends it) or as a duration such as 30s.",
        )
        .optional(),
    },
    expected(
      'a short-form event: reasonCode and optionally actionType, triggerEvent, retryable, ruleId, instanceId, error, retryDelay',
    ),
  )
  .describe('A short form: the fields policies match on; the rest of the event is filled in.');

export const FullEventSchema = z
  .looseObject(
    {
      detail: z
        .record(z.string(), z.unknown(), expected('the failure details (ruleId, actionType, …)'))
        .describe('The failure details, as in the event EventBridge delivers.'),
    },
    expected('a whole failure event (with detail)'),
  )
  .describe('A whole failure event, as EventBridge delivers it (validated as the ingress validates it).');

export const EventPathSchema = text('a path to an event JSON file').describe(
  'Path to a failure event JSON file (as EventBridge delivers it), relative to this cases file.',
);

export const EventSpecSchema = z
  .union(
    [EventPathSchema, ShortEventSchema, FullEventSchema],
    expected('a path to an event JSON file, a whole event (with detail), or a short form (reasonCode, …)'),
  )
  .describe('The failure event: a path to an event JSON file, the whole event inline, or a short form.');

export const EXPECTATION_KEYS = [
  'policy',
  'strategy',
  'attempts',
  'delays',
  'escalateTo',
  'capacity',
  'reissue',
];

export const ExpectSchema = z
  .strictObject(
    {
      policy: name('a policy name')
        .describe('The policy that must match (first match in file order).')
        .optional(),
      strategy: choice(STRATEGIES, "The matched policy's `then`.").optional(),
      attempts: z
        .number(expected('a whole number of attempts (0 or more)'))
        .int(expected('a whole number of attempts (0 or more)'))
        .min(0, expected('a whole number of attempts (0 or more)'))
        .describe(
          'Re-issues on the retry schedule the plan holds: 0 when it has none (escalate, ignore, an error AWS marked retryable: false, a capacity wait that then escalates).',
        )
        .optional(),
      delays: z
        .array(duration('The wait before one attempt.'), expected('a list of durations'))
        .describe(
          "The wait before each planned attempt, in order, without jitter and with AWS's retryDelay applied: e.g. [10s, 20s, 40s].",
        )
        .optional(),
      escalateTo: z
        .union(
          [name('a channel name'), z.array(name('a channel name'), expected('a list of channel names'))],
          expected('a channel name or a list of channel names'),
        )
        .describe('The channels an escalation goes to, in any order; [] when nobody is told (ignore).')
        .optional(),
      capacity: CapacitySchema.describe(
        'The capacity wait the run gets (only the fields written are checked); source, quota, fallbackQuota and queues are those of the instance (the first capacity policy naming it, else the first naming none).',
      ).optional(),
      reissue: ReissueSchema.describe(
        'Re-issue overrides the run gets (only the fields written are checked).',
      ).optional(),
    },
    expected(`a map of expectations (${EXPECTATION_KEYS.join(', ')})`),
  )
  .describe('What must hold for the decision; only what is written is checked.');

export const CaseSchema = z
  .strictObject(
    {
      name: text('a case name').describe(
        'Names the case in the output and in JUnit reports; unique in the file.',
      ),
      description: z.string(expected('a description')).describe('Why this decision matters.').optional(),
      event: EventSpecSchema,
      expect: ExpectSchema,
    },
    expected('a case (a map with name, event and expect)'),
  )
  .describe('One event and the decision it must get.');

export const CasesFileSchema = z
  .strictObject(
    {
      version: z
        .literal(
          CASES_FILE_VERSION,
          expected(`${CASES_FILE_VERSION} (the cases file format this engine reads)`),
        )
        .describe('Cases file format version.'),
      cases: z
        .array(CaseSchema, expected('a list of cases'))
        .min(1, expected('at least one case'))
        .describe('The cases, each checked against the policy file.'),
    },
    expected('a map with version and cases'),
  )
  .describe('connect-remediator policy cases: events and the decisions the policy file must make for them.');

export type CasesFile = z.infer<typeof CasesFileSchema>;
export type CaseEntry = z.infer<typeof CaseSchema>;
export type ShortEvent = z.infer<typeof ShortEventSchema>;
export type Expectations = z.infer<typeof ExpectSchema>;
