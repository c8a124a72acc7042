/**
 * What a failed re-issue means for the run (workflows/failures.ts): the failure as the workflow
 * receives it → the summary it records → the verdict. Pure, table-driven. Includes failures
 * recorded by earlier workers (details without `fault`), which must keep their old verdicts.
 */
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import { classifyReissueFailure, retryHintMs, summarizeFailure } from '../../workflows/failures';
import type { ErrorSummary } from '../../workflows/definitions';

const activityFailure = (cause: Error) =>
  new ActivityFailure(
    'activity failed',
    'reissueCreateTask',
    '1',
    RetryState.NON_RETRYABLE_FAILURE,
    'w',
    cause,
  );

const aws = (type: string, details: object, nonRetryable = true) =>
  ApplicationFailure.create({ type, message: `StartTaskContact: ${type}`, nonRetryable, details: [details] });

describe('summarizeFailure', () => {
  test.each<[string, Error, Partial<ErrorSummary>]>([
    [
      'an AWS answer: name, status, retry hint',
      activityFailure(
        aws(
          'ThrottlingException',
          { httpStatusCode: 429, retryAfterMs: 1500, throttling: true, fault: 'client' },
          false,
        ),
      ),
      { name: 'ThrottlingException', httpStatusCode: 429, retryAfterMs: 1500, throttled: true },
    ],
    [
      'a server fault',
      activityFailure(aws('ServiceUnavailable', { httpStatusCode: 503, fault: 'server' })),
      { name: 'ServiceUnavailable', httpStatusCode: 503, serverFault: true },
    ],
    [
      'a failure recorded before `fault` existed: 5xx still counts as the server’s',
      activityFailure(aws('InternalServiceException', { httpStatusCode: 500, throttling: false })),
      { name: 'InternalServiceException', httpStatusCode: 500, serverFault: true },
    ],
    [
      'credentials',
      activityFailure(
        aws('ExpiredTokenException', { httpStatusCode: 403, fault: 'client', credentials: true }),
      ),
      { name: 'ExpiredTokenException', credentials: true },
    ],
    [
      'the activity retried a network fault and gave up: transport',
      activityFailure(
        ApplicationFailure.create({ type: 'Error', message: 'connect ECONNREFUSED', nonRetryable: false }),
      ),
      { name: 'Error', transport: true },
    ],
    [
      'a retryable AWS answer (throttling) is not transport',
      activityFailure(aws('ThrottlingException', { httpStatusCode: 429, throttling: true }, false)),
      { name: 'ThrottlingException', throttled: true },
    ],
    [
      'the activity timed out: transport',
      activityFailure(new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE')),
      { name: 'ActivityTimeout', transport: true },
    ],
  ])('%s', (_name, err, expected) => {
    const summary = summarizeFailure(err);
    expect(summary).toMatchObject(expected);
    if (!('transport' in expected)) expect(summary.transport).toBeUndefined();
  });
});

describe('classifyReissueFailure', () => {
  test.each<[Partial<ErrorSummary> & { name: string }, string, RegExp]>([
    [{ name: 'Error', transport: true }, 'retry', /could not be reached/],
    [{ name: 'ThrottlingException' }, 'retry', /transient/],
    [{ name: 'SomethingNew', throttled: true }, 'retry', /throttled/],
    [{ name: 'TooManyRequestsException' }, 'retry', /transient/],
    [{ name: 'InternalServiceException' }, 'retry', /transient/],
    [{ name: 'InternalFailure', httpStatusCode: 200 }, 'retry', /transient/],
    [{ name: 'UnknownError', httpStatusCode: 503, serverFault: true }, 'retry', /server fault \(HTTP 503\)/],
    [{ name: 'RequestTimeout', httpStatusCode: 408 }, 'retry', /transient/],
    [{ name: 'OddTimeout', httpStatusCode: 408 }, 'retry', /timed out/],
    [{ name: 'ServiceQuotaExceededException', httpStatusCode: 402 }, 'wait-for-capacity', /quota is full/],
    [
      {
        name: 'ServiceQuotaExceededException',
        message: 'Cannot create more than 12 tasks linked to the same PreviousContactId',
      },
      'wait-for-capacity',
      /quota is full/,
    ],
    [{ name: 'ExpiredTokenException', httpStatusCode: 403, credentials: true }, 'escalate', /credentials/],
    [{ name: 'CredentialsProviderError', credentials: true }, 'escalate', /credentials/],
    [{ name: 'AccessDeniedException', httpStatusCode: 403 }, 'escalate', /needs a person/],
    [{ name: 'ResourceNotFoundException', httpStatusCode: 404 }, 'escalate', /needs a person/],
    [{ name: 'InvalidParameterException', httpStatusCode: 400 }, 'escalate', /needs a person/],
    [{ name: 'RuleActionNotFound' }, 'escalate', /needs a person/],
  ])('%o → %s', (error, verdict, why) => {
    const result = classifyReissueFailure({ message: '', ...error });
    expect(result.verdict).toBe(verdict);
    expect(result.why).toMatch(why);
  });
});

describe('retryHintMs: the floor under every retry delay', () => {
  test.each<[number | undefined, number | undefined, number | undefined]>([
    [undefined, undefined, undefined],
    [2000, undefined, 2000],
    [undefined, 1500, 1500],
    // The latest error asks for longer than the event did: its hint wins...
    [1000, 3000, 3000],
    // ...and a shorter one never lowers AWS's retryDelay.
    [5000, 200, 5000],
    [0, 0, 0],
  ])('retryDelay %p, latest error Retry-After %p → %p', (retryDelay, retryAfterMs, floor) => {
    const lastError = retryAfterMs === undefined ? undefined : { retryAfterMs };
    expect(retryHintMs(retryDelay, lastError)).toBe(floor);
  });

  test('no latest error: only the event decides', () => {
    expect(retryHintMs(750, undefined)).toBe(750);
  });
});
