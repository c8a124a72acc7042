/**
 * Turns a schema-valid policy file into a PolicySet: built-in defaults ← file defaults ← policy,
 * channels resolved by name, conditions compiled. Reports the problems only visible after merging
 * (no channel to escalate to, an initial interval above the maximum). Pure.
 */
import {
  BUILTIN_INCIDENT,
  AWS_DEFAULT_ACTIVE_TASK_QUOTA,
  BUILTIN_CAPACITY,
  BUILTIN_DEADLINE,
  BUILTIN_OPERATOR_WAIT,
  BUILTIN_RETRY,
  BUILTIN_RETRY_EVEN_IF_NOT_RETRYABLE,
} from './builtin-defaults';
import { apiBudgets, apiRateLimits, type ApiBudgets } from './api-budgets';
import { durationMs } from './durations';
import type { PolicyIssue, PolicyPath } from './errors';
import { compilePolicyRegex, type PolicyRegex } from './regex';
import type { CompiledConditions, CompiledPolicy, PolicySet } from './policy-set';
import type { ChannelEntry, PolicyConditions, PolicyDefaults, PolicyEntry, PolicyFile } from './schema';
import type {
  ChannelConfig,
  IncidentSettings,
  ReissueOverrides,
  ResolvedPolicy,
  RetrySettings,
} from './types';

export const listOf = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** Only the fields ChannelConfig defines (the file's `description` stays in the file). */
function channelConfig(name: string, entry: ChannelEntry): ChannelConfig {
  switch (entry.type) {
    case 'eventbridge':
      return { name, type: entry.type, eventBusName: entry.eventBusName, ...opt('source', entry.source) };
    case 'connect-task':
      return {
        name,
        type: entry.type,
        contactFlowId: entry.contactFlowId,
        ...opt('instanceId', entry.instanceId),
      };
    case 'webhook':
      return {
        name,
        type: entry.type,
        ...opt('url', entry.url),
        ...opt('urlEnv', entry.urlEnv),
        ...opt('secretEnv', entry.secretEnv),
      };
  }
}

/** `{ key: value }` when the value is set, `{}` otherwise (keeps undefined out of history payloads). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** The schema refused every pattern the engine cannot take, so compiling cannot fail here. */
function compiled(pattern: string): PolicyRegex {
  const result = compilePolicyRegex(pattern);
  if (!result.ok)
    throw new Error(`errorMatches ${JSON.stringify(pattern)} passed validation: ${result.problem}`);
  return result.regex;
}

function compileConditions(when: PolicyConditions): CompiledConditions {
  return {
    ...opt('reasonCode', listOf(when.reasonCode)),
    ...opt('actionType', listOf(when.actionType)),
    ...opt('triggerEvent', listOf(when.triggerEvent)),
    ...opt('retryable', when.retryable),
    ...opt('instanceId', listOf(when.instanceId)),
    ...opt('ruleId', listOf(when.ruleId)),
    ...opt(
      'errorMatches',
      listOf(when.errorMatches)?.map((pattern) => ({ pattern, regex: compiled(pattern) })),
    ),
  };
}

function mergeReissue(base: ReissueOverrides = {}, own: ReissueOverrides = {}): ReissueOverrides {
  const merged: ReissueOverrides = { ...base, ...own };
  if (base.attributes || own.attributes) merged.attributes = { ...base.attributes, ...own.attributes };
  if (base.references || own.references) merged.references = { ...base.references, ...own.references };
  return merged;
}

function intervalIssue(retry: RetrySettings, path: PolicyPath): PolicyIssue[] {
  return durationMs(retry.initialInterval) > durationMs(retry.maximumInterval)
    ? [
        {
          path,
          message: `initialInterval (${retry.initialInterval}) is longer than maximumInterval (${retry.maximumInterval}): expected initialInterval <= maximumInterval`,
        },
      ]
    : [];
}

function resolveEntry(
  entry: PolicyEntry,
  index: number,
  defaults: PolicyDefaults,
  channels: Record<string, ChannelConfig>,
  hash: string,
  budgets: ApiBudgets,
): { resolved: ResolvedPolicy; issues: PolicyIssue[] } {
  const path = ['policies', index];
  const issues: PolicyIssue[] = [];
  const retry: RetrySettings = { ...BUILTIN_RETRY, ...defaults.retry, ...entry.retry };
  if (entry.retry?.initialInterval !== undefined || entry.retry?.maximumInterval !== undefined) {
    issues.push(...intervalIssue(retry, [...path, 'retry']));
  }
  const channelNames = listOf(entry.escalateTo) ?? listOf(defaults.escalateTo) ?? [];
  if (entry.then !== 'ignore' && channelNames.length === 0) {
    issues.push({
      path: [...path, 'then'],
      message: `"${entry.then}" can end in an escalation but no channel is named: expected escalateTo here or in defaults`,
    });
  }
  const deadline = entry.deadline ?? defaults.deadline ?? BUILTIN_DEADLINE;
  const operatorWait = entry.operatorWait ?? defaults.operatorWait ?? BUILTIN_OPERATOR_WAIT;
  const capacity =
    entry.then === 'wait-for-capacity'
      ? capacityQuota(
          { ...BUILTIN_CAPACITY, ...defaults.capacity, ...entry.capacity },
          entry.capacity?.quota ?? defaults.capacity?.quota,
        )
      : undefined;
  const resolved: ResolvedPolicy = {
    name: entry.name,
    ...opt('description', entry.description),
    setHash: hash,
    strategy: entry.then,
    retry,
    deadline,
    deadlineMs: durationMs(deadline),
    retryNonRetryable:
      entry.retryEvenIfNotRetryable ??
      defaults.retryEvenIfNotRetryable ??
      BUILTIN_RETRY_EVEN_IF_NOT_RETRYABLE,
    ...opt(
      'capacity',
      capacity && {
        ...capacity,
        maxWaitMs: durationMs(capacity.maxWait),
        livenessCheckMs: durationMs(capacity.livenessCheck ?? BUILTIN_CAPACITY.livenessCheck!),
        grantsPerSecond: budgets.StartTaskContact,
      },
    ),
    // Unknown names were reported by the semantic checks, so every name resolves here.
    escalateTo: channelNames.flatMap((name) => (channels[name] ? [channels[name]] : [])),
    ...opt('fallback', defaults.fallbackChannel ? channels[defaults.fallbackChannel] : undefined),
    ...opt('incident', incidentSettings(defaults.incident, entry.incident)),
    operatorWait,
    operatorWaitMs: durationMs(operatorWait),
    reissue: mergeReissue(defaults.reissue, entry.reissue),
  };
  return { resolved, issues };
}

export function resolvePolicySet(
  file: PolicyFile,
  source: { fileName: string; hash: string; lineOf: (path: PolicyPath) => number },
): { set: PolicySet; issues: PolicyIssue[] } {
  const defaults = file.defaults ?? {};
  const channels: Record<string, ChannelConfig> = {};
  for (const [name, entry] of Object.entries(file.channels ?? {}))
    channels[name] = channelConfig(name, entry);

  const issues = intervalIssue({ ...BUILTIN_RETRY, ...defaults.retry }, ['defaults', 'retry']);
  const limits = apiRateLimits(file.apiRateLimits);
  const budgets = apiBudgets(limits);
  const policies: CompiledPolicy[] = file.policies.map((entry, index) => {
    const { resolved, issues: entryIssues } = resolveEntry(
      entry,
      index,
      defaults,
      channels,
      source.hash,
      budgets,
    );
    issues.push(...entryIssues);
    return { index, line: source.lineOf(['policies', index]), when: compileConditions(entry.when), resolved };
  });
  return {
    set: {
      fileName: source.fileName,
      hash: source.hash,
      policies,
      channels,
      apiRateLimits: limits,
      apiBudgets: budgets,
    },
    issues,
  };
}

/**
 * The quota the file asked for (`fromFile`): `auto` — or nothing, auto being the default — becomes
 * the fallback (`fallbackQuota`, else AWS's default), marked to be read from CloudWatch; a number
 * is used as it is.
 */
function capacityQuota<T extends { quota?: number | 'auto'; quotaAuto?: boolean; fallbackQuota?: number }>(
  capacity: T,
  fromFile: number | 'auto' | undefined,
): Omit<T, 'quota' | 'quotaAuto' | 'fallbackQuota'> & { quota?: number; quotaAuto?: boolean } {
  const { quota: _merged, quotaAuto: _builtin, fallbackQuota, ...rest } = capacity;
  if (fromFile === 'auto' || fromFile === undefined) {
    return { ...rest, quota: fallbackQuota ?? AWS_DEFAULT_ACTIVE_TASK_QUOTA, quotaAuto: true };
  }
  return { ...rest, quota: fromFile };
}

type IncidentEntry = NonNullable<PolicyDefaults['incident']>;

/** Incidents are on unless the policy (or the defaults) says `incident: false`; fields merge one by one. */
function incidentSettings(
  defaults: IncidentEntry | undefined,
  entry: IncidentEntry | undefined,
): IncidentSettings | undefined {
  if (entry === false || (entry === undefined && defaults === false)) return undefined;
  const merged = { ...(defaults || {}), ...(entry || {}) };
  return {
    groupBy: merged.groupBy ?? [...BUILTIN_INCIDENT.groupBy],
    windowMs: durationMs(merged.window ?? BUILTIN_INCIDENT.window),
    updateEveryMs: durationMs(merged.updateEvery ?? BUILTIN_INCIDENT.updateEvery),
    maxUpdates: merged.maxUpdates ?? BUILTIN_INCIDENT.maxUpdates,
  };
}
