/**
 * Starts the one remediation run of a validated event. The workflow id is derived from the event id
 * and the reuse policy rejects duplicates, so a redelivered event — concurrent with the first
 * delivery or long after its run finished — starts nothing and is reported as `duplicate`.
 *
 * The run is started by type name only: callers never depend on the workflow's internals.
 */
import { isGrpcServiceError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import {
  REMEDIATION_WORKFLOW_TYPE,
  remediationWorkflowId,
  type RemediationInput,
} from '../workflows/definitions';
import { receivedSearchAttributes } from '../workflows/search-attributes';
import { webUiRunUrl, type TemporalConfig } from '../worker/config';

export type StartTarget = Pick<TemporalConfig, 'taskQueue' | 'namespace' | 'webUiUrl'>;
/** `sqs`: the SQS ingress; `dlq-replay`: `connect-remediator dlq replay`. */
export type ReceivedVia = 'ingress' | 'cli' | 'sqs' | 'dlq-replay';

export interface StartOutcome {
  eventId: string;
  workflowId: string;
  status: 'started' | 'duplicate';
  webUiUrl: string;
}

export async function startRemediation(
  client: Client,
  target: StartTarget,
  event: ConnectFailureEvent,
  via: ReceivedVia,
): Promise<StartOutcome> {
  const workflowId = remediationWorkflowId(event.id);
  const input: RemediationInput = { event, receivedVia: via };
  let status: StartOutcome['status'] = 'started';
  try {
    await client.workflow.start(REMEDIATION_WORKFLOW_TYPE, {
      taskQueue: target.taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Set at start, so a run is findable by these before any worker has picked it up.
      typedSearchAttributes: receivedSearchAttributes(
        event,
        instanceIdFromArn(event.detail.instanceArn) ?? '',
      ),
      staticSummary: runSummary(event),
      staticDetails: runDetails(event, via),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    status = 'duplicate';
  }
  return { eventId: event.id, workflowId, status, webUiUrl: webUiRunUrl(target, workflowId) };
}

// Temporal bounds user metadata (the summary to a few hundred bytes, the details to a few KB);
// an AWS error message is unbounded, so both are cut to fit.
const MAX_SUMMARY_BYTES = 200;
const MAX_DETAIL_ERROR_BYTES = 2000;

function truncate(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes - 3) cut = cut.slice(0, -1);
  // Never end on half a surrogate pair.
  return `${cut.replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** The one line the Web UI shows in the run list: what failed and why. */
export function runSummary(event: ConnectFailureEvent): string {
  const { actionType, reasonCode, error } = event.detail;
  const line = `${actionType} failed: ${reasonCode}${error ? ` — ${error}` : ''}`;
  return truncate(line.replace(/\s+/g, ' '), MAX_SUMMARY_BYTES);
}

function runDetails(event: ConnectFailureEvent, via: ReceivedVia): string {
  const { detail } = event;
  return [
    `**${detail.actionType}** failed with **${detail.reasonCode}**`,
    '',
    `- Rule: \`${detail.ruleId}\``,
    `- Instance: \`${detail.instanceArn}\``,
    `- Trigger: ${detail.triggerEvent}`,
    `- Failed at: ${event.time} (account ${event.account}, ${event.region})`,
    `- Event: \`${event.id}\`, received via ${via}`,
    '',
    `> ${truncate(detail.error || '(no error message)', MAX_DETAIL_ERROR_BYTES).replace(/\n/g, '\n> ')}`,
  ].join('\n');
}

// gRPC status codes that mean "the server cannot answer now, ask again later".
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNAVAILABLE = 14;
const RETRY_LATER_CODES = new Set([GRPC_DEADLINE_EXCEEDED, GRPC_RESOURCE_EXHAUSTED, GRPC_UNAVAILABLE]);

/**
 * True when a failed start means Temporal is unreachable or overloaded (so the caller should answer
 * "retry later"), rather than that the request itself was refused. Follows `cause` chains, since
 * the client wraps gRPC errors in ServiceError.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let current = err, depth = 0; current && depth < 5; depth++) {
    if (isGrpcServiceError(current)) return RETRY_LATER_CODES.has(current.code);
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
