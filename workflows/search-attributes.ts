/**
 * Search attribute keys (contract names from DESIGN.md). Shared by the workflow (upserts), the dev
 * server / operator-service registration and the CLI's queries, so a name is spelled exactly once.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { ConnectFailureEvent } from '../events/types';

export const ConnectReasonCode = defineSearchAttributeKey('ConnectReasonCode', SearchAttributeType.KEYWORD);
export const ConnectActionType = defineSearchAttributeKey('ConnectActionType', SearchAttributeType.KEYWORD);
export const ConnectTriggerEvent = defineSearchAttributeKey(
  'ConnectTriggerEvent',
  SearchAttributeType.KEYWORD,
);
export const ConnectRuleId = defineSearchAttributeKey('ConnectRuleId', SearchAttributeType.KEYWORD);
export const ConnectInstanceId = defineSearchAttributeKey('ConnectInstanceId', SearchAttributeType.KEYWORD);
export const RemediationPolicy = defineSearchAttributeKey('RemediationPolicy', SearchAttributeType.KEYWORD);
export const RemediationPhase = defineSearchAttributeKey('RemediationPhase', SearchAttributeType.KEYWORD);
/**
 * Set when an escalation could not reach anyone through its policy's channels: `failed` (nobody
 * was told), `fallback` (only the fallback channel was), `delivered` (a later escalation got through).
 */
export const RemediationEscalationDelivery = defineSearchAttributeKey(
  'RemediationEscalationDelivery',
  SearchAttributeType.KEYWORD,
);

/** The incident a run's escalation joined (its runs are listed by it in the Web UI). */
export const RemediationIncident = defineSearchAttributeKey(
  'RemediationIncident',
  SearchAttributeType.KEYWORD,
);

export const REMEDIATION_SEARCH_ATTRIBUTES = [
  ConnectReasonCode,
  ConnectActionType,
  ConnectTriggerEvent,
  ConnectRuleId,
  ConnectInstanceId,
  RemediationPolicy,
  RemediationPhase,
  RemediationEscalationDelivery,
  RemediationIncident,
] as const;

export const REMEDIATION_PHASES = [
  'received',
  'retrying',
  'waiting-capacity',
  'escalated',
  'awaiting-operator',
  'recovered',
  'resolved',
  'abandoned',
] as const;
export type RemediationPhaseValue = (typeof REMEDIATION_PHASES)[number];

/**
 * What a run is findable by from the moment it exists: set at start by whoever starts it (ingress,
 * CLI) and upserted again by the workflow, so both sides always agree.
 */
export function receivedSearchAttributes(
  event: ConnectFailureEvent,
  instanceId: string,
): SearchAttributePair[] {
  return [
    { key: ConnectReasonCode, value: event.detail.reasonCode },
    { key: ConnectActionType, value: event.detail.actionType },
    { key: ConnectTriggerEvent, value: event.detail.triggerEvent },
    { key: ConnectRuleId, value: event.detail.ruleId },
    { key: ConnectInstanceId, value: instanceId || 'unknown' },
    { key: RemediationPhase, value: 'received' },
  ];
}
