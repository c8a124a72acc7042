/**
 * AWS answers handled by their nature: a real AWS SDK client talks to a local HTTP server that
 * answers exactly as the table says (status, headers, body), and the error the SDK raises goes
 * through callAws (activity side) and summarizeFailure + classifyReissueFailure (workflow side).
 * Errors the SDK does not model — a bare 503, ServiceUnavailable, UnknownError — are covered too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectClient, DescribeRuleCommand } from '@aws-sdk/client-connect';
import { ApplicationFailure } from '@temporalio/common';
import { callAws } from '../../activities/aws-failures';
import { classifyReissueFailure, summarizeFailure } from '../../workflows/failures';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

let answer: Answer;
let server: http.Server;
let connect: ConnectClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  connect = new ConnectClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  connect.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const json = (type: string, message = 'm'): Answer['headers'] => ({
  'content-type': 'application/json',
  'x-amzn-errortype': type,
  'x-amzn-requestid': 'req-1',
  ...(message ? {} : {}),
});

/** The failure callAws raises for the answer, or the raw error when it lets one through. */
async function failureFor(a: Answer): Promise<unknown> {
  answer = a;
  try {
    await callAws('DescribeRule', () =>
      connect.send(new DescribeRuleCommand({ InstanceId: 'i', RuleId: 'r' })),
    );
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded');
}

describe('AWS answers → failure → verdict', () => {
  test.each<[string, Answer, { type: string; retryable: boolean; verdict: string; why: RegExp }]>([
    [
      'modelled throttling (429)',
      { status: 429, headers: json('ThrottlingException'), body: '{"message":"Rate exceeded"}' },
      { type: 'ThrottlingException', retryable: true, verdict: 'retry', why: /throttled/ },
    ],
    [
      'throttling by status alone (429, unknown name)',
      { status: 429, headers: json('SomethingNewException'), body: '{"message":"slow down"}' },
      { type: 'SomethingNewException', retryable: true, verdict: 'retry', why: /throttled/ },
    ],
    [
      'modelled server fault (InternalServiceException 500)',
      { status: 500, headers: json('InternalServiceException'), body: '{"message":"oops"}' },
      { type: 'InternalServiceException', retryable: false, verdict: 'retry', why: /transient/ },
    ],
    [
      'unmodelled ServiceUnavailable (503)',
      { status: 503, headers: json('ServiceUnavailable'), body: '{"message":"try later"}' },
      { type: 'ServiceUnavailable', retryable: false, verdict: 'retry', why: /transient/ },
    ],
    [
      'a bare 503 with an HTML body',
      { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' },
      // The SDK cannot even parse the body: its error carries only the status, which says enough.
      { type: 'SyntaxError', retryable: false, verdict: 'retry', why: /server fault \(HTTP 503\)/ },
    ],
    [
      'an unknown 502 from a proxy',
      { status: 502, body: '' },
      { type: 'Unknown', retryable: false, verdict: 'retry', why: /server fault \(HTTP 502\)/ },
    ],
    [
      'RequestTimeout (408)',
      { status: 408, headers: json('RequestTimeout'), body: '{"message":"timed out"}' },
      { type: 'RequestTimeout', retryable: false, verdict: 'retry', why: /transient|timed out/ },
    ],
    [
      'expired credentials',
      {
        status: 403,
        headers: json('ExpiredTokenException'),
        body: '{"message":"The security token included in the request is expired"}',
      },
      {
        type: 'ExpiredTokenException',
        retryable: false,
        verdict: 'escalate',
        why: /credentials are missing, expired/,
      },
    ],
    [
      'unrecognised access key',
      {
        status: 403,
        headers: json('UnrecognizedClientException'),
        body: '{"message":"The security token included in the request is invalid."}',
      },
      { type: 'UnrecognizedClientException', retryable: false, verdict: 'escalate', why: /credentials/ },
    ],
    [
      'permissions (AccessDeniedException 403) need a person',
      { status: 403, headers: json('AccessDeniedException'), body: '{"message":"not authorized"}' },
      { type: 'AccessDeniedException', retryable: false, verdict: 'escalate', why: /needs a person/ },
    ],
    [
      'configuration (ResourceNotFoundException 404) needs a person',
      { status: 404, headers: json('ResourceNotFoundException'), body: '{"message":"Rule not found"}' },
      { type: 'ResourceNotFoundException', retryable: false, verdict: 'escalate', why: /needs a person/ },
    ],
    [
      'the task quota (ServiceQuotaExceededException 402) waits for capacity, whatever the message',
      { status: 402, headers: json('ServiceQuotaExceededException'), body: '{"message":"anything at all"}' },
      {
        type: 'ServiceQuotaExceededException',
        retryable: false,
        verdict: 'wait-for-capacity',
        why: /quota is full/,
      },
    ],
  ])('%s', async (_name, a, expected) => {
    const err = await failureFor(a);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(expected.type);
    expect(!failure.nonRetryable).toBe(expected.retryable);
    const { verdict, why } = classifyReissueFailure(summarizeFailure(failure));
    expect(verdict).toBe(expected.verdict);
    expect(why).toMatch(expected.why);
  });

  test('a quota error is the chain limit only where the request carried a PreviousContactId', async () => {
    answer = { status: 402, headers: json('ServiceQuotaExceededException'), body: '{"Message":"x"}' };
    const linked = await callAws(
      'StartTaskContact',
      () => connect.send(new DescribeRuleCommand({ InstanceId: 'i', RuleId: 'r' })),
      { previousContactId: true },
    ).catch((err: unknown) => err);
    expect(classifyReissueFailure(summarizeFailure(linked))).toMatchObject({
      verdict: 'escalate',
      why: expect.stringMatching(/PreviousContactId/),
    });
    const unlinked = await callAws(
      'StartTaskContact',
      () => connect.send(new DescribeRuleCommand({ InstanceId: 'i', RuleId: 'r' })),
      { previousContactId: false },
    ).catch((err: unknown) => err);
    expect(classifyReissueFailure(summarizeFailure(unlinked)).verdict).toBe('wait-for-capacity');
  });

  test('the HTTP status and request id travel in the details', async () => {
    const failure = (await failureFor({
      status: 429,
      headers: { ...json('ThrottlingException'), 'retry-after': '3' },
      body: '{"message":"Rate exceeded"}',
    })) as ApplicationFailure;
    expect(failure.details?.[0]).toMatchObject({
      httpStatusCode: 429,
      requestId: 'req-1',
      retryAfterMs: 3000,
      throttling: true,
    });
    expect(summarizeFailure(failure)).toMatchObject({
      name: 'ThrottlingException',
      throttled: true,
      retryAfterMs: 3000,
    });
  });

  test('no credentials at all: a clear, non-retryable failure before any request', async () => {
    const noCredentials = new ConnectClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: () =>
        Promise.reject(
          Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          }),
        ),
      maxAttempts: 1,
    });
    const err = await callAws('StartTaskContact', () =>
      noCredentials.send(new DescribeRuleCommand({ InstanceId: 'i', RuleId: 'r' })),
    ).catch((e: unknown) => e);
    noCredentials.destroy();
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).message).toMatch(/no AWS credentials.*AWS_PROFILE/);
    expect(classifyReissueFailure(summarizeFailure(err))).toMatchObject({ verdict: 'escalate' });
  });

  test('a refused connection is not AWS answering: it propagates for the activity to retry', async () => {
    const unreachable = new ConnectClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const err = await callAws('DescribeRule', () =>
      unreachable.send(new DescribeRuleCommand({ InstanceId: 'i', RuleId: 'r' })),
    ).catch((e: unknown) => e);
    unreachable.destroy();
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(`${(err as NodeJS.ErrnoException).code} ${String(err)}`).toMatch(/ECONNREFUSED/);
  });
});
