/**
 * `incidents list | show | answer`: escalations grouped by cause. An incident is a workflow
 * (remediationIncident, id incident-<hash of its cause>) findable in visibility by its cause's
 * search attributes; its status is a query; an answer is its `answerIncident` Update, validated by
 * the incident and passed to every member run.
 */
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import {
  answerIncidentUpdate,
  INCIDENT_WORKFLOW_TYPE,
  incidentStatusQuery,
  type IncidentReceipt,
  type IncidentStatus,
  type OperatorAction,
  type OperatorDecision,
} from '../../workflows/definitions';
import {
  ConnectActionType,
  ConnectReasonCode,
  ConnectRuleId,
  RemediationPhase,
} from '../../workflows/search-attributes';
import { formatTable } from '../runs/format-table';
import { formatAge } from '../runs/format-time';

export class IncidentLookupError extends Error {
  override name = 'IncidentLookupError';
}

export interface IncidentRow {
  incidentId: string;
  status: string;
  reason?: string;
  action?: string;
  ruleId?: string;
  phase?: string;
  startedAt: string;
}

function toRow(info: WorkflowExecutionInfo): IncidentRow {
  const a = info.typedSearchAttributes;
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  return {
    incidentId: info.workflowId,
    status: info.status.name,
    startedAt: info.startTime.toISOString(),
    ...optional('reason', a.get(ConnectReasonCode)),
    ...optional('action', a.get(ConnectActionType)),
    ...optional('ruleId', a.get(ConnectRuleId)),
    ...optional('phase', a.get(RemediationPhase)),
  };
}

export async function listIncidents(
  client: Client,
  { open, limit }: { open: boolean; limit: number },
): Promise<IncidentRow[]> {
  const query = `WorkflowType = '${INCIDENT_WORKFLOW_TYPE}'${open ? " AND ExecutionStatus = 'Running'" : ''}`;
  const rows: IncidentRow[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
    rows.push(toRow(info));
    if (rows.length >= limit) break;
  }
  return rows;
}

export function formatIncidentsTable(rows: IncidentRow[], now = Date.now()): string[] {
  if (!rows.length) return ['no incidents'];
  return formatTable(
    ['INCIDENT', 'STATUS', 'REASON', 'ACTION', 'RULE', 'OPENED'],
    rows.map((r) => [
      r.incidentId,
      r.status === 'RUNNING' ? 'open' : r.status.toLowerCase(),
      r.reason ?? '-',
      r.action ?? '-',
      r.ruleId ?? '-',
      formatAge(now - Date.parse(r.startedAt)),
    ]),
  );
}

/** A running incident answers its status query; a closed one returns it as its result. */
export async function incidentStatus(client: Client, incidentId: string): Promise<IncidentStatus> {
  const handle = client.workflow.getHandle(incidentId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new IncidentLookupError(`no incident "${incidentId}"`);
    throw err;
  }
  if (description.type !== INCIDENT_WORKFLOW_TYPE) {
    throw new IncidentLookupError(`"${incidentId}" is a ${description.type} run, not an incident`);
  }
  if (description.status.name === 'RUNNING') return handle.query(incidentStatusQuery);
  return (await handle.result()) as IncidentStatus;
}

export function formatIncident(s: IncidentStatus): string[] {
  return [
    `incident ${s.incidentId}  (${s.state})`,
    `  cause      ${Object.entries(s.key)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  policy     ${s.policy}`,
    `  runs       ${s.runs}${s.answer ? ` (answer sent to ${s.answered})` : ''}`,
    `  seen       ${s.firstSeen} .. ${s.lastSeen}`,
    ...s.samples.map((e, i) => `  ${i === 0 ? 'samples   ' : '          '} ${e}`),
    `  notified   ${s.notifications} time(s)`,
    s.answer
      ? `  answer     ${s.answer.action}${s.answer.by ? ` by ${s.answer.by}` : ''} at ${s.answer.at}${s.answer.note ? `: ${s.answer.note}` : ''}`
      : '  answer     none yet: connect-remediator incidents answer ' +
        s.incidentId +
        ' retry|resolve|abandon',
    ...Object.entries(s.answer?.overrides ?? {}).map(([k, v]) => `  override   ${k}=${v}`),
    `  runs list  ${s.runsUrl}`,
  ];
}

export async function answerIncident(
  client: Client,
  incidentId: string,
  action: OperatorAction,
  decision: OperatorDecision,
): Promise<IncidentReceipt> {
  const status = await incidentStatus(client, incidentId);
  if (status.state === 'closed') {
    throw new IncidentLookupError(
      `incident "${incidentId}" is closed: answer its runs one by one (runs signal)`,
    );
  }
  try {
    return await client.workflow
      .getHandle(incidentId)
      .executeUpdate(answerIncidentUpdate, { args: [{ ...decision, action }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new IncidentLookupError(
        `${incidentId} refused the ${action}: ${err.cause?.message ?? err.message}`,
      );
    }
    throw err;
  }
}
