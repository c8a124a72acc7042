/**
 * Turns AWS SDK errors into Temporal failures the workflow can reason about.
 *
 * A *service* error (AWS answered with an error status) becomes a non-retryable ApplicationFailure
 * whose `type` is the SDK error's `name` (ThrottlingException, ServiceQuotaExceededException, …):
 * the workflow's policy decides what happens next, with durable timers. Anything else — a refused
 * connection, a timeout, a DNS failure — is rethrown unchanged so the activity's own Temporal retry
 * policy retries it: that is infrastructure, not a verdict on the action.
 */
import { ApplicationFailure } from '@temporalio/common';

export interface AwsFailureDetails {
  httpStatusCode?: number;
  requestId?: string;
  /** Retry hint the response carried (Retry-After), milliseconds. */
  retryAfterMs?: number;
  throttling?: boolean;
}

interface SdkServiceError extends Error {
  $metadata: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
}

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

export function awsServiceFailure(operation: string, err: SdkServiceError): ApplicationFailure {
  const details: AwsFailureDetails = {
    httpStatusCode: err.$metadata.httpStatusCode,
    requestId: err.$metadata.requestId,
    retryAfterMs: retryAfterMs(err.$response?.headers),
    throttling: err.$retryable?.throttling ?? false,
  };
  return ApplicationFailure.create({
    type: err.name,
    message: `${operation}: ${err.message}`,
    nonRetryable: true,
    details: [details],
  });
}

/** Runs an AWS call; service errors become typed non-retryable failures, the rest propagate. */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAwsServiceError(err)) throw awsServiceFailure(operation, err);
    throw err;
  }
}

/** A failure AWS reported inside a 200 response (PutEvents entries). */
export function entryFailure(operation: string, errorCode: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: errorCode,
    message: `${operation}: ${message}`,
    nonRetryable: true,
    details: [{ httpStatusCode: 200 } satisfies AwsFailureDetails],
  });
}
