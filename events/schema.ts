/**
 * The zod schema of the failure event. Every field's error message is what a person should read
 * after "expected": validate.ts pairs it with the JSON path and what was actually there.
 *
 * Objects are loose: AWS adds envelope and detail fields over time, and an event must reach the
 * workflow exactly as delivered. Enumerations of action types, triggers and reason codes are open
 * (only non-empty), because the catch-all policy routes values we have never seen.
 * Pure (workflow-safe).
 */
import { z } from 'zod';
import { instanceIdFromArn } from './arn';
import { DETAIL_TYPES, EVENT_SOURCE } from './types';

/** The id becomes part of the workflow id (`remediate-<id>`) and of Web UI links. */
export const MAX_EVENT_ID_LENGTH = 200;
/** Fields that become Keyword search attributes stay far below Temporal's per-value limit. */
export const MAX_KEYWORD_LENGTH = 256;

const EVENT_ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_EVENT_ID_LENGTH}}$`);
const ACCOUNT_ID = /^\d{12}$/;
// us-east-1, us-gov-west-1, ap-southeast-5, eusc-de-east-1, …
const REGION = /^[a-z]+(-[a-z]+)+-\d+$/;

const requiredText = (expected: string, maxLength = MAX_KEYWORD_LENGTH) =>
  z.string({ error: expected }).min(1, { error: expected }).max(maxLength, { error: expected });

const keyword = (what: string) =>
  requiredText(`${what}: a non-empty string of at most ${MAX_KEYWORD_LENGTH} characters`);

const INSTANCE_ARN_EXPECTED =
  'an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<instance id>)';

export const FailureDetailSchema = z.looseObject(
  {
    ruleId: keyword('the Connect rule id'),
    actionType: keyword('the rule action type (e.g. CREATE_TASK)'),
    triggerEvent: keyword('the rule trigger (e.g. REAL_TIME_CALL)'),
    instanceArn: z
      .string({ error: INSTANCE_ARN_EXPECTED })
      .refine((arn) => instanceIdFromArn(arn) !== undefined, { error: INSTANCE_ARN_EXPECTED }),
    reasonCode: keyword('the failure reason code (e.g. ThrottlingException)'),
    error: z.string({ error: 'a string with the error message (may be empty)' }),
    // null carries no more than absence does; it is accepted as absent rather than losing the event.
    additionalInfo: z
      .string({ error: 'a JSON string holding the AWS SDK error, or no field at all' })
      .nullish()
      .transform((raw) => raw ?? undefined),
  },
  { error: 'an object with the failure details (ruleId, actionType, triggerEvent, instanceArn, …)' },
);

export const FailureEventSchema = z.looseObject(
  {
    version: requiredText('the envelope version: a non-empty string such as "0"', 32),
    id: z
      .string({ error: `the event id: 1–${MAX_EVENT_ID_LENGTH} printable ASCII characters, no spaces` })
      .regex(EVENT_ID, {
        error: `the event id: 1–${MAX_EVENT_ID_LENGTH} printable ASCII characters, no spaces`,
      }),
    source: z.literal(EVENT_SOURCE, { error: `"${EVENT_SOURCE}"` }),
    'detail-type': z.enum(DETAIL_TYPES, { error: DETAIL_TYPES.map((t) => `"${t}"`).join(' or ') }),
    account: z.string({ error: 'a 12-digit AWS account id' }).regex(ACCOUNT_ID, {
      error: 'a 12-digit AWS account id',
    }),
    time: z.iso.datetime({
      offset: true,
      error: 'an ISO 8601 timestamp with a zone, such as 2022-01-05T01:30:42Z',
    }),
    region: z.string({ error: 'an AWS region such as us-east-1' }).regex(REGION, {
      error: 'an AWS region such as us-east-1',
    }),
    resources: z.array(z.string({ error: 'a string (an ARN)' }), { error: 'an array of ARN strings' }),
    detail: FailureDetailSchema,
  },
  { error: 'a JSON object: one EventBridge event' },
);
