/** The facts of an event that policies match on and the workflow reasons with. Pure. */
import { parseAdditionalInfo } from '../events/additional-info';
import { instanceIdFromArn } from '../events/arn';
import type { AdditionalInfo, ConnectFailureEvent } from '../events/types';
import type { MatchFacts } from './types';

/** Usable additionalInfo fields, whether it parsed cleanly or only in part. */
export function additionalInfoOf(event: ConnectFailureEvent): AdditionalInfo {
  const parsed = parseAdditionalInfo(event.detail.additionalInfo);
  if (parsed.status === 'parsed') return parsed.value;
  if (parsed.status === 'malformed') return parsed.partial ?? {};
  return {};
}

export function matchFactsOf(event: ConnectFailureEvent): MatchFacts {
  return {
    reasonCode: event.detail.reasonCode,
    actionType: event.detail.actionType,
    triggerEvent: event.detail.triggerEvent,
    retryable: additionalInfoOf(event).retryable,
    instanceId: instanceIdFromArn(event.detail.instanceArn) ?? '',
    ruleId: event.detail.ruleId,
    error: event.detail.error,
  };
}
