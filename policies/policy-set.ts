/** A loaded policy set as the matcher uses it: conditions compiled, settings resolved. Pure. */
import type { ApiBudgets, ApiRateLimits } from './api-budgets';
import type { PolicyRegex } from './regex';
import type { ChannelConfig, ResolvedPolicy } from './types';

/** The conditions of one policy; an absent condition matches everything. */
export interface CompiledConditions {
  reasonCode?: string[];
  actionType?: string[];
  triggerEvent?: string[];
  retryable?: boolean;
  instanceId?: string[];
  ruleId?: string[];
  /** RE2 semantics: linear-time matching over a capped text (./regex.ts). */
  errorMatches?: { pattern: string; regex: PolicyRegex }[];
}

export type ConditionName = keyof CompiledConditions;

export interface CompiledPolicy {
  /** Position in the file (0-based) and the line its entry starts on. */
  index: number;
  line: number;
  when: CompiledConditions;
  resolved: ResolvedPolicy;
}

export interface PolicySet {
  fileName: string;
  /** Short content hash of the file: which version of the policies decided a run. */
  hash: string;
  policies: CompiledPolicy[];
  channels: Record<string, ChannelConfig>;
  /** AWS's rate limits as the file states them (defaults filled in), and the engine's share. */
  apiRateLimits: ApiRateLimits;
  /** The engine's requests per second per AWS operation: rate × share. */
  apiBudgets: ApiBudgets;
}
