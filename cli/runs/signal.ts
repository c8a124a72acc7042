/**
 * `runs signal`: an operator's decision (retry | resolve | abandon) sent to a running remediation
 * run, after checking what would otherwise fail silently: the run exists, is a remediation run, is
 * still running, and every override key is one the workflow applies.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  abandonSignal,
  resolveSignal,
  retrySignal,
  type OperatorDecision,
} from '../../workflows/definitions';
import { applyOperatorOverrides, OPERATOR_OVERRIDE_KEYS } from '../../workflows/overrides';
import { RemediationPhase } from '../../workflows/search-attributes';
import { describeRemediationRun, RunLookupError } from './lookup';

export const OPERATOR_ACTIONS = ['retry', 'resolve', 'abandon'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

const SIGNALS = { retry: retrySignal, resolve: resolveSignal, abandon: abandonSignal } as const;

export function parseAction(value: string): OperatorAction {
  const action = OPERATOR_ACTIONS.find((a) => a === value);
  if (!action) throw new Error(`expected one of ${OPERATOR_ACTIONS.join(', ')}; got "${value}"`);
  return action;
}

/**
 * `key=value` pairs → overrides. Keys are checked with the workflow's own mapping, so the CLI
 * accepts exactly what the run will apply.
 */
export function parseOverrides(pairs: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--override "${pair}": expected key=value`);
    const key = pair.slice(0, eq);
    if (key in overrides) throw new Error(`--override ${key} is given twice`);
    overrides[key] = pair.slice(eq + 1);
  }
  const { ignored } = applyOperatorOverrides({}, overrides);
  if (ignored.length)
    throw new Error(
      `unknown override key(s) ${ignored.map((k) => `"${k}"`).join(', ')}: expected one of ${OPERATOR_OVERRIDE_KEYS.join(', ')}`,
    );
  return overrides;
}

export interface SignalSent {
  workflowId: string;
  action: OperatorAction;
  decision: OperatorDecision;
  /** The run's phase when the decision was sent. */
  phase?: string;
}

export async function signalRun(
  client: Client,
  workflowId: string,
  action: OperatorAction,
  decision: OperatorDecision,
): Promise<SignalSent> {
  if (action !== 'retry' && decision.overrides && Object.keys(decision.overrides).length)
    throw new Error(`--override applies to retry only, not to ${action}`);
  const description = await describeRemediationRun(client, workflowId);
  const phase = description.typedSearchAttributes.get(RemediationPhase);
  const alreadyClosed = () =>
    new RunLookupError(
      `"${workflowId}" already ended (${description.status.name.toLowerCase()}, phase ${phase ?? 'unknown'}): only a running run takes decisions`,
    );
  if (description.status.name !== 'RUNNING') throw alreadyClosed();
  try {
    await client.workflow.getHandle(workflowId, description.runId).signal(SIGNALS[action], decision);
  } catch (err) {
    // It ended between the check and the signal.
    if (err instanceof WorkflowNotFoundError) throw alreadyClosed();
    throw err;
  }
  return { workflowId, action, decision, ...(phase ? { phase } : {}) };
}

export function formatSignalSent(sent: SignalSent, webUiUrl: string): string[] {
  const { decision } = sent;
  return [
    `sent ${sent.action} to ${sent.workflowId}${sent.phase ? ` (phase was ${sent.phase})` : ''}`,
    `  by:       ${decision.by ?? '-'}`,
    `  note:     ${decision.note ?? '-'}`,
    ...Object.entries(decision.overrides ?? {}).map(([key, value]) => `  override: ${key}=${value}`),
    `  follow:   connect-remediator runs show ${sent.workflowId}`,
    `  Web UI:   ${webUiUrl}`,
  ];
}
