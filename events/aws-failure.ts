/**
 * What an AWS error told about itself, carried in the details of the failure an activity reports:
 * activities/aws-failures.ts builds it from the SDK error, workflows/failures.ts reads it. Pure.
 * Failures recorded before a field existed simply lack it (runs in flight replay unchanged).
 */
export interface AwsFailureDetails {
  httpStatusCode?: number;
  requestId?: string;
  /** Retry hint the response carried (Retry-After), milliseconds. */
  retryAfterMs?: number;
  /** AWS asked us to slow down (HTTP 429, the SDK's throttling mark, or a throttling error name). */
  throttling?: boolean;
  /** Whose fault the SDK says it is: `server` (AWS, transient) or `client` (the request or the account). */
  fault?: 'client' | 'server';
  /** The worker's AWS credentials are missing, expired or not recognised. */
  credentials?: boolean;
  /** No answer from AWS at all, attempt after attempt (network): infrastructure, not a verdict. */
  unreachable?: boolean;
  /**
   * The StartTaskContact request carried a PreviousContactId, so a ServiceQuotaExceededException
   * may be the 12-tasks-per-chain limit. AWS documents no message text that tells the two quota
   * errors apart: the request does.
   */
  previousContactId?: boolean;
}

/** A failed AWS call as a run records it (attempts, status, the gate's outcome). */
export interface ErrorSummary {
  /** AWS SDK error name (e.g. ThrottlingException) or entry ErrorCode for PutEvents. */
  name: string;
  message: string;
  /** Retry hint the error carried (Retry-After / retryDelay), milliseconds. */
  retryAfterMs?: number;
  /** The call never got an answer from AWS (network, timeout): infrastructure, not a verdict. */
  transport?: boolean;
  /** HTTP status of AWS's answer (200 for a PutEvents entry error). */
  httpStatusCode?: number;
  /** AWS asked us to slow down. */
  throttled?: boolean;
  /** The SDK says the fault is AWS's (5xx): transient whatever its name. */
  serverFault?: boolean;
  /** The worker's AWS credentials are missing, expired or not recognised. */
  credentials?: boolean;
  /** The request carried a PreviousContactId (a quota error may be the 12-task chain limit). */
  previousContactId?: boolean;
}

/**
 * The summary of an application failure carrying AwsFailureDetails (activities/aws-failures.ts
 * builds them): the same reading wherever the failure is met, in a workflow or in an activity.
 */
export function errorSummaryOf(failure: {
  type?: string | null;
  message: string;
  nonRetryable?: boolean | null;
  details?: unknown[] | null;
}): ErrorSummary {
  const details = (failure.details?.[0] ?? {}) as AwsFailureDetails;
  const status = details.httpStatusCode;
  const answered = status !== undefined || details.credentials === true;
  return {
    name: failure.type ?? 'Error',
    message: failure.message,
    ...(details.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
    ...(status !== undefined ? { httpStatusCode: status } : {}),
    ...(details.throttling ? { throttled: true } : {}),
    ...((details.fault ?? (status !== undefined && status >= 500 ? 'server' : undefined)) === 'server'
      ? { serverFault: true }
      : {}),
    ...(details.credentials ? { credentials: true } : {}),
    ...(details.previousContactId ? { previousContactId: true } : {}),
    // A retryable failure without an AWS answer is one the activity retried and gave up on: the
    // request never reached AWS (refused connection, DNS, socket timeout).
    ...(details.unreachable || !(failure.nonRetryable || answered) ? { transport: true } : {}),
  };
}
