/**
 * The SQS ingress against the simulator's SQS (real @aws-sdk/client-sqs) and the run's Temporal dev
 * server: 500 events, one malformed and 50 delivered twice, must become exactly 499 runs, the
 * malformed one must land in the dead-letter queue with its errors, and the queue must drain —
 * also when Temporal is unreachable for 20 seconds in the middle.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Client, Connection } from '@temporalio/client';
import { createIngressMetrics, type IngressMetrics } from '../../ingress/metrics';
import { startSqsIngress, type RunningSqsIngress } from '../../ingress/sqs/consumer';
import { remediationWorkflowId } from '../../workflows/definitions';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { failureEvent } from '../helpers/events';
import { createQueueWithDlq, messagesIn, receiveAll, sendBodies, sqsClient } from '../helpers/sqs';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { closeLater, connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { runExists, waitForCount } from './harness';

jest.setTimeout(180_000);

let temporal: TestTemporal;
let sim: RunningSimulator;
let sqs: SQSClient;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  temporal = await connectTestTemporal();
  sim = await startSimulator();
  sqs = sqsClient(sim.endpoint);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  sqs?.destroy();
  await sim?.stop();
  await temporal?.close();
});

/** 499 valid events plus one malformed, and the 550 bodies to deliver (50 valid ones twice). */
function workload() {
  const events = Array.from({ length: 499 }, () => failureEvent());
  const malformed = { ...failureEvent(), account: 'not-an-account' };
  const bodies = [...events, malformed].map((e) => JSON.stringify(e));
  const twice = bodies.slice(0, 50);
  return { events, malformed, bodies, twice };
}

async function startIngress(client: Client, queueUrl: string, taskQueue: string, metrics: IngressMetrics) {
  const ingress = await startSqsIngress({
    sqs,
    client,
    target: { taskQueue, namespace: temporal.namespace, webUiUrl: temporal.uiUrl },
    metrics,
    settings: {
      queueUrl,
      concurrency: 4,
      batchSize: 10,
      waitTimeSeconds: 1,
      retryDelaySeconds: 1,
      startTimeoutMs: 2000,
    },
  });
  cleanups.push(() => ingress.stop());
  return ingress;
}

async function counter(metrics: IngressMetrics, name: 'started' | 'duplicate'): Promise<number> {
  return (await metrics[name].get()).values[0]?.value ?? 0;
}

async function expectOutcome(
  client: Client,
  ingress: RunningSqsIngress,
  queueUrl: string,
  dlqUrl: string,
  taskQueue: string,
  { events, malformed }: ReturnType<typeof workload>,
) {
  await eventually(async () => (await messagesIn(sqs, queueUrl)) === 0, 'the queue to drain', 120_000);
  await ingress.stop();
  // Exactly one run per event: a second run of any id would make the count exceed 499.
  expect(await waitForCount(client, `TaskQueue = "${taskQueue}"`, 499, 30_000)).toBe(499);
  const missing: string[] = [];
  for (const event of events) {
    if (!(await runExists(client, remediationWorkflowId(event.id)))) missing.push(event.id);
  }
  expect(missing).toEqual([]);
  expect(await runExists(client, remediationWorkflowId(malformed.id))).toBe(false);

  const dead = await receiveAll(sqs, dlqUrl);
  expect(dead).toHaveLength(1);
  expect(JSON.parse(dead[0]!.Body!)).toEqual(malformed);
  const attributes = dead[0]!.MessageAttributes!;
  expect(attributes.ERROR_CODE?.StringValue).toBe('INVALID_EVENT');
  expect(attributes.ERROR_MESSAGE?.StringValue).toContain('$.account: expected a 12-digit AWS account id');
  expect(JSON.parse(attributes.VALIDATION_ERRORS!.StringValue!)).toEqual([
    expect.objectContaining({ path: '$.account', found: '"not-an-account"' }),
  ]);
  expect(attributes.SOURCE_QUEUE_URL?.StringValue).toBe(queueUrl);
  // At once, not after maxReceiveCount receives.
  expect(dead[0]!.Attributes?.ApproximateReceiveCount).toBe('1');
}

test('500 events, one malformed and 50 twice: 499 runs, the malformed one in the DLQ, the queue empty', async () => {
  const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 'steady', { maxReceiveCount: 5 });
  const taskQueue = uniqueTaskQueue('sqs');
  const load = workload();
  await sendBodies(sqs, queueUrl, [...load.bodies, ...load.twice]);
  const metrics = createIngressMetrics();
  const ingress = await startIngress(temporal.client, queueUrl, taskQueue, metrics);
  expect(ingress.deadLetterQueueUrl).toBe(dlqUrl);

  await expectOutcome(temporal.client, ingress, queueUrl, dlqUrl, taskQueue, load);
  expect(await counter(metrics, 'started')).toBe(499);
  expect(await counter(metrics, 'duplicate')).toBe(50);
  expect((await metrics.received.get()).values[0]?.value).toBe(550);
  expect(await metrics.registry.metrics()).toContain(
    'connect_remediator_ingress_events_rejected_total{reason="invalid"} 1',
  );
});

test('the same with Temporal unreachable for 20 seconds in the middle: nothing lost, nothing started twice', async () => {
  const proxy: TcpProxy = await startTcpProxy(temporal.address);
  cleanups.push(() => proxy.close());
  // The ingress reaches Temporal only through the proxy; the test's own checks go direct.
  const connection = Connection.lazy({ address: proxy.address });
  cleanups.push(async () => closeLater(connection));
  const client = new Client({ connection, namespace: temporal.namespace });

  const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 'outage', { maxReceiveCount: 10 });
  const taskQueue = uniqueTaskQueue('sqs-outage');
  const load = workload();
  const deliveries = [...load.bodies, ...load.twice];
  // The malformed event and half the duplicates are in the second half, sent during the outage.
  const firstHalf = deliveries.slice(0, 250);
  const secondHalf = deliveries.slice(250);
  await sendBodies(sqs, queueUrl, firstHalf);
  const metrics = createIngressMetrics();
  const ingress = await startIngress(client, queueUrl, taskQueue, metrics);

  await eventually(async () => (await counter(metrics, 'started')) >= 100, '100 runs started', 60_000);
  await proxy.cut();
  const cutAt = Date.now();
  await sendBodies(sqs, queueUrl, secondHalf);
  await eventually(
    async () => (await metrics.registry.metrics()).includes('reason="temporal-unavailable"'),
    'starts to fail while Temporal is unreachable',
    20_000,
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - cutAt))));
  // Nothing was deleted while no run could start: every valid event sent during the outage is still
  // queued (only the malformed one may have gone, to the dead-letter queue).
  expect(await messagesIn(sqs, queueUrl)).toBeGreaterThanOrEqual(secondHalf.length - 1);
  await proxy.restore();

  await expectOutcome(temporal.client, ingress, queueUrl, dlqUrl, taskQueue, load);
  // A start that reached Temporal just as the connection dropped is a duplicate on redelivery.
  expect((await counter(metrics, 'started')) + (await counter(metrics, 'duplicate'))).toBeGreaterThanOrEqual(
    549,
  );
  expect(await counter(metrics, 'started')).toBeLessThanOrEqual(499);
});
