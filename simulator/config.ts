/** Simulator settings: AWS's defaults, and the schema `POST /_sim/config` validates against. */
import { z } from 'zod';
import { defaultRateLimits } from './rate-limits';
import { SIMULATED_OPERATIONS, type RateLimitsSetting, type SimulatorConfig } from './types';
import { notAnObject } from './validation';

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

export const DEFAULT_CONFIG: SimulatorConfig = {
  region: 'us-east-1',
  accountId: '123456789012',
  activeTaskQuota: 2500,
  linkedTasksLimit: 12,
  // Tasks expire 7 days after they start unless someone ends them (AWS's default expiry).
  taskLifetimeMs: SEVEN_DAYS_MS,
  clientTokenTtlMs: SEVEN_DAYS_MS,
  requestLogSize: 1000,
  eventsPerBusLimit: 10_000,
  knownEventBuses: null,
  rateLimits: defaultRateLimits('us-east-1'),
};

const MAX_RING_SIZE = 1_000_000;

const positiveInt = (what: string) =>
  z
    .number({ error: `expected ${what} (a positive integer)` })
    .int(`expected ${what} (an integer)`)
    .min(1, {
      error: `expected ${what} of at least 1`,
    });

const RateLimitSchema = z
  .strictObject(
    {
      rate: z
        .number({ error: 'expected calls per second (a number > 0)' })
        .positive('expected calls per second (a number > 0)'),
      burst: positiveInt('a burst size'),
    },
    { error: notAnObject('expected { rate, burst }, or null for no limit') },
  )
  .nullable();

const RATE_LIMITS_EXPECTED = `expected "off", "aws", or { <operation>: { rate, burst } | null } for operations ${SIMULATED_OPERATIONS.join(', ')}`;

const RateLimitsPerOperation = z
  .record(z.string(), RateLimitSchema, { error: RATE_LIMITS_EXPECTED })
  .superRefine((limits, ctx) => {
    for (const name of Object.keys(limits)) {
      if (!(SIMULATED_OPERATIONS as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `expected an operation: ${SIMULATED_OPERATIONS.join(', ')}`,
        });
      }
    }
  });

const RateLimitsSwitch = z.enum(['off', 'aws'], { error: RATE_LIMITS_EXPECTED });

/** A string switches every limit (off, or AWS's defaults); an object changes the operations it names. */
const RateLimitsSettingSchema = z.unknown().transform((value, ctx): RateLimitsSetting => {
  const parsed =
    typeof value === 'string' ? RateLimitsSwitch.safeParse(value) : RateLimitsPerOperation.safeParse(value);
  if (parsed.success) return parsed.data as RateLimitsSetting;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: value } as never);
  return z.NEVER;
});

export const ConfigPatchSchema = z
  .strictObject(
    {
      region: z.string({ error: 'expected an AWS region name' }).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
        error: 'expected an AWS region name such as us-east-1',
      }),
      accountId: z.string({ error: 'expected a 12-digit AWS account id' }).regex(/^\d{12}$/, {
        error: 'expected a 12-digit AWS account id',
      }),
      activeTaskQuota: z
        .number({ error: 'expected a task count (an integer >= 0)' })
        .int('expected a task count (an integer >= 0)')
        .min(0, 'expected a task count (an integer >= 0)'),
      linkedTasksLimit: positiveInt('a task count'),
      taskLifetimeMs: positiveInt('milliseconds').nullable(),
      clientTokenTtlMs: positiveInt('milliseconds'),
      // Ring buffers are allocated at this size: capped so a typo cannot take the memory.
      requestLogSize: positiveInt('a number of log entries').max(
        MAX_RING_SIZE,
        `expected at most ${MAX_RING_SIZE} entries`,
      ),
      eventsPerBusLimit: positiveInt('a number of events').max(
        MAX_RING_SIZE,
        `expected at most ${MAX_RING_SIZE} events`,
      ),
      knownEventBuses: z
        .array(z.string({ error: 'expected an event bus name' }).min(1, 'expected an event bus name'), {
          error: 'expected a list of event bus names, or null for any bus',
        })
        .nullable(),
      rateLimits: RateLimitsSettingSchema,
    },
    { error: notAnObject('expected a JSON object of simulator settings') },
  )
  .partial();

export type ConfigPatch = z.infer<typeof ConfigPatchSchema>;

/** Settings handed to startSimulator, checked like the admin API checks them. */
export function validateConfigPatch(input: unknown): ConfigPatch {
  const parsed = ConfigPatchSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`,
  );
  throw new Error(`Invalid simulator config: ${problems.join('; ')}`);
}
