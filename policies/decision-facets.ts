/**
 * A decision reduced to the facets of treatment people compare: which policy, which strategy, the
 * retry schedule, who is told, how long an operator has, incident grouping, the capacity wait and
 * the re-issue overrides. Each facet has a normalized value (durations in ms, keys sorted) so that
 * two policy files writing the same thing differently ("7d" and "168h") compare equal, and a text
 * for people. `policies diff` groups events by these and names the facets that differ. Pure.
 */
import type { Decision } from './decision';
import { durationMs, formatDuration } from './durations';
import { describeChannel } from './explain';

export const FACETS = [
  'policy',
  'strategy',
  'schedule',
  'channels',
  'operatorWait',
  'incident',
  'capacity',
  'reissue',
] as const;
export type Facet = (typeof FACETS)[number];

export interface FacetValue {
  /** What is compared (JSON-safe, canonical). */
  value: unknown;
  text: string;
}

export type DecisionFacets = Record<Facet, FacetValue>;

/** Schedules longer than this show their first delays, an ellipsis and the last one. */
const MAX_DELAYS_SHOWN = 8;

export function decisionFacets(decision: Decision): DecisionFacets {
  const { policy, move } = decision;
  const ignored = move.kind === 'ignore';
  const none = (why: string): FacetValue => ({ value: null, text: `none (${why})` });
  return {
    policy: { value: policy.name, text: policy.name },
    strategy: { value: policy.strategy, text: policy.strategy },
    schedule: scheduleFacet(decision),
    channels: ignored ? none('ignored') : channelsFacet(decision),
    operatorWait: ignored
      ? none('ignored')
      : facet(policy.operatorWaitMs ?? durationMs(policy.operatorWait), (ms) => formatDuration(ms)),
    incident: ignored ? none('ignored') : incidentFacet(decision),
    capacity: move.kind === 'wait-for-capacity' ? capacityFacet(decision) : none('no capacity wait'),
    reissue: reissueFacet(decision),
  };
}

const facet = <T>(value: T, text: (value: T) => string): FacetValue => ({ value, text: text(value) });

function scheduleFacet({ policy, move, retrySchedule }: Decision): FacetValue {
  if (!retrySchedule) {
    const because =
      move.kind === 'ignore'
        ? 'ignored'
        : move.kind === 'wait-for-capacity'
          ? 'waits for capacity, then escalates'
          : move.kind === 'escalate' && move.because === 'not-retryable'
            ? 'AWS marked it retryable: false'
            : move.kind === 'escalate' && move.because === 'not-reissuable'
              ? 'the action cannot be re-issued'
              : 'the policy escalates';
    return { value: { none: because }, text: `none: ${because}` };
  }
  const value = {
    afterCapacityWait: move.kind === 'wait-for-capacity',
    delaysMs: retrySchedule.attempts.map((attempt) => attempt.delayMs),
    jitter: policy.retry.jitter,
    deadlineMs: retrySchedule.deadlineMs,
  };
  const delays = value.delaysMs.map((ms) => formatDuration(ms));
  const shown =
    delays.length > MAX_DELAYS_SHOWN
      ? [...delays.slice(0, MAX_DELAYS_SHOWN - 2), '…', delays.at(-1)!]
      : delays;
  const text = [
    value.afterCapacityWait ? 'after the capacity wait, ' : '',
    `${delays.length} attempt(s)`,
    delays.length ? `: ${shown.join(', ')}` : '',
    ` (±${Math.round(value.jitter * 100)}%), deadline ${formatDuration(value.deadlineMs)}`,
  ].join('');
  return { value, text };
}

function channelsFacet({ policy }: Decision): FacetValue {
  const escalateTo = policy.escalateTo.map(describeChannel);
  const fallback = policy.fallback ? describeChannel(policy.fallback) : undefined;
  return {
    value: { escalateTo, fallback: fallback ?? null },
    text: `${escalateTo.join(', ') || 'none'}${fallback ? `; fallback ${fallback}` : ''}`,
  };
}

function incidentFacet({ policy }: Decision): FacetValue {
  const incident = policy.incident;
  if (!incident) return { value: 'off', text: 'off (each run escalates on its own)' };
  const value = {
    groupBy: incident.groupBy,
    windowMs: incident.windowMs,
    updateEveryMs: incident.updateEveryMs,
    maxUpdates: incident.maxUpdates,
  };
  return {
    value,
    text: `by ${value.groupBy.join(', ')}; window ${formatDuration(value.windowMs)}, updates every ${formatDuration(value.updateEveryMs)}, at most ${value.maxUpdates}`,
  };
}

function capacityFacet({ policy }: Decision): FacetValue {
  const capacity = policy.capacity!;
  const value = {
    maxWaitMs: capacity.maxWaitMs ?? durationMs(capacity.maxWait),
    then: capacity.then,
    source: capacity.source,
    quota: capacity.quotaAuto ? 'auto' : (capacity.quota ?? null),
    fallbackQuota: capacity.quotaAuto ? (capacity.quota ?? null) : null,
    queues: capacity.queues ?? null,
    priority: capacity.priority ?? null,
    livenessCheckMs: capacity.livenessCheckMs ?? null,
    grantsPerSecond: capacity.grantsPerSecond ?? null,
  };
  const quota =
    value.quota === 'auto'
      ? `quota auto (${value.fallbackQuota} until CloudWatch tells)`
      : `quota ${value.quota}`;
  const text = [
    `wait up to ${formatDuration(value.maxWaitMs)}, then ${value.then}`,
    `source ${value.source}, ${quota}`,
    ...(value.queues ? [`${value.queues.length} queue(s)`] : []),
    ...(value.priority !== null ? [`priority ${value.priority}`] : []),
    ...(value.livenessCheckMs !== null ? [`liveness check ${formatDuration(value.livenessCheckMs)}`] : []),
    ...(value.grantsPerSecond !== null ? [`at most ${value.grantsPerSecond} grant(s)/s`] : []),
  ].join('; ');
  return { value, text };
}

function reissueFacet({ policy }: Decision): FacetValue {
  const value = sortedKeys(policy.reissue);
  const text = Object.keys(policy.reissue).length ? JSON.stringify(value) : 'none';
  return { value, text };
}

/** Objects with their keys in order, recursively: equal content gives equal JSON. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}

/** One string per distinct treatment: events with equal keys are treated alike. */
export function facetsKey(facets: DecisionFacets): string {
  return JSON.stringify(FACETS.map((name) => facets[name].value));
}

export function differingFacets(before: DecisionFacets, after: DecisionFacets): Facet[] {
  return FACETS.filter((name) => JSON.stringify(before[name].value) !== JSON.stringify(after[name].value));
}

/** `transient (retry)`: how a treatment is named in a heading. */
export function facetsLabel(facets: DecisionFacets): string {
  return `${facets.policy.text} (${facets.strategy.text})`;
}
