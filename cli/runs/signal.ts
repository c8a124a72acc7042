/**
 * `runs signal`: an operator's decision (retry | resolve | abandon) sent to a running remediation
 * run, after checking what would otherwise fail silently: the run exists, is a remediation run, is
 * still running, and every override key is one the workflow applies. It goes as the run's `decide`
 * Update, so the operator learns whether the run accepted it (or why not) and what it did. (The
 * retry / resolve / abandon signals stay for the Web UI's Signal button; the CLI never needs them.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import { decideUpdate, type DecisionReceipt, type OperatorDecision } from '../../workflows/definitions';
import { validateOperatorDecision, type DecisionProblem } from '../../policies/operator-decision';
import { RemediationPhase } from '../../workflows/search-attributes';
import { describeRemediationRun, RunLookupError } from './lookup';

export const OPERATOR_ACTIONS = ['retry', 'resolve', 'abandon'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

export function parseAction(value: string): OperatorAction {
  const action = OPERATOR_ACTIONS.find((a) => a === value);
  if (!action) throw new Error(`expected one of ${OPERATOR_ACTIONS.join(', ')}; got "${value}"`);
  return action;
}

/**
 * `key=value` pairs → overrides. A key given twice is refused (the second would silently win);
 * keys and values are then checked by the decision schema the run validates with
 * (policies/operator-decision.ts), so the CLI refuses exactly what the run would.
 */
export function parseOverrides(pairs: readonly string[]): Record<string, string> {
  // A Map, not `key in {}`: `constructor`, `toString`, … are in every object.
  const overrides = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--override "${pair}": expected key=value`);
    const key = pair.slice(0, eq);
    if (overrides.has(key)) throw new Error(`--override ${key} is given twice`);
    overrides.set(key, pair.slice(eq + 1));
  }
  if (overrides.size === 0) return {};
  const check = validateOperatorDecision({ action: 'retry', overrides: Object.fromEntries(overrides) });
  if (!check.ok) throw new Error(check.problems.map(overrideProblem).join('; '));
  return check.decision.overrides ?? {};
}

/** The schema's problem in the CLI's words: `--override <key>` rather than `overrides.<key>`. */
function overrideProblem(problem: DecisionProblem): string {
  if (problem.field === 'overrides') return `${problem.found}: expected ${problem.expected}`;
  const key = problem.field.replace(/^overrides(\.|\[)/, (_, open: string) => (open === '[' ? '[' : ''));
  const shown = key.startsWith('[') ? (JSON.parse(key.slice(1, -1)) as string) : key;
  return `--override ${shown}: expected ${problem.expected}, got ${problem.found}`;
}

export interface SignalSent {
  workflowId: string;
  action: OperatorAction;
  decision: OperatorDecision;
  /** The run's phase when the decision was sent. */
  phase?: string;
  /** `update`: the run validated and answered; `signal`: a worker without the Update got a signal. */
  /** What the run did with the decision (absent: not acted on within ANSWER_WAIT_MS, or a signal). */
  receipt?: DecisionReceipt;
}

/** The run refused the decision; the message is its reason. */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
}

/** How long to wait for the run's answer once it accepted (it acts at its next step). */
const ANSWER_WAIT_MS = 20_000;

/** The SDK's rejection of an Update the workflow has no handler for (a worker of an older version). */

export async function signalRun(
  client: Client,
  workflowId: string,
  action: OperatorAction,
  decision: OperatorDecision,
): Promise<SignalSent> {
  const description = await describeRemediationRun(client, workflowId);
  const phase = description.typedSearchAttributes.get(RemediationPhase);
  const alreadyClosed = () =>
    new RunLookupError(
      `"${workflowId}" already ended (${description.status.name.toLowerCase()}, phase ${phase ?? 'unknown'}): only a running run takes decisions`,
    );
  if (description.status.name !== 'RUNNING') throw alreadyClosed();
  const handle = client.workflow.getHandle(workflowId, description.runId);
  const base = { workflowId, action, decision, ...(phase ? { phase } : {}) };
  try {
    const update = await handle.startUpdate(decideUpdate, {
      args: [{ ...decision, action }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const receipt = await Promise.race([update.result(), sleep(ANSWER_WAIT_MS, undefined)]);
    return { ...base, ...(receipt ? { receipt } : {}) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw alreadyClosed();
    if (err instanceof WorkflowUpdateFailedError)
      throw new DecisionRefusedError(
        `${workflowId} refused the ${action}: ${err.cause?.message ?? err.message}`,
      );
    throw err;
  }
}

export function formatSignalSent(sent: SignalSent, webUiUrl: string): string[] {
  const { decision, receipt } = sent;
  return [
    `${sent.workflowId} accepted ${sent.action}${sent.phase ? ` (phase was ${sent.phase})` : ''}`,
    receipt
      ? `  did:      ${receipt.effect}`
      : `  did:      not yet: it acts at its next step (no answer within ${ANSWER_WAIT_MS / 1000} s)`,
    `  by:       ${decision.by ?? '-'}`,
    `  note:     ${decision.note ?? '-'}`,
    ...Object.entries(decision.overrides ?? {}).map(([key, value]) => `  override: ${key}=${value}`),
    `  follow:   connect-remediator runs show ${sent.workflowId}`,
    `  Web UI:   ${webUiUrl}`,
  ];
}
