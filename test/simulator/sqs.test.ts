/**
 * The simulator's SQS, driven by the unmodified @aws-sdk/client-sqs (AWS JSON 1.0): queues, long
 * polling, visibility timeouts and receipt handles, batches, redrive to a dead-letter queue, and
 * errors the SDK maps to its own exception classes.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { createQueue, createQueueWithDlq, messagesIn, receiveAll, sqsClient } from '../helpers/sqs';
import { sdkClients } from './helpers';

let sim: RunningSimulator;
let sqs: SQSClient;

beforeAll(async () => {
  sim = await startSimulator();
  sqs = sqsClient(sim.endpoint);
});

afterAll(async () => {
  sqs.destroy();
  await sim.stop();
});

const receive = (QueueUrl: string, extra: { WaitTimeSeconds?: number; VisibilityTimeout?: number } = {}) =>
  sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      MessageAttributeNames: ['All'],
      ...extra,
    }),
  );

test('CreateQueue is idempotent, GetQueueUrl finds it, an unknown queue is QueueDoesNotExist', async () => {
  const url = await createQueue(sqs, 'named');
  expect(url).toBe(`${sim.endpoint}/123456789012/named`);
  expect(await createQueue(sqs, 'named')).toBe(url);
  expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'named' }))).QueueUrl).toBe(url);
  const missing = sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }));
  await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
  await expect(missing).rejects.toMatchObject({
    Code: 'AWS.SimpleQueueService.NonExistentQueue',
    $metadata: { httpStatusCode: 400 },
  });
  await expect(sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' }))).rejects.toMatchObject({
    name: 'InvalidParameterValue',
  });
});

test('a long poll waits for a message and answers as soon as one is sent', async () => {
  const url = await createQueue(sqs, 'long-poll');
  const started = Date.now();
  const polling = receive(url, { WaitTimeSeconds: 10 });
  setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 300);
  const { Messages } = await polling;
  expect(Messages?.map((m) => m.Body)).toEqual(['late']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  expect(Date.now() - started).toBeLessThan(5000);

  const empty = Date.now();
  expect((await receive(url, { WaitTimeSeconds: 1 })).Messages).toBeUndefined();
  expect(Date.now() - empty).toBeGreaterThanOrEqual(900);
});

test('a received message is invisible until its visibility timeout ends; only the latest handle deletes it', async () => {
  const url = await createQueue(sqs, 'visibility');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: 'm',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
    }),
  );
  const first = (await receive(url, { VisibilityTimeout: 1 })).Messages![0]!;
  expect(first.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'test' } });
  expect((await receive(url)).Messages).toBeUndefined();
  const second = (await receive(url, { WaitTimeSeconds: 3 })).Messages![0]!;
  expect(second.Attributes?.ApproximateReceiveCount).toBe('2');
  expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);

  // A stale handle succeeds without deleting, as in SQS.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
  expect(await messagesIn(sqs, url)).toBe(1);
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: url,
      ReceiptHandle: second.ReceiptHandle,
      VisibilityTimeout: 0,
    }),
  );
  const third = (await receive(url)).Messages![0]!;
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third.ReceiptHandle }));
  expect(await messagesIn(sqs, url)).toBe(0);
  await expect(
    sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'never-issued' })),
  ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
});

test('batches: per-entry results, and more than 10 entries refused', async () => {
  const url = await createQueue(sqs, 'batches');
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'a', MessageBody: 'one' },
        { Id: 'b', MessageBody: 'two' },
      ],
    }),
  );
  expect(sent.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
  const received = await receiveAll(sqs, url);
  const deleted = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        ...received.map((m, i) => ({ Id: `ok${i}`, ReceiptHandle: m.ReceiptHandle })),
        { Id: 'bad', ReceiptHandle: 'garbage' },
      ],
    }),
  );
  expect(deleted.Successful?.map((s) => s.Id)).toEqual(['ok0', 'ok1']);
  expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid' })]);
  await expect(
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 11 }, (_, i) => ({ Id: String(i), MessageBody: 'x' })),
      }),
    ),
  ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
});

test('after maxReceiveCount receives, the next receive moves the message to the dead-letter queue', async () => {
  const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 'redrive', { maxReceiveCount: 2 });
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
  for (let i = 0; i < 2; i++) {
    const { Messages } = await receive(queueUrl, { VisibilityTimeout: 0 });
    expect(Messages).toHaveLength(1);
  }
  expect((await receive(queueUrl)).Messages).toBeUndefined();
  expect(await messagesIn(sqs, queueUrl)).toBe(0);
  expect((await receiveAll(sqs, dlqUrl)).map((m) => m.Body)).toEqual(['poison']);
});

test('EventBridge calls on the same port still reach EventBridge', async () => {
  const { eventBridge } = sdkClients(sim.endpoint);
  const answer = await eventBridge.send(
    new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }),
  );
  expect(answer.FailedEntryCount).toBe(0);
  eventBridge.destroy();
});
