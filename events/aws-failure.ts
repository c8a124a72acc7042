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
