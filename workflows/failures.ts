/**
 * What a failed re-issue means for the run, decided by the error's nature — the SDK's fault, the
 * HTTP status, the throttling and credentials marks the activity recorded (AwsFailureDetails) —
 * and by the SDK error's `name` where AWS models one. Never by message text: AWS documents none.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { errorSummaryOf, type ErrorSummary } from '../events/aws-failure';

export type ReissueVerdict = 'retry' | 'wait-for-capacity' | 'escalate';

/** AWS says: try again later (StartTaskContact, PutEvents at call and entry level, unmodelled 5xx). */
const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServiceException',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
]);

export function classifyReissueFailure(error: ErrorSummary): { verdict: ReissueVerdict; why: string } {
  if (error.transport) {
    return {
      verdict: 'retry',
      why: 'AWS could not be reached (retried by the activity, then by the policy)',
    };
  }
  if (error.credentials) {
    return {
      verdict: 'escalate',
      why: `the worker's AWS credentials are missing, expired or not recognised (${error.name}): fix them, then retry`,
    };
  }
  if (error.throttled) return { verdict: 'retry', why: `AWS throttled the call (${error.name})` };
  if (TRANSIENT.has(error.name)) return { verdict: 'retry', why: `${error.name} is transient` };
  if (error.name === 'ServiceQuotaExceededException') {
    // AWS documents two causes, the active-tasks quota and 12 tasks sharing one PreviousContactId,
    // and no message text for either: only a request that carried a PreviousContactId can have hit
    // the chain limit (re-issues never set one: the event carries no contact).
    if (error.previousContactId) {
      return {
        verdict: 'escalate',
        why: 'the request linked the task to a PreviousContactId: 12 tasks may already share it (waiting cannot help)',
      };
    }
    return { verdict: 'wait-for-capacity', why: 'the active-tasks quota is full' };
  }
  if (error.serverFault) {
    return {
      verdict: 'retry',
      why: `${error.name} is a server fault (HTTP ${error.httpStatusCode ?? '5xx'}): transient`,
    };
  }
  if (error.httpStatusCode === 408)
    return { verdict: 'retry', why: `${error.name}: AWS timed out the request` };
  return { verdict: 'escalate', why: `${error.name} needs a person (configuration, permissions or input)` };
}

/**
 * The least a retry may wait: AWS's `retryDelay` from the event and the latest error's own hint
 * (Retry-After), whichever is longer — a backoff shorter than either only earns another refusal.
 */
export function retryHintMs(
  eventRetryDelayMs: number | undefined,
  lastError: Pick<ErrorSummary, 'retryAfterMs'> | undefined,
): number | undefined {
  const hints = [eventRetryDelayMs, lastError?.retryAfterMs].filter(
    (h): h is number => typeof h === 'number',
  );
  return hints.length ? Math.max(...hints) : undefined;
}

/** An activity failure as the run records it. */
export function summarizeFailure(err: unknown): ErrorSummary {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return errorSummaryOf(cause);
  if (cause instanceof TimeoutFailure) {
    return {
      name: 'ActivityTimeout',
      message: `AWS did not answer in time (${cause.timeoutType})`,
      transport: true,
    };
  }
  return { name: 'Error', message: err instanceof Error ? err.message : String(err) };
}
