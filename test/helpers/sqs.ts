/** SQS queues on the simulator for tests: the real SDK client, a queue with its DLQ, and counts. */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'simulator-test', secretAccessKey: 'simulator-test' },
  });
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl!;
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}

/** A source queue whose redrive policy points at a fresh dead-letter queue. */
export async function createQueueWithDlq(
  sqs: SQSClient,
  name: string,
  options: { maxReceiveCount: number; visibilityTimeout?: number },
): Promise<{ queueUrl: string; dlqUrl: string }> {
  const dlqUrl = await createQueue(sqs, `${name}-dlq`);
  const queueUrl = await createQueue(sqs, name, {
    VisibilityTimeout: String(options.visibilityTimeout ?? 30),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: await queueArn(sqs, dlqUrl),
      maxReceiveCount: options.maxReceiveCount,
    }),
  });
  return { queueUrl, dlqUrl };
}

/** Sends the bodies in batches of 10 (attributes, if any, on every message). */
export async function sendBodies(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  attributes?: SendMessageBatchRequestEntry['MessageAttributes'],
): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const answer = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          ...(attributes ? { MessageAttributes: attributes } : {}),
        })),
      }),
    );
    if (answer.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(answer.Failed)}`);
  }
}

/** Visible + in flight + delayed. */
export async function messagesIn(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return (
    [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ] as const
  )
    .map((name) => Number(Attributes![name]))
    .reduce((a, b) => a + b, 0);
}

/** Receives everything visible (with all attributes), leaving it in flight for `visibility` seconds. */
export async function receiveAll(sqs: SQSClient, queueUrl: string, visibility = 30): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!Messages?.length) return all;
    all.push(...Messages);
  }
}
