/**
 * Search attribute keys (contract names from DESIGN.md). Shared by the workflow (upserts), the dev
 * server / operator-service registration and the CLI's queries, so a name is spelled exactly once.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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

export const REMEDIATION_SEARCH_ATTRIBUTES = [
  ConnectReasonCode,
  ConnectActionType,
  ConnectTriggerEvent,
  ConnectRuleId,
  ConnectInstanceId,
  RemediationPolicy,
  RemediationPhase,
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
