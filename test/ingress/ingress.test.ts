/**
 * POST /events against the run's real Temporal dev server: exactly one run per event id, whatever
 * the redeliveries; arrays; API key; health, readiness and metrics; 503 when Temporal is away.
 * No worker polls these task queues: the ingress must not depend on what the workflow does.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { freePort } from '../../dev/temporal-dev-server';
import { startIngress, type RunningIngress } from '../../ingress';
import { REMEDIATION_WORKFLOW_TYPE, remediationWorkflowId } from '../../workflows/definitions';
import {
  ConnectActionType,
  ConnectInstanceId,
  ConnectReasonCode,
  ConnectRuleId,
  ConnectTriggerEvent,
  RemediationPhase,
} from '../../workflows/search-attributes';
import { failureEvent, loadSampleEvent } from '../helpers/events';
import { closeLater } from '../helpers/temporal';
import { startTcpProxy } from '../helpers/tcp-proxy';
import {
  createTestIngress,
  runExists,
  useTestIngress,
  waitForCount,
  type HttpAnswer,
  type TestIngress,
} from './harness';

const ctx = useTestIngress();

const SAMPLE_RUN = 'remediate-8d122163-6c07-f8cb-06e7-373a1bcf8fc6';

/** The sample's id is global on the shared server: start this test from a clean slate. */
async function deleteRunIfPresent(workflowId: string): Promise<void> {
  if (!(await runExists(ctx.temporal.client, workflowId))) return;
  await ctx.temporal.client.workflowService.deleteWorkflowExecution({
    namespace: ctx.temporal.namespace,
    workflowExecution: { workflowId },
  });
  const deadline = Date.now() + 15_000;
  while ((await runExists(ctx.temporal.client, workflowId)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('the AWS sample event starts run remediate-<id> (202 started); delivered again it is a duplicate', async () => {
  await deleteRunIfPresent(SAMPLE_RUN);
  const sample = loadSampleEvent();

  const first = await ctx.ingress.post(sample);
  expect(first.statusCode).toBe(202);
  expect(first.json()).toEqual({
    eventId: sample.id,
    workflowId: SAMPLE_RUN,
    status: 'started',
    webUiUrl: `${ctx.temporal.uiUrl}/namespaces/default/workflows/${SAMPLE_RUN}`,
  });

  const handle = ctx.temporal.client.workflow.getHandle(SAMPLE_RUN);
  const description = await handle.describe();
  expect(description.type).toBe(REMEDIATION_WORKFLOW_TYPE);
  expect(description.taskQueue).toBe(ctx.ingress.taskQueue);
  // Findable before any worker has touched the run.
  const attributes = description.typedSearchAttributes;
  expect(attributes.get(ConnectReasonCode)).toBe('ResourceNotFoundException');
  expect(attributes.get(ConnectActionType)).toBe('CREATE_TASK');
  expect(attributes.get(ConnectTriggerEvent)).toBe('THIRD_PARTY');
  expect(attributes.get(ConnectRuleId)).toBe('7410c94b-21c2-4db0-a707-c6d751edbe8f');
  expect(attributes.get(ConnectInstanceId)).toBe('cb54730f-5aac-4376-b2f4-7c822889931e');
  expect(attributes.get(RemediationPhase)).toBe('received');
  expect(await description.staticSummary()).toBe(
    'CREATE_TASK failed: ResourceNotFoundException — ContactFlowId provided does not belong to connect instance',
  );
  expect(await description.staticDetails()).toContain('7410c94b-21c2-4db0-a707-c6d751edbe8f');

  // The workflow gets the event exactly as delivered, and how it came.
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const input = ctx.temporal.client.options.loadedDataConverter.payloadConverter.fromPayload(
    started!.input!.payloads![0]!,
  );
  expect(input).toEqual({ event: sample, receivedVia: 'ingress' });

  const again = await ctx.ingress.post(sample);
  expect(again.statusCode).toBe(202);
  expect(again.json()).toMatchObject({ workflowId: SAMPLE_RUN, status: 'duplicate' });
  expect((await handle.describe()).runId).toBe(description.runId);
});

test('50 concurrent deliveries of one new event over HTTP start exactly one run', async () => {
  const server: RunningIngress = await startIngress({
    client: ctx.temporal.client,
    temporal: ctx.ingress.target,
    ingress: { host: '127.0.0.1', port: 0, apiKey: ctx.ingress.apiKey, apiKeyHeader: 'x-api-key' },
  });
  try {
    const event = failureEvent();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${server.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': ctx.ingress.apiKey },
          body: JSON.stringify(event),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(new Array(50).fill(202));
    const statuses = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { status: string }).status),
    );
    expect(statuses.filter((s) => s === 'started')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
    expect(
      await waitForCount(ctx.temporal.client, `WorkflowId = "${remediationWorkflowId(event.id)}"`, 1),
    ).toBe(1);
  } finally {
    await server.close();
  }
});

test('a redelivery after the run has finished starts nothing and answers duplicate', async () => {
  const event = failureEvent();
  expect((await ctx.ingress.post(event)).json()).toMatchObject({ status: 'started' });
  const handle = ctx.temporal.client.workflow.getHandle(remediationWorkflowId(event.id));
  await handle.terminate('finished for the test');
  const { runId } = await handle.describe();

  const redelivery = await ctx.ingress.post(event);
  expect(redelivery.statusCode).toBe(202);
  expect(redelivery.json()).toMatchObject({ status: 'duplicate' });
  const after = await handle.describe();
  expect(after.runId).toBe(runId);
  expect(after.status.name).toBe('TERMINATED');
});

test('an array starts every valid event; invalid ones are named by index (400) and start nothing', async () => {
  const good1 = failureEvent();
  const good2 = failureEvent({ reasonCode: 'ThrottlingException' });
  const bad = {
    ...failureEvent(),
    account: 'nope',
    detail: { ...failureEvent().detail, instanceArn: 'arn:aws:s3:::x' },
  };
  const response = await ctx.ingress.post([good1, bad, good2]);
  expect(response.statusCode).toBe(400);
  const body = response.json();
  expect(body).toMatchObject({ started: 2, duplicate: 0, rejected: 1, failed: 0 });
  expect(body.error).toMatch(/1 of 3 events were rejected/);
  expect(body.results[0]).toMatchObject({ index: 0, status: 'started', eventId: good1.id });
  expect(body.results[2]).toMatchObject({ index: 2, status: 'started', eventId: good2.id });
  expect(body.results[1]).toMatchObject({ index: 1, status: 'rejected', reason: 'invalid' });
  expect(body.results[1].errors.map((e: { path: string }) => e.path)).toEqual([
    '$.account',
    '$.detail.instanceArn',
  ]);
  expect(await runExists(ctx.temporal.client, remediationWorkflowId(good1.id))).toBe(true);
  expect(await runExists(ctx.temporal.client, remediationWorkflowId(good2.id))).toBe(true);
  expect(await runExists(ctx.temporal.client, remediationWorkflowId(bad.id))).toBe(false);
});

test('an all-valid array answers 202 with one result per event, a repeat inside it included', async () => {
  const event = failureEvent();
  const response = await ctx.ingress.post([event, event]);
  expect(response.statusCode).toBe(202);
  const statuses = response
    .json()
    .results.map((r: { status: string }) => r.status)
    .sort();
  expect(statuses).toEqual(['duplicate', 'started']);
});

test('an array item above 256 KB is rejected on its own', async () => {
  const small = failureEvent();
  const huge = failureEvent({ error: 'x'.repeat(300 * 1024) });
  const response = await ctx.ingress.post([small, huge]);
  expect(response.statusCode).toBe(400);
  expect(response.json().results[1]).toMatchObject({ status: 'rejected', reason: 'too-large' });
  expect(await runExists(ctx.temporal.client, remediationWorkflowId(huge.id))).toBe(false);
  expect(await runExists(ctx.temporal.client, remediationWorkflowId(small.id))).toBe(true);
});

test('malformed or missing additionalInfo is flagged in the answer, and the run still starts', async () => {
  const malformed = await ctx.ingress.post(failureEvent({ additionalInfo: '{"retryDelay": ' }));
  expect(malformed.statusCode).toBe(202);
  expect(malformed.json()).toMatchObject({
    status: 'started',
    warnings: [expect.stringMatching(/additionalInfo is malformed/)],
  });
});

test('a long non-ASCII error message still starts (the Web UI summary is cut to fit)', async () => {
  const event = failureEvent({ error: '服务暂时不可用 🚧 '.repeat(2000) });
  expect((await ctx.ingress.post(event)).statusCode).toBe(202);
  const summary = await (
    await ctx.temporal.client.workflow.getHandle(remediationWorkflowId(event.id)).describe()
  ).staticSummary();
  expect(Buffer.byteLength(summary ?? '')).toBeLessThanOrEqual(200);
  expect(summary).toMatch(/^CREATE_TASK failed: ResourceNotFoundException — 服务暂时不可用/);
});

describe('API key', () => {
  test.each([
    ['missing', undefined],
    ['wrong', 'not-the-key'],
    ['wrong, same length', 'x'.repeat(`key-${randomUUID()}`.length)],
    ['empty', ''],
  ])('%s → 401 saying nothing about the key, and no run', async (_label, key) => {
    const event = failureEvent();
    const response = await ctx.ingress.post(event, { 'x-api-key': key });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'unauthorized' });
    expect(response.body).not.toMatch(/x-api-key|header|key/i);
    expect(await runExists(ctx.temporal.client, remediationWorkflowId(event.id))).toBe(false);
  });

  test('the key is checked before the body is read: a bad body without a key is still 401', async () => {
    expect((await ctx.ingress.post('not json', { 'x-api-key': undefined })).statusCode).toBe(401);
  });

  test('the header name is configurable (INGRESS_API_KEY_HEADER)', async () => {
    const custom = await createTestIngress(ctx.temporal, {
      ingress: { apiKey: 'k1', apiKeyHeader: 'x-connect-remediator-key' },
    });
    try {
      expect(
        (await custom.post(failureEvent(), { 'x-api-key': undefined, 'x-connect-remediator-key': 'k1' }))
          .statusCode,
      ).toBe(202);
      expect((await custom.post(failureEvent(), { 'x-api-key': 'k1' })).statusCode).toBe(401);
    } finally {
      await custom.close();
    }
  });

  test('health, readiness and metrics need no key', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      expect((await ctx.ingress.get(url)).statusCode).toBe(200);
    }
  });
});

test('readyz reports Temporal reachable; metrics count received, started, duplicate and rejected by reason', async () => {
  const fresh = await createTestIngress(ctx.temporal);
  try {
    expect((await fresh.get('/readyz')).json()).toEqual({
      status: 'ready',
      temporal: 'reachable',
    });
    const event = failureEvent();
    await fresh.post(event);
    await fresh.post(event);
    await fresh.post({ ...event, id: '' });
    await fresh.post('{', {});
    await fresh.post(event, { 'x-api-key': 'wrong' });
    const metrics = await fresh.get('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = metrics.body;
    expect(text).toMatch(/^connect_remediator_ingress_events_received_total 3$/m);
    expect(text).toMatch(/^connect_remediator_ingress_events_started_total 1$/m);
    expect(text).toMatch(/^connect_remediator_ingress_events_duplicate_total 1$/m);
    expect(text).toMatch(/^connect_remediator_ingress_events_rejected_total\{reason="invalid"\} 1$/m);
    expect(text).toMatch(/^connect_remediator_ingress_events_rejected_total\{reason="not-json"\} 1$/m);
    expect(text).toMatch(/^connect_remediator_ingress_events_rejected_total\{reason="unauthorized"\} 1$/m);
    expect(text).toMatch(
      /^connect_remediator_ingress_request_duration_seconds_count\{method="POST",route="\/events",status_code="202"\} 2$/m,
    );
  } finally {
    await fresh.close();
  }
});

describe('Temporal unreachable', () => {
  let deadClient: Client;
  let dead: TestIngress;

  beforeAll(async () => {
    // A port nothing listens on; lazy, as the ingress command connects.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    deadClient = new Client({ connection, namespace: ctx.temporal.namespace });
    dead = await createTestIngress(ctx.temporal, { client: deadClient, startTimeoutMs: 1000 });
  });

  afterAll(async () => {
    await dead.close();
    closeLater(deadClient.connection as Connection);
  });

  test('a valid event gets 503 with Retry-After, so EventBridge delivers it again later', async () => {
    const response = await dead.post(failureEvent());
    expect(response.statusCode).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.json()).toMatchObject({ error: expect.stringMatching(/retry later/) });
    const metrics = (await dead.get('/metrics')).body;
    expect(metrics).toMatch(/events_rejected_total\{reason="temporal-unavailable"\} 1$/m);
  });

  test('in an array, one unreachable start makes the whole answer 503', async () => {
    const response = await dead.post([failureEvent(), failureEvent()]);
    expect(response.statusCode).toBe(503);
    expect(response.json().results.map((r: { reason: string }) => r.reason)).toEqual([
      'temporal-unavailable',
      'temporal-unavailable',
    ]);
  });

  test('an invalid event is still 400, never a 5xx', async () => {
    expect((await dead.post({ ...failureEvent(), source: 'aws.s3' })).statusCode).toBe(400);
  });

  test('readyz is 503', async () => {
    const response = await dead.get('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not ready', temporal: 'unreachable' });
  });

  test('503 wins over 400 in a mixed array: the whole request is retried, the invalid one refused again', async () => {
    const response = await dead.post([failureEvent(), { ...failureEvent(), source: 'aws.s3' }]);
    expect(response.statusCode).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.json().results).toMatchObject([
      { status: 'failed', reason: 'temporal-unavailable' },
      { status: 'rejected', reason: 'invalid' },
    ]);
  });
});

test('the same ingress accepts the event once Temporal is back: EventBridge resends the same body', async () => {
  const proxy = await startTcpProxy(ctx.temporal.address);
  const connection = Connection.lazy({ address: proxy.address });
  const client = new Client({ connection, namespace: ctx.temporal.namespace });
  const ingress = await createTestIngress(ctx.temporal, { client, startTimeoutMs: 1000 });
  try {
    expect((await ingress.post(failureEvent())).statusCode).toBe(202);
    await proxy.cut();
    const event = failureEvent();
    expect((await ingress.post(event)).statusCode).toBe(503);
    expect(await runExists(ctx.temporal.client, remediationWorkflowId(event.id))).toBe(false);
    await proxy.restore();
    // EventBridge retries with backoff; the client reconnects on its own.
    const accepted = await eventuallyAnswered(() => ingress.post(event), 202);
    expect(accepted.json()).toMatchObject({ status: 'started' });
    expect((await ingress.post(event)).json()).toMatchObject({ status: 'duplicate' });
  } finally {
    await ingress.close();
    closeLater(connection);
    await proxy.close();
  }
}, 60_000);

describe('Temporal refuses the start for a reason of its own (here: a namespace that does not exist)', () => {
  let client: Client;
  let refusing: TestIngress;

  beforeAll(async () => {
    client = new Client({ connection: ctx.temporal.client.connection, namespace: `missing-${randomUUID()}` });
    refusing = await createTestIngress(ctx.temporal, { client });
  });
  afterAll(() => refusing.close());

  test('a valid event gets 500 (retried: the event was fine), with no internal message in the body', async () => {
    const response = await refusing.post(failureEvent());
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ status: 'failed', reason: 'temporal-error' });
    expect(response.body).not.toMatch(/namespace/i);
    expect(response.headers.get('retry-after')).toBeNull();
  });

  test('500 wins over 400 in a mixed array', async () => {
    const response = await refusing.post([{ ...failureEvent(), id: '' }, failureEvent()]);
    expect(response.statusCode).toBe(500);
    expect(response.json().results).toMatchObject([
      { status: 'rejected', reason: 'invalid' },
      { status: 'failed', reason: 'temporal-error' },
    ]);
  });
});

async function eventuallyAnswered(post: () => Promise<HttpAnswer>, status: number): Promise<HttpAnswer> {
  const until = Date.now() + 30_000;
  for (;;) {
    const answer = await post();
    if (answer.statusCode === status || Date.now() > until) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test('WorkflowNotFoundError is what an unknown run looks like (the helper relies on it)', async () => {
  await expect(
    ctx.temporal.client.workflow.getHandle(`remediate-${randomUUID()}`).describe(),
  ).rejects.toBeInstanceOf(WorkflowNotFoundError);
});
