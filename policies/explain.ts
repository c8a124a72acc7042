/**
 * `policies explain`: what the engine will do with an event, in words — the matching policy, why
 * each earlier one did not match, the effective settings and the planned attempts. Pure: it uses
 * the same decision as `policies test` and `policies diff` (./decision.ts: the workflow's matcher,
 * opening move and schedule arithmetic), so the plan is the real one.
 */
import { AWS_OPERATIONS } from './api-budgets';
import { decideEvent, type Decision } from './decision';
import { formatDuration } from './durations';
import { describeMiss, type MatchResult } from './match';
import type { PolicySet } from './policy-set';
import type { PlannedAttempt, PlannedSchedule } from './schedule';
import type { ChannelConfig, MatchFacts, ResolvedPolicy, RetrySettings } from './types';

export interface ExplainInput {
  set: PolicySet;
  facts: MatchFacts;
  eventId?: string;
  /** additionalInfo.retryDelay of the event (ms), honoured when the policy says so. */
  retryHintMs?: number;
}

/** At most this many attempt rows; longer plans show the first and last ones. */
const MAX_ROWS = 14;

export function explainEvent(input: ExplainInput): { match: MatchResult; lines: string[] } {
  const decision = decideEvent(input);
  const { match } = decision;
  const lines = [
    ...eventSection(input),
    '',
    `Policy set ${input.set.fileName} (hash ${input.set.hash}, ${input.set.policies.length} policies)`,
    '',
    ...skippedSection(match),
    `Matched: ${match.policy.name} (${input.set.fileName}:${match.line})`,
    ...settingsSection(match.policy),
    '',
    'Plan',
    ...planSection(decision, input.facts).map((line) => `  ${line}`),
    '',
    ...rateSection(input.set),
  ];
  return { match, lines };
}

/** The engine's AWS budgets: what a storm drains at, whatever the quota. */
function rateSection(set: PolicySet): string[] {
  const { share, rates } = set.apiRateLimits;
  const rows = AWS_OPERATIONS.map(
    (op) =>
      `  ${`${op}:`.padEnd(22)}${round(set.apiBudgets[op])}/s (${Math.round(share * 100)}% of ${rates[op]}/s)`,
  );
  const perTask = set.apiBudgets.StartTaskContact;
  return [
    'AWS API budgets (apiRateLimits: all workers together; the rest of each limit is left to other callers)',
    ...rows,
    `  → re-issued tasks at most ${round(perTask)}/s: a storm of 10,000 needs at least ${formatDuration((10_000 / perTask) * 1000)}`,
  ];
}

const round = (n: number) => Math.round(n * 100) / 100;

function eventSection({ facts, eventId, retryHintMs }: ExplainInput): string[] {
  const retryable = facts.retryable === undefined ? 'unknown' : String(facts.retryable);
  const hint = retryHintMs === undefined ? 'none' : formatDuration(retryHintMs);
  return [
    `Event ${eventId ?? '(no id)'}`,
    `  ${facts.actionType} failed with ${facts.reasonCode} (trigger ${facts.triggerEvent})`,
    `  error: ${JSON.stringify(facts.error)}`,
    `  instance ${facts.instanceId || '(unknown)'}, rule ${facts.ruleId}`,
    `  additionalInfo: retryable ${retryable}, retryDelay ${hint}`,
  ];
}

function skippedSection(match: MatchResult): string[] {
  if (match.trace.length === 0) return [];
  return [
    'Not matched (checked in file order)',
    ...match.trace.map(
      (miss) => `  ${miss.name} (line ${miss.line}): ${miss.misses.map(describeMiss).join('; ')}`,
    ),
    '',
  ];
}

export function describeChannel(channel: ChannelConfig): string {
  switch (channel.type) {
    case 'eventbridge':
      return `${channel.name} (EventBridge bus ${channel.eventBusName})`;
    case 'connect-task':
      return `${channel.name} (Connect task, flow ${channel.contactFlowId})`;
    case 'webhook':
      // A URL from urlEnv is a credential: named by its variable, never shown.
      return `${channel.name} (webhook ${channel.url ?? `URL from $${channel.urlEnv}`}${channel.secretEnv ? `, token from $${channel.secretEnv}` : ''})`;
  }
}

export function describeRetry(retry: RetrySettings): string {
  const growth =
    retry.backoffCoefficient === 1
      ? `every ${retry.initialInterval}`
      : `${retry.initialInterval} ×${retry.backoffCoefficient} up to ${retry.maximumInterval}`;
  return [
    growth,
    `${retry.maximumAttempts} attempt(s)`,
    `jitter ±${Math.round(retry.jitter * 100)}%`,
    retry.honorRetryDelay ? "honours AWS's retryDelay" : "ignores AWS's retryDelay",
  ].join(', ');
}

function settingsSection(policy: ResolvedPolicy): string[] {
  const rows: [string, string][] = [
    ['then', policy.strategy],
    ['escalateTo', policy.escalateTo.map(describeChannel).join(', ') || '(none)'],
    ['retry', describeRetry(policy.retry)],
    ['deadline', policy.deadline],
    ['operatorWait', policy.operatorWait],
    ['retryEvenIfNotRetryable', String(policy.retryNonRetryable)],
  ];
  if (policy.capacity) {
    const { maxWait, then, source, quota, quotaAuto, priority, queues, settingsFrom } = policy.capacity;
    const extras = [
      quota === undefined
        ? ''
        : quotaAuto
          ? `, quota auto: read from CloudWatch, ${quota} when it cannot tell`
          : `, quota ${quota}`,
      queues === undefined ? '' : `, ${queues.length} queue(s)`,
      priority === undefined ? '' : `, priority ${priority}`,
      settingsFrom && settingsFrom !== policy.name
        ? `; the instance's setting comes from policy ${settingsFrom}`
        : '',
    ];
    rows.push(['capacity', `wait up to ${maxWait} (source ${source}${extras.join('')}), then ${then}`]);
  }
  if (Object.keys(policy.reissue).length) rows.push(['reissue', JSON.stringify(policy.reissue)]);
  const width = Math.max(...rows.map(([key]) => key.length));
  return [
    ...(policy.description ? [`  ${policy.description}`] : []),
    ...rows.map(([key, value]) => `  ${`${key}:`.padEnd(width + 2)}${value}`),
  ];
}

function escalationLine(policy: ResolvedPolicy): string {
  const channels = policy.escalateTo.map((channel) => channel.name).join(', ');
  return `escalate to ${channels}, then wait up to ${policy.operatorWait} for an operator (retry | resolve | abandon)`;
}

function planSection({ policy, move, retrySchedule }: Decision, facts: MatchFacts): string[] {
  switch (move.kind) {
    case 'ignore':
      return ['record the failure and end: no re-issue, no escalation'];
    case 'escalate':
      if (move.because === 'policy') return [`${escalationLine(policy)}; no re-issue before that`];
      if (move.because === 'not-reissuable')
        return [`${facts.actionType} actions cannot be re-issued, so: ${escalationLine(policy)}`];
      return [
        'AWS marked this error retryable: false and the policy does not set retryEvenIfNotRetryable,',
        `so there is no re-issue: ${escalationLine(policy)}`,
      ];
    case 'wait-for-capacity': {
      const capacity = policy.capacity!;
      const first = `wait up to ${capacity.maxWait} for task capacity (${capacity.source}), then re-issue the action`;
      if (!retrySchedule) return [first, `no capacity by then: ${escalationLine(policy)}`];
      return [first, 'no capacity by then: re-issue on this schedule', ...retryPlan(policy, retrySchedule)];
    }
    case 'retry':
      return retryPlan(policy, retrySchedule!);
  }
}

function retryPlan(policy: ResolvedPolicy, schedule: PlannedSchedule): string[] {
  const header = ['attempt', 'wait before it', 'at (after the failure)'];
  const rows = schedule.attempts.map((attempt) => attemptRow(attempt));
  const shown =
    rows.length > MAX_ROWS ? [...rows.slice(0, MAX_ROWS - 3), ['…', '', ''], ...rows.slice(-2)] : rows;
  const widths = header.map((title, column) =>
    Math.max(title.length, ...shown.map((row) => row[column]!.length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const lines = [format(header), ...shown.map(format)];
  if (schedule.attempts.some((attempt) => attempt.mayMissDeadline)) {
    lines.push('* may fall after the deadline, depending on jitter (then it does not happen)');
  }
  lines.push(
    schedule.endsBy === 'maximumAttempts'
      ? `ends after ${schedule.maximumAttempts} attempt(s) (maximumAttempts) within the ${policy.deadline} deadline`
      : `the ${policy.deadline} deadline ends it before attempt ${schedule.firstCutAttempt} (maximumAttempts ${schedule.maximumAttempts})`,
    `if every attempt fails: ${escalationLine(policy)}`,
  );
  return lines;
}

function attemptRow(attempt: PlannedAttempt): string[] {
  const range =
    attempt.minDelayMs === attempt.maxDelayMs
      ? ''
      : ` (${formatDuration(attempt.minDelayMs)}–${formatDuration(attempt.maxDelayMs)})`;
  const at =
    attempt.earliestAtMs === attempt.latestAtMs
      ? formatDuration(attempt.earliestAtMs)
      : `${formatDuration(attempt.earliestAtMs)}–${formatDuration(attempt.latestAtMs)}`;
  return [
    String(attempt.attempt),
    `${formatDuration(attempt.delayMs)}${range}`,
    `${at}${attempt.mayMissDeadline ? ' *' : ''}`,
  ];
}
