/** `runs list`: remediation runs from the visibility store, one row each. */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  ConnectActionType,
  ConnectReasonCode,
  RemediationPhase,
  RemediationPolicy,
} from '../../workflows/search-attributes';
import { formatTable } from './format-table';
import { formatAge, formatTimestamp } from './format-time';

export interface RunRow {
  workflowId: string;
  runId: string;
  reason?: string;
  action?: string;
  phase?: string;
  policy?: string;
  /** Re-issue attempts so far (memo, so listing never has to ask each run). */
  attempts: number;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  status: string;
  startedAt: string;
  closedAt?: string;
}

export function toRunRow(info: WorkflowExecutionInfo): RunRow {
  const attributes = info.typedSearchAttributes;
  const attempts = info.memo?.attempts;
  const row: RunRow = {
    workflowId: info.workflowId,
    runId: info.runId,
    attempts: typeof attempts === 'number' ? attempts : 0,
    status: info.status.name,
    startedAt: info.startTime.toISOString(),
  };
  const reason = attributes.get(ConnectReasonCode);
  const action = attributes.get(ConnectActionType);
  const phase = attributes.get(RemediationPhase);
  const policy = attributes.get(RemediationPolicy);
  if (reason) row.reason = reason;
  if (action) row.action = action;
  if (phase) row.phase = phase;
  if (policy) row.policy = policy;
  if (info.closeTime) row.closedAt = info.closeTime.toISOString();
  return row;
}

/** Up to `limit` runs matching `query`, in the visibility store's order (newest first). */
export async function listRuns(client: Client, query: string, limit: number): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    rows.push(toRunRow(info));
    if (rows.length >= limit) break;
  }
  return rows;
}

const HEADER = ['WORKFLOW ID', 'REASON', 'ACTION', 'PHASE', 'ATTEMPTS', 'AGE'];

/**
 * The table `runs list` prints. A run that ended abnormally (terminated, timed out, failed) shows
 * that status instead of its last phase, which would otherwise claim it is still in progress.
 */
export function formatRunsTable(rows: readonly RunRow[], now: Date): string[] {
  if (rows.length === 0) return ['no remediation runs match'];
  return formatTable(
    HEADER,
    rows.map((row) => [
      row.workflowId,
      row.reason ?? '-',
      row.action ?? '-',
      phaseLabel(row),
      String(row.attempts),
      formatAge(now.getTime() - Date.parse(row.startedAt)),
    ]),
  );
}

function phaseLabel(row: RunRow): string {
  const ended = row.status !== 'RUNNING' && row.status !== 'COMPLETED';
  return ended ? `${row.phase ?? '-'} (${row.status.toLowerCase()})` : (row.phase ?? '-');
}

/** One line under the table: how many, and since when the oldest shown. */
export function formatRunsFooter(rows: readonly RunRow[], limit: number): string | undefined {
  if (rows.length === 0) return undefined;
  const oldest = rows.reduce((a, b) => (a.startedAt < b.startedAt ? a : b));
  const more = rows.length >= limit ? ` (limit ${limit}; use --limit for more)` : '';
  return `${rows.length} run(s), oldest started ${formatTimestamp(oldest.startedAt)}${more}`;
}
