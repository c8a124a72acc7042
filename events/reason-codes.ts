/**
 * The error names a failure event's `reasonCode` carries (from the StartTaskContact and PutEvents
 * API references). One list, used by the policy editor
 * completions and by the simulator's fault injection. Open: AWS may add codes. Pure.
 */

/** StartTaskContact errors (rule action CREATE_TASK). */
export const START_TASK_CONTACT_ERRORS = [
  'ThrottlingException',
  'InternalServiceException',
  'ServiceQuotaExceededException',
  'ResourceNotFoundException',
  'InvalidParameterException',
  'InvalidRequestException',
  'AccessDeniedException',
] as const;

/** PutEvents per-entry ErrorCodes (retryable: InternalFailure, ThrottlingException). */
export const PUT_EVENTS_ENTRY_ERROR_CODES = [
  'InternalFailure',
  'ThrottlingException',
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
] as const;
export type PutEventsEntryErrorCode = (typeof PUT_EVENTS_ENTRY_ERROR_CODES)[number];

/** PutEvents errors (rule action GENERATE_EVENTBRIDGE_EVENT): the whole-call one, then per entry. */
export const PUT_EVENTS_ERRORS = ['InternalException', ...PUT_EVENTS_ENTRY_ERROR_CODES] as const;
