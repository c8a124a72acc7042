/**
 * `runs list` filters → a Temporal visibility query. Pure: validation names the option and what
 * was expected, and values are checked before they are quoted into the query, so a filter can
 * never change the query's shape.
 */
import { DURATION_EXAMPLES, parseDuration } from '../../policies/durations';
import { REMEDIATION_WORKFLOW_TYPE } from '../../workflows/definitions';
import {
  ConnectReasonCode,
  REMEDIATION_PHASES,
  RemediationPhase,
  type RemediationPhaseValue,
} from '../../workflows/search-attributes';

export interface RunFilters {
  phase?: RemediationPhaseValue;
  reason?: string;
  /** Only runs started within this many milliseconds before now. */
  sinceMs?: number;
}

export function parsePhase(value: string): RemediationPhaseValue {
  const phase = REMEDIATION_PHASES.find((p) => p === value);
  if (!phase) throw new Error(`expected one of ${REMEDIATION_PHASES.join(', ')}; got "${value}"`);
  return phase;
}

// AWS error codes are identifiers (ResourceNotFoundException, ThrottlingException, …).
const REASON_CODE = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

export function parseReason(value: string): string {
  if (!REASON_CODE.test(value))
    throw new Error(`expected a reason code such as ResourceNotFoundException; got "${value}"`);
  return value;
}

export function parseSince(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms === 0)
    throw new Error(`expected a duration such as ${DURATION_EXAMPLES}; got "${value}"`);
  return ms;
}

/** The visibility query for remediation runs matching `filters`, newest first by the server's order. */
export function runsQuery(filters: RunFilters, now: Date): string {
  const clauses = [`WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}'`];
  if (filters.phase) clauses.push(`${RemediationPhase.name} = "${filters.phase}"`);
  if (filters.reason) clauses.push(`${ConnectReasonCode.name} = "${parseReason(filters.reason)}"`);
  if (filters.sinceMs !== undefined)
    clauses.push(`StartTime >= "${new Date(now.getTime() - filters.sinceMs).toISOString()}"`);
  return clauses.join(' AND ');
}
