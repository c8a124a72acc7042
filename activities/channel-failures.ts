/**
 * Which escalation failures will never go away by retrying. A channel that cannot deliver — access
 * denied on the ops bus, an unknown contact flow, a webhook answering 4xx or redirecting, a secret
 * that is not set — used to be retried forever while the run waited; now it fails at once, so the
 * run can fall back and start its operator wait. Outages, throttling and 5xx stay retryable.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { awsFailureDetails, isAwsServiceError } from './aws-failures';

/** The failure type a workflow sees for a channel that can never deliver as configured. */
export const CHANNEL_MISCONFIGURED = 'ChannelMisconfigured';

export function channelMisconfigured(channelName: string, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: CHANNEL_MISCONFIGURED,
    message: `channel ${channelName} cannot deliver as configured: ${why}`,
    nonRetryable: true,
  });
}

/** PutEvents entry codes that a retry may clear (AWS: the others are about the entry or the caller). */
const RETRYABLE_ENTRY_CODES = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

export function isRetryableEntryCode(code: string | undefined): boolean {
  return code === undefined || RETRYABLE_ENTRY_CODES.has(code);
}

/**
 * An AWS answer that configuration must fix: a client fault (4xx) that is not throttling and not
 * the worker's own expiring credentials (those refresh; the worker's logs say so).
 */
export function isAwsConfigurationError(err: unknown): boolean {
  if (!isAwsServiceError(err)) return false;
  const details = awsFailureDetails(err);
  const status = details.httpStatusCode ?? 0;
  return (
    details.fault === 'client' &&
    !details.throttling &&
    !details.credentials &&
    status >= 400 &&
    status < 500 &&
    status !== 408
  );
}

/** HTTP answers a webhook will repeat whatever we do: 4xx (but timeouts and rate limits) and redirects. */
export function isPermanentHttpStatus(status: number): boolean {
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
