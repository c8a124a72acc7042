/**
 * Checks one case: decides its event exactly as `policies explain` does (../decision.ts) and
 * compares what the case expects with what the decision is. Each mismatch carries the expected
 * and the actual value, in the cases file's own notation, and the policy-file lines that decided
 * the actual value (../origins.ts). Pure.
 */
import type { ConnectFailureEvent } from '../../events/types';
import { decideFailureEvent, type Decision } from '../decision';
import { durationMs } from '../durations';
import { additionalInfoOf } from '../facts';
import { describeMiss } from '../match';
import type { PolicyFileLines, SourceLine } from '../origins';
import type { PolicySet } from '../policy-set';
import type { CapacitySettings } from '../types';
import type { Expectations } from './schema';

export interface Mismatch {
  /** `attempts`, `capacity.maxWait`, `reissue.contactFlowId`, … */
  field: string;
  expected: string;
  actual: string;
  /** The policy-file lines that decided the actual value, in file order. */
  decidedBy: SourceLine[];
  /** What else explains the actual value (the event's retryDelay, a policy that does not exist). */
  hint?: string;
}

export interface CheckInput {
  event: ConnectFailureEvent;
  expect: Expectations;
  set: PolicySet;
  lines: PolicyFileLines;
}

export function checkCase(input: CheckInput): { decision: Decision; mismatches: Mismatch[] } {
  const decision = decideFailureEvent(input.set, input.event);
  const context = { ...input, decision, index: decision.match.index };
  const { expect } = input;
  const mismatches = [
    ...(expect.policy !== undefined ? checkPolicy(context, expect.policy) : []),
    ...(expect.strategy !== undefined ? checkStrategy(context, expect.strategy) : []),
    ...(expect.attempts !== undefined ? checkAttempts(context, expect.attempts) : []),
    ...(expect.delays !== undefined ? checkDelays(context, expect.delays) : []),
    ...(expect.escalateTo !== undefined ? checkChannels(context, expect.escalateTo) : []),
    ...(expect.capacity !== undefined ? checkCapacity(context, expect.capacity) : []),
    ...(expect.reissue !== undefined ? checkReissue(context, expect.reissue) : []),
  ];
  return { decision, mismatches };
}

type Context = CheckInput & { decision: Decision; index: number };

/** Durations as a cases file may write them back: the largest unit that is exact (80s, 10m, 28ms). */
export function compactDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const list = (items: readonly string[]) => `[${items.join(', ')}]`;

/** Most telling first; several settings on one line (a flow map) are shown once. */
function distinct(lines: SourceLine[]): SourceLine[] {
  const seen = new Set<number>();
  return lines.filter((line) => !seen.has(line.line) && seen.add(line.line));
}

function checkPolicy({ decision, set, lines, index }: Context, expected: string): Mismatch[] {
  const actual = decision.policy.name;
  if (actual === expected) return [];
  const trace = decision.match.trace;
  const misses = (name: string) => trace.find((miss) => miss.name === name)?.misses.map(describeMiss);
  const wanted = set.policies.find((candidate) => candidate.resolved.name === expected);
  const matched = lines.policy(index, 'matched first');
  let decidedBy = [matched];
  let hint: string | undefined;
  if (!wanted) hint = `there is no policy named ${expected} in ${lines.fileName}`;
  else if (wanted.index < index)
    decidedBy = [lines.policy(wanted.index, `did not match: ${misses(expected)?.join('; ')}`), matched];
  else decidedBy.push(lines.policy(wanted.index, `comes after ${actual}, so this event never reaches it`));
  return [{ field: 'policy', expected, actual, decidedBy: distinct(decidedBy), ...(hint ? { hint } : {}) }];
}

function checkStrategy({ decision, lines, index }: Context, expected: string): Mismatch[] {
  const actual = decision.policy.strategy;
  if (actual === expected) return [];
  return [{ field: 'strategy', expected, actual, decidedBy: [lines.setting(index, ['then'])] }];
}

/** Why the plan holds no re-issue, in words and lines. */
function noRetries({ decision, lines, index, event }: Context): { hint: string; decidedBy: SourceLine[] } {
  const { move } = decision;
  if (move.kind === 'escalate' && move.because === 'not-retryable')
    return {
      hint: 'AWS marked the error retryable: false and the policy does not set retryEvenIfNotRetryable',
      decidedBy: [lines.setting(index, ['then']), lines.setting(index, ['retryEvenIfNotRetryable'])],
    };
  if (move.kind === 'escalate' && move.because === 'not-reissuable')
    return {
      hint: `${event.detail.actionType} actions cannot be re-issued`,
      decidedBy: [lines.setting(index, ['then'])],
    };
  if (move.kind === 'wait-for-capacity')
    return {
      hint: 'it waits for capacity, then escalates',
      decidedBy: [lines.setting(index, ['then']), lines.setting(index, ['capacity', 'then'])],
    };
  const hint =
    move.kind === 'ignore'
      ? 'an ignored failure is not re-issued'
      : 'the policy escalates without re-issuing';
  return { hint, decidedBy: [lines.setting(index, ['then'])] };
}

function checkAttempts(context: Context, expected: number): Mismatch[] {
  const { decision, lines, index } = context;
  const schedule = decision.retrySchedule;
  const actual = schedule?.attempts.length ?? 0;
  if (actual === expected) return [];
  const why = schedule
    ? {
        decidedBy: [lines.setting(index, ['retry', 'maximumAttempts']), lines.setting(index, ['deadline'])],
        ...(schedule.endsBy === 'deadline'
          ? { hint: `the deadline ends the plan before attempt ${schedule.firstCutAttempt}` }
          : {}),
      }
    : noRetries(context);
  return [
    {
      field: 'attempts',
      expected: String(expected),
      actual: String(actual),
      ...why,
      decidedBy: distinct(why.decidedBy),
    },
  ];
}

function checkDelays(context: Context, expected: string[]): Mismatch[] {
  const { decision, lines, index, event } = context;
  const actualMs = decision.retrySchedule?.attempts.map((attempt) => attempt.delayMs) ?? [];
  const expectedMs = expected.map(durationMs);
  if (actualMs.length === expectedMs.length && actualMs.every((ms, i) => ms === expectedMs[i])) return [];
  const hintMs = additionalInfoOf(event).retryDelay;
  // A different count is decided by maximumAttempts or the deadline; different waits by the intervals.
  const count =
    actualMs.length === expectedMs.length
      ? []
      : [lines.setting(index, ['retry', 'maximumAttempts']), lines.setting(index, ['deadline'])];
  const why = decision.retrySchedule
    ? {
        decidedBy: [
          ...count,
          ...['initialInterval', 'backoffCoefficient', 'maximumInterval'].map((key) =>
            lines.setting(index, ['retry', key]),
          ),
          ...(hintMs !== undefined ? [lines.setting(index, ['retry', 'honorRetryDelay'])] : []),
        ],
        ...(hintMs !== undefined
          ? { hint: `the event's additionalInfo.retryDelay is ${compactDuration(Math.ceil(hintMs))}` }
          : {}),
      }
    : noRetries(context);
  return [
    {
      field: 'delays',
      expected: list(expectedMs.map(compactDuration)),
      actual: list(actualMs.map(compactDuration)),
      ...why,
      decidedBy: distinct(why.decidedBy),
    },
  ];
}

function checkChannels({ decision, lines, index }: Context, expected: string | string[]): Mismatch[] {
  const wanted = [...(Array.isArray(expected) ? expected : [expected])].sort();
  const ignored = decision.move.kind === 'ignore';
  const actual = ignored ? [] : decision.policy.escalateTo.map((channel) => channel.name);
  if (JSON.stringify([...actual].sort()) === JSON.stringify(wanted)) return [];
  return [
    {
      field: 'escalateTo',
      expected: list(wanted),
      actual: list(actual),
      decidedBy: [lines.setting(index, ignored ? ['then'] : ['escalateTo'])],
      ...(ignored ? { hint: 'an ignored failure escalates to nobody' } : {}),
    },
  ];
}

type CapacityExpectation = NonNullable<Expectations['capacity']>;
/** Settings of the instance, not of the matched policy (see ../instance-capacity.ts). */
const INSTANCE_SETTINGS = new Set(['source', 'quota', 'fallbackQuota', 'queues']);

function capacityValue(capacity: CapacitySettings, key: keyof CapacityExpectation): string {
  switch (key) {
    case 'maxWait':
      return capacity.maxWait;
    case 'livenessCheck':
      return capacity.livenessCheck ?? 'none';
    case 'quota':
      return capacity.quotaAuto ? 'auto' : String(capacity.quota ?? 'none');
    case 'fallbackQuota':
      return capacity.quotaAuto ? String(capacity.quota) : 'none (quota is a number)';
    case 'queues':
      return capacity.queues ? list(capacity.queues) : 'every queue of the instance';
    case 'priority':
      return capacity.priority === undefined ? 'none' : String(capacity.priority);
    default:
      return String(capacity[key]);
  }
}

function capacityEqual(
  capacity: CapacitySettings,
  key: keyof CapacityExpectation,
  expected: unknown,
): boolean {
  switch (key) {
    case 'maxWait':
      return durationMs(capacity.maxWait) === durationMs(expected as string);
    case 'livenessCheck':
      return (
        capacity.livenessCheck !== undefined &&
        durationMs(capacity.livenessCheck) === durationMs(expected as string)
      );
    case 'quota':
      return expected === 'auto'
        ? capacity.quotaAuto === true
        : !capacity.quotaAuto && capacity.quota === expected;
    case 'fallbackQuota':
      return capacity.quotaAuto === true && capacity.quota === expected;
    case 'queues':
      return (
        JSON.stringify([...(capacity.queues ?? [])].sort()) ===
        JSON.stringify([...(expected as string[])].sort())
      );
    default:
      return capacity[key] === expected;
  }
}

const written = (value: unknown) => (Array.isArray(value) ? list(value.map(String)) : String(value));

function checkCapacity(context: Context, expected: CapacityExpectation): Mismatch[] {
  const { decision, lines, index, set } = context;
  const capacity = decision.move.kind === 'wait-for-capacity' ? decision.policy.capacity : undefined;
  if (!capacity) {
    return [
      {
        field: 'capacity',
        expected: JSON.stringify(expected),
        actual: 'none: the run does not wait for capacity',
        decidedBy: [lines.setting(index, ['then'])],
        ...(decision.policy.strategy === 'wait-for-capacity'
          ? { hint: `only CREATE_TASK waits for task capacity; this is ${context.event.detail.actionType}` }
          : {}),
      },
    ];
  }
  const owner =
    set.policies.find((candidate) => candidate.resolved.name === capacity.settingsFrom)?.index ?? index;
  return (Object.keys(expected) as (keyof CapacityExpectation)[]).flatMap((key) =>
    capacityEqual(capacity, key, expected[key])
      ? []
      : [
          {
            field: `capacity.${key}`,
            expected: written(expected[key]),
            actual: capacityValue(capacity, key),
            decidedBy: [lines.setting(INSTANCE_SETTINGS.has(key) ? owner : index, ['capacity', key])],
            ...(INSTANCE_SETTINGS.has(key) && owner !== index
              ? { hint: `the instance's capacity setting comes from policy ${capacity.settingsFrom}` }
              : {}),
          },
        ],
  );
}

function checkReissue({ decision, lines, index }: Context, expected: Record<string, unknown>): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const compare = (path: string[], want: unknown, have: unknown) => {
    if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
      for (const [key, value] of Object.entries(want))
        compare([...path, key], value, (have as Record<string, unknown> | undefined)?.[key]);
    } else if (want !== have) {
      mismatches.push({
        field: ['reissue', ...path].join('.'),
        expected: written(want),
        actual: have === undefined ? 'not set' : written(have),
        decidedBy: [lines.setting(index, ['reissue', ...path])],
      });
    }
  };
  compare([], expected, decision.policy.reissue);
  return mismatches;
}
