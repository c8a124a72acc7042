/**
 * `runs show`: everything known about one run, gathered into a RunStory — from the `status` query
 * while it runs, from its result once it has ended, and from its search attributes and memo either
 * way (so a run whose worker is down still shows what it is).
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import {
  capacityGateWorkflowId,
  capacityGateStatusQuery,
  statusQuery,
  type AttemptRecord,
  type EscalationRecord,
  type RemediationResult,
  type RemediationStatus,
} from '../../workflows/definitions';
import {
  ConnectActionType,
  ConnectInstanceId,
  ConnectReasonCode,
  ConnectRuleId,
  ConnectTriggerEvent,
  RemediationPhase,
} from '../../workflows/search-attributes';
import { describeRemediationRun } from './lookup';

/** How long `runs show` waits for a running run's worker to answer the status query. */
const STATUS_QUERY_TIMEOUT_MS = 10_000;

export interface ReceivedEvent {
  /** The run's static summary ("CREATE_TASK failed: ResourceNotFoundException — …"). */
  summary: string;
  reason?: string;
  action?: string;
  trigger?: string;
  ruleId?: string;
  instanceId?: string;
}

export type LiveStatus = Pick<
  RemediationStatus,
  'phase' | 'attempt' | 'nextAttemptAt' | 'lastError' | 'capacity' | 'awaitingOperatorUntil'
>;

export interface RunStory {
  workflowId: string;
  runId: string;
  taskQueue: string;
  /** Temporal's execution status: RUNNING, COMPLETED, TERMINATED, … */
  status: string;
  startedAt: string;
  closedAt?: string;
  received: ReceivedEvent;
  /** Last phase recorded in the search attributes. */
  phase?: string;
  policy?: { name: string; setHash?: string; strategy?: string };
  attempts: AttemptRecord[];
  escalations: EscalationRecord[];
  decision?: RemediationResult['decision'];
  /** Set once the run has completed. */
  outcome?: RemediationResult['outcome'];
  summary?: string;
  /** What a running run is doing now (status query). */
  live?: LiveStatus;
  /** Why part of the story is missing (worker not answering, run terminated, …). */
  problem?: string;
  webUiUrl: string;
}

export async function loadRunStory(
  client: Client,
  workflowId: string,
  runUrl: (workflowId: string) => string,
): Promise<RunStory> {
  const description = await describeRemediationRun(client, workflowId);
  const story = baseStory(description, runUrl(workflowId));
  story.received.summary = (await description.staticSummary()) ?? story.received.summary;
  const handle = client.workflow.getHandle(workflowId, description.runId);

  if (description.status.name === 'RUNNING') {
    try {
      const status = await client.connection.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
        handle.query(statusQuery),
      );
      const { attempts, escalations, policy, decision, ...live } = status;
      Object.assign(story, { attempts, escalations, live });
      // A waiting run does not know its place; its gate knows how many wait at the instance.
      if (live.phase === 'waiting-capacity' && live.capacity && story.received.instanceId) {
        const gate = await client.workflow
          .getHandle(capacityGateWorkflowId(story.received.instanceId))
          .query(capacityGateStatusQuery)
          .catch(() => undefined);
        if (gate?.waiting !== undefined) live.capacity.waitingAtInstance = gate.waiting;
      }
      if (policy) story.policy = policy;
      if (decision) story.decision = decision;
    } catch (err) {
      story.problem = `the run did not answer the status query (is a worker polling task queue "${description.taskQueue}"?): ${(err as Error).message}`;
    }
    return story;
  }

  try {
    const result = (await handle.result()) as RemediationResult;
    Object.assign(story, {
      attempts: result.attempts,
      escalations: result.escalations,
      outcome: result.outcome,
      summary: result.summary,
    });
    if (result.policy) story.policy = result.policy;
    if (result.decision) story.decision = result.decision;
  } catch (err) {
    story.problem = `the run ended ${description.status.name.toLowerCase()} without a result: ${(err as Error).message}`;
  }
  return story;
}

function baseStory(description: WorkflowExecutionDescription, webUiUrl: string): RunStory {
  const attributes = description.typedSearchAttributes;
  const received: ReceivedEvent = { summary: '' };
  const fields: [keyof ReceivedEvent, string | undefined][] = [
    ['reason', attributes.get(ConnectReasonCode)],
    ['action', attributes.get(ConnectActionType)],
    ['trigger', attributes.get(ConnectTriggerEvent)],
    ['ruleId', attributes.get(ConnectRuleId)],
    ['instanceId', attributes.get(ConnectInstanceId)],
  ];
  for (const [field, value] of fields) if (value) received[field] = value;
  // Runs started without a summary (older clients, tests) still say what failed.
  received.summary = `${received.action ?? 'action'} failed: ${received.reason ?? 'unknown reason'}`;

  const story: RunStory = {
    workflowId: description.workflowId,
    runId: description.runId,
    taskQueue: description.taskQueue,
    status: description.status.name,
    startedAt: description.startTime.toISOString(),
    received,
    attempts: [],
    escalations: [],
    webUiUrl,
  };
  if (description.closeTime) story.closedAt = description.closeTime.toISOString();
  const phase = attributes.get(RemediationPhase);
  if (phase) story.phase = phase;
  const memo = description.memo ?? {};
  if (typeof memo.policy === 'string') {
    story.policy = { name: memo.policy };
    if (typeof memo.policySetHash === 'string') story.policy.setHash = memo.policySetHash;
    if (typeof memo.strategy === 'string') story.policy.strategy = memo.strategy;
  }
  return story;
}
