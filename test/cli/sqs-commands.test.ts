/**
 * `connect-remediator dlq replay` and `connect-remediator ingress --sqs`, run as a user would (child
 * processes) against the simulator's SQS (SQS_ENDPOINT) and the run's Temporal dev server.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { remediationWorkflowId } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import { spawnCli, type CliProcess } from '../helpers/processes';
import {
  createQueue,
  createQueueWithDlq,
  messagesIn,
  receiveAll,
  sendBodies,
  sqsClient,
} from '../helpers/sqs';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { runExists } from '../ingress/harness';

jest.setTimeout(120_000);

let temporal: TestTemporal;
let sim: RunningSimulator;
let sqs: SQSClient;
const running: CliProcess[] = [];

beforeAll(async () => {
  temporal = await connectTestTemporal();
  sim = await startSimulator();
  sqs = sqsClient(sim.endpoint);
});

afterAll(async () => {
  for (const cli of running) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
  sqs?.destroy();
  await sim?.stop();
  await temporal?.close();
});

function env(taskQueue: string): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_WEB_UI_URL: 'http://ui.example',
    SQS_ENDPOINT: sim.endpoint,
    INGRESS_API_KEY: '',
    INGRESS_PORT: '0',
  };
}

function cli(args: string[], taskQueue: string): CliProcess {
  const spawned = spawnCli(args, env(taskQueue));
  running.push(spawned);
  return spawned;
}

/** As EventBridge writes a target's dead letter: the event as body, the failure as attributes. */
const EVENTBRIDGE_DLQ_ATTRIBUTES = {
  ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
  ERROR_MESSAGE: { DataType: 'String', StringValue: 'Unable to invoke ApiDestination endpoint: timeout' },
  RULE_ARN: {
    DataType: 'String',
    StringValue: 'arn:aws:events:us-east-1:123456789012:rule/connect-failures',
  },
  TARGET_ARN: {
    DataType: 'String',
    StringValue: 'arn:aws:events:us-east-1:123456789012:api-destination/remediator/abc',
  },
};

async function replay(args: string[], taskQueue: string) {
  const run = cli(['dlq', 'replay', ...args, '--json'], taskQueue);
  const { code } = await run.exited;
  return { code, report: JSON.parse(run.output()) as Record<string, unknown> & { items: unknown[] } };
}

test('20 events in a dead-letter queue: replay starts 20 runs; the same 20 again: 0 started, 20 duplicates', async () => {
  const dlqUrl = await createQueue(sqs, 'replay-dlq');
  const taskQueue = uniqueTaskQueue('dlq');
  const events = Array.from({ length: 20 }, () => failureEvent());
  const bodies = events.map((e) => JSON.stringify(e));
  await sendBodies(sqs, dlqUrl, bodies, EVENTBRIDGE_DLQ_ATTRIBUTES);

  const first = await replay([dlqUrl], taskQueue);
  expect(first.code).toBe(0);
  expect(first.report).toMatchObject({ received: 20, started: 20, duplicate: 0, notReplayed: 0 });
  expect(first.report.items[0]).toMatchObject({
    status: 'started',
    deadLetteredFor: 'SDK_CLIENT_ERROR: Unable to invoke ApiDestination endpoint: timeout',
  });
  for (const event of events)
    expect(await runExists(temporal.client, remediationWorkflowId(event.id))).toBe(true);
  expect(await messagesIn(sqs, dlqUrl)).toBe(0);

  await sendBodies(sqs, dlqUrl, bodies, EVENTBRIDGE_DLQ_ATTRIBUTES);
  const again = await replay([dlqUrl], taskQueue);
  expect(again.code).toBe(0);
  expect(again.report).toMatchObject({ received: 20, started: 0, duplicate: 20, notReplayed: 0 });
  expect(await messagesIn(sqs, dlqUrl)).toBe(0);
});

test('--dry-run starts and deletes nothing; --limit reads only so many; a malformed event stays with its reason', async () => {
  const dlqUrl = await createQueue(sqs, 'replay-partial');
  const taskQueue = uniqueTaskQueue('dlq');
  const events = Array.from({ length: 5 }, () => failureEvent());
  const malformed = { ...failureEvent(), region: 'moon-1' };
  await sendBodies(
    sqs,
    dlqUrl,
    [...events, malformed].map((e) => JSON.stringify(e)),
  );

  const dry = await replay([dlqUrl, '--dry-run'], taskQueue);
  expect(dry.code).toBe(1);
  expect(dry.report).toMatchObject({ dryRun: true, received: 6, wouldReplay: 5, started: 0, notReplayed: 1 });
  expect(await messagesIn(sqs, dlqUrl)).toBe(6);
  expect(await runExists(temporal.client, remediationWorkflowId(events[0]!.id))).toBe(false);

  const limited = await replay([dlqUrl, '--limit', '2'], taskQueue);
  expect(limited.report).toMatchObject({ received: 2 });
  expect(await messagesIn(sqs, dlqUrl)).toBe(6 - Number(limited.report.started));

  const text = cli(['dlq', 'replay', dlqUrl], taskQueue);
  expect((await text.exited).code).toBe(1);
  expect(text.output()).toMatch(/not replayed: message \S+ is not a valid event:\n {10}\$\.region: expected/);
  expect(text.output()).toMatch(
    /messages read: \d+ started, 0 duplicate \(both deleted\), 1 not replayed \(left in the queue\)/,
  );
  // Only the malformed event is left, visible again for the next look.
  const left = await receiveAll(sqs, dlqUrl);
  expect(left.map((m) => JSON.parse(m.Body!).id)).toEqual([malformed.id]);
  for (const event of events)
    expect(await runExists(temporal.client, remediationWorkflowId(event.id))).toBe(true);
});

test('ingress --sqs starts runs from the queue, dead-letters a malformed event, serves /metrics, stops on SIGTERM', async () => {
  const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 'cli-ingress', { maxReceiveCount: 5 });
  const taskQueue = uniqueTaskQueue('sqs-cli');
  const events = Array.from({ length: 3 }, () => failureEvent());
  const malformed = { ...failureEvent(), source: 'not.connect' };
  await sendBodies(sqs, queueUrl, [...[...events, malformed].map((e) => JSON.stringify(e)), 'not json']);

  const ingress = cli(['ingress', '--sqs', queueUrl, '--wait-seconds', '1'], taskQueue);
  await ingress.waitFor(new RegExp(`malformed events go to ${dlqUrl}`));
  const statusUrl = (await ingress.waitFor(/GET http:\/\/\S+\/healthz/))
    .split(' ')[1]!
    .replace('/healthz', '');
  await eventually(async () => (await messagesIn(sqs, queueUrl)) === 0, 'the queue to drain');
  for (const event of events)
    expect(await runExists(temporal.client, remediationWorkflowId(event.id))).toBe(true);
  const dead = await receiveAll(sqs, dlqUrl);
  const errors = Object.fromEntries(
    dead.map((m) => [m.Body, m.MessageAttributes?.ERROR_MESSAGE?.StringValue]),
  );
  expect(errors).toEqual({
    [JSON.stringify(malformed)]: expect.stringContaining('$.source: expected "aws.connect"'),
    'not json': expect.stringMatching(
      /^\$: expected an EventBridge event as a JSON object .*; found not JSON/,
    ),
  });
  const metrics = await (await fetch(`${statusUrl}/metrics`)).text();
  expect(metrics).toContain('connect_remediator_ingress_events_started_total 3');

  ingress.child.kill('SIGTERM');
  expect((await ingress.exited).code).toBe(0);
});

test('ingress --sqs refuses a queue without a redrive policy unless a dead-letter queue is given', async () => {
  const queueUrl = await createQueue(sqs, 'no-redrive');
  const ingress = cli(['ingress', '--sqs', queueUrl], uniqueTaskQueue('sqs-cli'));
  expect((await ingress.exited).code).toBe(1);
  expect(ingress.output()).toContain(
    `${queueUrl} has no RedrivePolicy: give the dead-letter queue (--dead-letter-queue <url>)`,
  );
});
