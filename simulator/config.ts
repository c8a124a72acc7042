/** Simulator settings: AWS's defaults, and the schema `POST /_sim/config` validates against. */
import { z } from 'zod';
import type { SimulatorConfig } from './types';
import { notAnObject } from './validation';

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

export const DEFAULT_CONFIG: SimulatorConfig = {
  region: 'us-east-1',
  accountId: '123456789012',
  activeTaskQuota: 2500,
  linkedTasksLimit: 12,
  taskLifetimeMs: null,
  clientTokenTtlMs: SEVEN_DAYS_MS,
  requestLogSize: 1000,
  eventsPerBusLimit: 10_000,
  knownEventBuses: null,
};

const MAX_RING_SIZE = 1_000_000;

const positiveInt = (what: string) =>
  z
    .number({ error: `expected ${what} (a positive integer)` })
    .int(`expected ${what} (an integer)`)
    .min(1, {
      error: `expected ${what} of at least 1`,
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
