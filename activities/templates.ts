/**
 * Policy text templates for re-issued tasks: `${event.id}`, `${detail.ruleId}`, `${detail.reasonCode}`,
 * `${detail.error}`, `${detail.triggerEvent}`, `${detail.actionType}`, `${instanceId}`. Unknown
 * placeholders are left as written so a typo is visible on the task instead of silently blank.
 * Only these names are read: a Map, not an object literal, so `${constructor}` or `${toString}`
 * (inherited by every object) stay as written instead of rendering a function's source.
 */
import type { ConnectFailureEvent } from '../events/types';

export function renderTemplate(template: string, event: ConnectFailureEvent, instanceId: string): string {
  const values = new Map<string, string>(
    Object.entries({
      'event.id': event.id,
      'event.time': event.time,
      'detail.ruleId': event.detail.ruleId,
      'detail.reasonCode': event.detail.reasonCode,
      'detail.error': event.detail.error,
      'detail.triggerEvent': event.detail.triggerEvent,
      'detail.actionType': event.detail.actionType,
      instanceId,
    }),
  );
  return template.replace(/\$\{([a-zA-Z.]+)\}/g, (whole, key: string) => values.get(key) ?? whole);
}

/** Connect rule variable injection (JSONPath such as `$.ContactLens...`) only Connect can resolve. */
export function holdsVariableInjection(text: string | undefined): boolean {
  return text !== undefined && /\$\.[A-Za-z]/.test(text);
}
