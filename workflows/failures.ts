/**
 * What a failed re-issue means for the run. Decided on the AWS SDK error's `name` (carried as the
 * ApplicationFailure type), never on message text — except where AWS gives two different problems
 * the same name (ServiceQuotaExceededException: the active-tasks quota vs. the 12-task chain limit
 * on a PreviousContactId), where the message is the only evidence there is.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { ErrorSummary } from './definitions';

export type ReissueVerdict = 'retry' | 'wait-for-capacity' | 'escalate';

/** AWS says: try again later. StartTaskContact, PutEvents (call and entry level). */
const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServiceException',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailableException',
]);

export const CHAIN_LIMIT_PATTERN = /PreviousContactId/i;

export function classifyReissueFailure(error: ErrorSummary): { verdict: ReissueVerdict; why: string } {
  if (error.transport) {
    return {
      verdict: 'retry',
      why: 'AWS could not be reached (retried by the activity, then by the policy)',
    };
  }
  if (TRANSIENT.has(error.name)) return { verdict: 'retry', why: `${error.name} is transient` };
  if (error.name === 'ServiceQuotaExceededException') {
    return CHAIN_LIMIT_PATTERN.test(error.message)
      ? { verdict: 'escalate', why: '12 tasks already share the PreviousContactId: waiting cannot fix that' }
      : { verdict: 'wait-for-capacity', why: 'the active-tasks quota is full' };
  }
  return { verdict: 'escalate', why: `${error.name} needs a person (configuration, permissions or input)` };
}

interface AwsFailureDetails {
  retryAfterMs?: number;
}

/** An activity failure as the run records it. */
export function summarizeFailure(err: unknown): ErrorSummary {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as AwsFailureDetails | undefined;
    return {
      name: cause.type ?? 'Error',
      message: cause.message,
      ...(details?.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
      // Retryable application failures are the ones the activity retried and gave up on: the
      // request never got an AWS answer (refused connection, DNS, socket timeout).
      ...(cause.nonRetryable ? {} : { transport: true }),
    };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      name: 'ActivityTimeout',
      message: `AWS did not answer in time (${cause.timeoutType})`,
      transport: true,
    };
  }
  return { name: 'Error', message: err instanceof Error ? err.message : String(err) };
}
