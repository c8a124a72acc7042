/**
 * remediateFailedAction — one durable run per failed Connect rule action.
 *
 * Foundation version: records the event on the run (search attributes) and waits for a person to
 * answer. Policy resolution and re-issuing arrive with the remediation issue.
 */
import { condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { instanceIdFromArn } from '../events/arn';
import {
  abandonSignal,
  resolveSignal,
  retrySignal,
  statusQuery,
  type OperatorDecision,
  type RemediationInput,
  type RemediationResult,
  type RemediationStatus,
} from './definitions';
import {
  ConnectActionType,
  ConnectInstanceId,
  ConnectReasonCode,
  ConnectRuleId,
  ConnectTriggerEvent,
  RemediationPhase,
  type RemediationPhaseValue,
} from './search-attributes';

const OPERATOR_WAIT = '7 days';

export async function remediateFailedAction(input: RemediationInput): Promise<RemediationResult> {
  const { event } = input;
  const status: RemediationStatus = { phase: 'received', attempt: 0 };
  const setPhase = (phase: RemediationPhaseValue) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: RemediationPhase, value: phase }]);
  };
  upsertSearchAttributes([
    { key: ConnectReasonCode, value: event.detail.reasonCode },
    { key: ConnectActionType, value: event.detail.actionType },
    { key: ConnectTriggerEvent, value: event.detail.triggerEvent },
    { key: ConnectRuleId, value: event.detail.ruleId },
    { key: ConnectInstanceId, value: instanceIdFromArn(event.detail.instanceArn) ?? 'unknown' },
    { key: RemediationPhase, value: 'received' },
  ]);
  setHandler(statusQuery, () => status);

  let decision: (OperatorDecision & { action: 'retry' | 'resolve' | 'abandon' }) | undefined;
  const decide = (action: 'retry' | 'resolve' | 'abandon') => (d?: OperatorDecision) => {
    decision ??= { ...d, action };
  };
  setHandler(retrySignal, decide('retry'));
  setHandler(resolveSignal, decide('resolve'));
  setHandler(abandonSignal, decide('abandon'));

  setPhase('awaiting-operator');
  await condition(() => decision !== undefined, OPERATOR_WAIT);
  const outcome = decision?.action === 'abandon' ? 'abandoned' : decision ? 'resolved' : 'escalated';
  setPhase(outcome);
  return {
    outcome,
    eventId: event.id,
    attempts: [],
    escalations: [],
    decision: decision && { ...decision, at: new Date().toISOString() },
    summary: `${outcome} (${workflowInfo().workflowId})`,
  };
}
