/**
 * Reason codes the engine knows about (from the StartTaskContact and PutEvents API references),
 * offered as completions in editors. The list is open: any other code is still accepted and routed
 * by the policies (ultimately the catch-all). Pure.
 */

import { PUT_EVENTS_ERRORS, START_TASK_CONTACT_ERRORS } from '../events/reason-codes';

export { PUT_EVENTS_ERRORS, START_TASK_CONTACT_ERRORS };

export const KNOWN_REASON_CODES: readonly string[] = [
  ...new Set<string>([...START_TASK_CONTACT_ERRORS, ...PUT_EVENTS_ERRORS]),
];

/**
 * Rule actions the engine can re-issue; any other (SEND_NOTIFICATION has no re-send API, new
 * action types are unknown) is escalated whatever the policy's strategy.
 */
export const REISSUABLE_ACTION_TYPES: readonly string[] = ['CREATE_TASK', 'GENERATE_EVENTBRIDGE_EVENT'];

/** Why a run cannot re-issue an action of this type (the escalation's reason says so). */
export function cannotReissueReason(actionType: string): string {
  return actionType === 'SEND_NOTIFICATION'
    ? 'No public API re-sends a rule notification: a person must send it (content attached)'
    : `connect-remediator cannot re-issue ${actionType} actions`;
}
