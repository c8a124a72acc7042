/** Batch calls on received messages (at most 10 each, as SQS allows per request). */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

const MAX_BATCH = 10;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_BATCH) out.push(items.slice(i, i + MAX_BATCH));
  return out;
}

/** Deletes the messages; returns a description of each one SQS did not delete. */
export async function deleteMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const chunk of chunks(messages)) {
    const answer = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    for (const f of answer.Failed ?? [])
      failures.push(`${chunk[Number(f.Id)]?.MessageId}: ${f.Code} ${f.Message}`);
  }
  return failures;
}

/**
 * Makes each message visible again after its number of seconds. Best effort: a message whose
 * visibility cannot be changed any more (it timed out and was received again) needs nothing.
 */
export async function setVisibility(
  sqs: SQSClient,
  queueUrl: string,
  entries: readonly { message: Message; seconds: number }[],
): Promise<void> {
  for (const chunk of chunks(entries)) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map(({ message, seconds }, i) => ({
          Id: String(i),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: seconds,
        })),
      }),
    );
  }
}

export function receiveCountOf(message: Message): number {
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}
