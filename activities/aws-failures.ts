/**
 * Turns AWS SDK errors into Temporal failures the workflow can reason about — by the error's
 * nature (the SDK's fault, HTTP status and retryable marks), not only by its name, so errors the
 * SDK does not model (a bare 503, `ServiceUnavailable`, `UnknownError`) are handled too.
 *
 * - Throttling (429, the SDK's throttling mark, a throttling name) becomes a *retryable* failure:
 *   the activity is retried in place, through its rate-limited task queue, so a throttled call
 *   keeps its turn and never costs an attempt of the policy's retry budget.
 * - Every other answer from AWS becomes a non-retryable ApplicationFailure whose `type` is the SDK
 *   error's `name`, with what AWS said about it in the details (AwsFailureDetails): the workflow's
 *   policy decides what happens next, with durable timers.
 * - Missing credentials (the SDK found none, before any request) become a non-retryable failure
 *   that says so: retrying cannot fix them.
 * - Anything else — a refused connection, a socket timeout, a DNS failure — is rethrown unchanged
 *   so the activity's own retry policy retries it: infrastructure, not a verdict on the action —
 *   until MAX_TRANSPORT_ATTEMPTS, after which it goes back to the workflow as `AwsUnreachable`.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AwsFailureDetails } from '../events/aws-failure';

/**
 * Activities on the rate-limited AWS queues retry without an attempt limit (throttling must never
 * cost a run its turn); a network fault that persists this many attempts goes back to the
 * workflow instead, whose policy decides with durable timers.
 */
export const MAX_TRANSPORT_ATTEMPTS = 5;

interface SdkServiceError extends Error {
  $metadata: { httpStatusCode?: number; requestId?: string };
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
}

/** Names AWS services use for "slow down" (Connect, EventBridge, STS, the SDK's own list). */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

/** Answers that mean the caller's credentials are expired, unknown or malformed. */
const CREDENTIAL_NAMES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AuthFailure',
]);

/** The SDK's error when no credential source in its chain yielded credentials (no request was sent). */
const NO_CREDENTIALS = 'CredentialsProviderError';

export function isAwsServiceError(err: unknown): err is SdkServiceError {
  return (
    err instanceof Error &&
    typeof (err as Partial<SdkServiceError>).$metadata === 'object' &&
    typeof (err as SdkServiceError).$metadata.httpStatusCode === 'number'
  );
}

function retryAfterMs(headers: Record<string, string | undefined> | undefined): number | undefined {
  const value = headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

/** What the SDK error says about itself, by nature rather than by name alone. */
export function awsFailureDetails(err: SdkServiceError): AwsFailureDetails {
  const status = err.$metadata.httpStatusCode;
  const fault = err.$fault ?? (status !== undefined && status >= 500 ? 'server' : 'client');
  return {
    httpStatusCode: status,
    requestId: err.$metadata.requestId,
    retryAfterMs: retryAfterMs(err.$response?.headers),
    throttling: err.$retryable?.throttling === true || THROTTLING_NAMES.has(err.name) || status === 429,
    fault,
    ...(CREDENTIAL_NAMES.has(err.name) ? { credentials: true } : {}),
  };
}

export function awsServiceFailure(
  operation: string,
  err: SdkServiceError,
  request: Pick<AwsFailureDetails, 'previousContactId'> = {},
): ApplicationFailure {
  const details = { ...awsFailureDetails(err), ...(request.previousContactId ? request : {}) };
  return ApplicationFailure.create({
    type: err.name,
    message: `${operation}: ${err.message}`,
    nonRetryable: !details.throttling,
    details: [details],
  });
}

function noCredentialsFailure(operation: string, err: Error): ApplicationFailure {
  return ApplicationFailure.create({
    type: NO_CREDENTIALS,
    message:
      `${operation}: the worker has no AWS credentials (${err.message}). Give it a role, ` +
      'AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then retry the run.',
    nonRetryable: true,
    details: [{ credentials: true } satisfies AwsFailureDetails],
  });
}

/** Runs an AWS call; AWS's answers become typed failures (see the header), the rest propagate. */
export async function callAws<T>(
  operation: string,
  call: () => Promise<T>,
  /** What the request itself tells about AWS's possible answers (see AwsFailureDetails). */
  request: Pick<AwsFailureDetails, 'previousContactId'> = {},
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAwsServiceError(err)) throw awsServiceFailure(operation, err, request);
    if (err instanceof Error && err.name === NO_CREDENTIALS) throw noCredentialsFailure(operation, err);
    if ((activityAttempt() ?? 0) >= MAX_TRANSPORT_ATTEMPTS) throw unreachableFailure(operation, err);
    throw err;
  }
}

/** The attempt number of the running activity (undefined outside an activity, e.g. in unit tests). */
function activityAttempt(): number | undefined {
  try {
    return Context.current().info.attempt;
  } catch {
    return undefined;
  }
}

function unreachableFailure(operation: string, err: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'AwsUnreachable',
    message: `${operation}: AWS could not be reached in ${MAX_TRANSPORT_ATTEMPTS} attempts (${(err as Error).message})`,
    nonRetryable: true,
    details: [{ unreachable: true } satisfies AwsFailureDetails],
  });
}

/** A failure AWS reported inside a 200 response (PutEvents entries). */
export function entryFailure(operation: string, errorCode: string, message: string): ApplicationFailure {
  const throttling = THROTTLING_NAMES.has(errorCode);
  return ApplicationFailure.create({
    type: errorCode,
    message: `${operation}: ${message}`,
    nonRetryable: !throttling,
    details: [{ httpStatusCode: 200, throttling } satisfies AwsFailureDetails],
  });
}
