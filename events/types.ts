/**
 * The Amazon Connect "Rules Action Execution Failed" EventBridge event, as AWS documents it.
 * Enumerations are open: AWS adds action types, triggers and reason codes over time, and an unknown
 * value must be routed by the catch-all policy, never rejected.
 */

export const DETAIL_TYPES = [
  'Amazon Connect Rules Action Execution Failed',
  'Contact Lens Rules Action Execution Failed',
] as const;
export type FailureDetailType = (typeof DETAIL_TYPES)[number];
export const EVENT_SOURCE = 'aws.connect';

export const KNOWN_ACTION_TYPES = ['CREATE_TASK', 'GENERATE_EVENTBRIDGE_EVENT', 'SEND_NOTIFICATION'] as const;
export const KNOWN_TRIGGER_EVENTS = [
  'REAL_TIME_CALL',
  'REAL_TIME_CHAT',
  'POST_CALL',
  'POST_CHAT',
  'THIRD_PARTY',
] as const;
/** Open enumerations: known values get completion, unknown ones still type-check. */
export type ActionType = (typeof KNOWN_ACTION_TYPES)[number] | (string & {});
export type TriggerEvent = (typeof KNOWN_TRIGGER_EVENTS)[number] | (string & {});

export interface FailureDetail {
  ruleId: string;
  actionType: ActionType;
  triggerEvent: TriggerEvent;
  instanceArn: string;
  reasonCode: string;
  error: string;
  /** A JSON *string* holding the AWS SDK error object's fields; may be absent or malformed. */
  additionalInfo?: string;
}

/** The event exactly as EventBridge delivers it (after validation). */
export interface ConnectFailureEvent {
  version: string;
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': FailureDetailType;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: FailureDetail;
}

/** Fields of the AWS SDK error object carried in `additionalInfo`. */
export interface AdditionalInfo {
  message?: string;
  code?: string;
  statusCode?: number;
  time?: string;
  requestId?: string;
  retryable?: boolean;
  /** Milliseconds: the SDK's suggested wait before retrying. */
  retryDelay?: number;
}

export type ParsedAdditionalInfo =
  | { status: 'parsed'; value: AdditionalInfo }
  | { status: 'absent' }
  /** `partial`: the fields that did parse, when the JSON was an object with some bad fields. */
  | { status: 'malformed'; raw: string; problem: string; partial?: AdditionalInfo };
