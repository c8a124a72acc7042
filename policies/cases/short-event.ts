/**
 * A short-form case event (reasonCode, actionType, …) made into a whole failure event, shaped as
 * AWS sends one: it then goes through the same validation and fact extraction as a real event,
 * so a short form can never be decided differently from the event it stands for. Pure.
 */
import { DETAIL_TYPES, EVENT_SOURCE } from '../../events/types';
import { durationMs } from '../durations';
import { SHORT_EVENT_DEFAULTS, type ShortEvent } from './schema';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** Fixed, so a case's event (and a diff over cases) is the same on every run. */
const TIME = '2026-01-01T00:00:00Z';

export function shortFormEvent(short: ShortEvent, id: string): Record<string, unknown> {
  const instanceId = short.instanceId ?? SHORT_EVENT_DEFAULTS.instanceId;
  const instanceArn = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${instanceId}`;
  const info = {
    ...(short.retryable !== undefined ? { retryable: short.retryable } : {}),
    ...(short.retryDelay !== undefined
      ? { retryDelay: typeof short.retryDelay === 'number' ? short.retryDelay : durationMs(short.retryDelay) }
      : {}),
  };
  return {
    version: '0',
    id,
    source: EVENT_SOURCE,
    'detail-type': DETAIL_TYPES[0],
    account: ACCOUNT,
    time: TIME,
    region: REGION,
    resources: [instanceArn],
    detail: {
      ruleId: short.ruleId ?? SHORT_EVENT_DEFAULTS.ruleId,
      actionType: short.actionType ?? SHORT_EVENT_DEFAULTS.actionType,
      triggerEvent: short.triggerEvent ?? SHORT_EVENT_DEFAULTS.triggerEvent,
      instanceArn,
      reasonCode: short.reasonCode,
      error: short.error ?? SHORT_EVENT_DEFAULTS.error,
      // Absent rather than "{}": an event without additionalInfo is what a short form without
      // retryable and retryDelay stands for.
      ...(Object.keys(info).length ? { additionalInfo: JSON.stringify(info) } : {}),
    },
  };
}
