/** Request schemas of the admin API (`/_sim`): every failure names the field and what was expected. */
import { z } from 'zod';
import { operationErrorNames } from '../aws-errors';
import { notAnObject } from '../validation';
import { PUT_EVENTS_ENTRY_ERROR_CODES, SIMULATED_OPERATIONS, type SimulatedOperation } from '../types';

const Operation = z.enum(SIMULATED_OPERATIONS as [SimulatedOperation, ...SimulatedOperation[]], {
  error: `expected an operation: ${SIMULATED_OPERATIONS.join(', ')}`,
});

const count = z
  .number({ error: 'expected how many times (an integer >= 1)' })
  .int('expected how many times (an integer >= 1)')
  .min(1, 'expected how many times (an integer >= 1)');

const OperationErrorFault = z
  .strictObject({
    operation: Operation,
    error: z.string({ error: 'expected an AWS error name such as ThrottlingException' }),
    message: z.string({ error: 'expected an error message (a string)' }).optional(),
    count: count.optional(),
  })
  .superRefine((fault, ctx) => {
    // Only what the operation can answer in AWS: a fault AWS never sends would tune the engine to
    // something that does not exist.
    const known = operationErrorNames(fault.operation);
    if (!known.includes(fault.error)) {
      ctx.addIssue({
        code: 'custom',
        path: ['error'],
        message: `expected an error ${fault.operation} can answer with: ${known.join(', ')}`,
      });
    }
  });

const PutEventsEntryFault = z.strictObject({
  errorCode: z.enum(PUT_EVENTS_ENTRY_ERROR_CODES, {
    error: `expected an entry ErrorCode: ${PUT_EVENTS_ENTRY_ERROR_CODES.join(', ')}`,
  }),
  errorMessage: z.string({ error: 'expected an error message (a string)' }).optional(),
  count: count.optional(),
});

const perOperation = (value: z.ZodType<number | null>) =>
  z.partialRecord(Operation, value, { error: 'expected an object keyed by operation name' });

export const FaultSpecSchema = z.strictObject(
  {
    errors: z
      .array(OperationErrorFault, { error: 'expected a list of { operation, error, message?, count? }' })
      .optional(),
    entryErrors: z
      .array(PutEventsEntryFault, { error: 'expected a list of { errorCode, errorMessage?, count? }' })
      .optional(),
    // Replaced by the rate limits, which are always on: a clear refusal instead of "Unrecognized key".
    throttleTps: z
      .never({
        error:
          'throttleTps was replaced by rate limits: POST /_sim/config { "rateLimits": { <operation>: { rate, burst } } }',
      })
      .optional(),
    latencyMs: perOperation(
      z
        .number({ error: 'expected milliseconds (0 to 60000), or null' })
        .int('expected whole milliseconds')
        .min(0, 'expected milliseconds >= 0')
        .max(60_000, 'expected at most 60000 milliseconds')
        .nullable(),
    ).optional(),
  },
  { error: notAnObject('expected a JSON object { errors?, entryErrors?, latencyMs? }') },
);

export const CompleteOldestSchema = z.strictObject(
  {
    count: count.default(1),
    instanceId: z.string({ error: 'expected an instance id' }).optional(),
  },
  { error: notAnObject('expected a JSON object { count?, instanceId? }') },
);

export const OpenTasksSchema = z
  .strictObject(
    {
      count: z
        .number({ error: 'expected how many tasks (an integer from 1 to 100000)' })
        .int('expected how many tasks (an integer from 1 to 100000)')
        .min(1, 'expected how many tasks (an integer from 1 to 100000)')
        .max(100_000, 'expected at most 100000 tasks at once'),
      contactFlowId: z.string({ error: 'expected a contact flow id of this instance' }).optional(),
      queueId: z.string({ error: 'expected a queue id of this instance' }).optional(),
      name: z
        .string({ error: 'expected a task name (a string)' })
        .min(1, 'expected a task name (a non-empty string)')
        .max(512, 'expected a task name of at most 512 characters')
        .optional(),
    },
    { error: notAnObject('expected a JSON object { count, contactFlowId?, queueId?, name? }') },
  )
  .refine((input) => input.contactFlowId === undefined || input.queueId === undefined, {
    path: ['queueId'],
    message: 'expected contactFlowId or queueId, not both',
  });

export const PerSecondQuerySchema = z.object({
  operation: Operation.optional(),
});

export const StateQuerySchema = z.object({
  tasks: z.enum(['all', 'open', 'none'], { error: 'expected tasks=all, open or none' }).optional(),
  instanceId: z.string().optional(),
  log: z.coerce
    .number({ error: 'expected log=<how many entries>' })
    .int('expected log=<how many entries>')
    .min(0, 'expected log=<how many entries>')
    .optional(),
});

export const EventsQuerySchema = z.object({
  bus: z
    .string({ error: 'expected bus=<event bus name>' })
    .min(1, 'expected bus=<event bus name>')
    .default('default'),
});
