/**
 * Where the SQS ingress puts events it can never start: the source queue's own dead-letter queue
 * (from its RedrivePolicy) unless one is given. A malformed event goes there at once, with its
 * validation errors as message attributes, instead of being received maxReceiveCount times first.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { formatValidationError, type ValidationError } from '../../events/validate';
import type { RejectReason } from '../ingest';

export class SqsIngressConfigError extends Error {
  override name = 'SqsIngressConfigError';
}

/** The dead-letter queue URL named by the queue's RedrivePolicy, or undefined without one. */
export async function redriveTargetUrl(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const policy = Attributes?.RedrivePolicy;
  if (!policy) return undefined;
  const arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn ?? '';
  // arn:aws:sqs:<region>:<account>:<name>
  const [, , , , account, name] = arn.split(':');
  if (!account || !name)
    throw new SqsIngressConfigError(`${queueUrl}: RedrivePolicy names no queue ARN ("${arn}")`);
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  return QueueUrl;
}

export async function resolveDeadLetterQueue(
  sqs: SQSClient,
  queueUrl: string,
  given: string | undefined,
): Promise<string> {
  if (given) return given;
  const url = await redriveTargetUrl(sqs, queueUrl);
  if (url) return url;
  throw new SqsIngressConfigError(
    `${queueUrl} has no RedrivePolicy: give the dead-letter queue (--dead-letter-queue <url>) or set one, ` +
      'so that malformed events have somewhere to go',
  );
}

// Attributes count toward SQS's 256 KB message limit, next to the body: bound what we add.
const MAX_ERRORS_ATTRIBUTE_CHARS = 8 * 1024;
const MAX_MESSAGE_ATTRIBUTE_CHARS = 1024;

export const ERROR_CODES: Record<RejectReason, string> = {
  invalid: 'INVALID_EVENT',
  'too-large': 'EVENT_TOO_LARGE',
};

/**
 * The attributes a refused event carries into the dead-letter queue: ERROR_CODE and ERROR_MESSAGE
 * as EventBridge names them on its own DLQ messages, plus every validation error as JSON.
 */
export function rejectionAttributes(
  reason: RejectReason,
  errors: readonly ValidationError[],
  sourceQueueUrl: string,
): Record<string, MessageAttributeValue> {
  const string = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const kept = [...errors];
  while (kept.length > 1 && JSON.stringify(kept).length > MAX_ERRORS_ATTRIBUTE_CHARS) kept.pop();
  const message = errors.map(formatValidationError).join('; ');
  return {
    ERROR_CODE: string(ERROR_CODES[reason]),
    ERROR_MESSAGE: string(
      message.length > MAX_MESSAGE_ATTRIBUTE_CHARS
        ? `${message.slice(0, MAX_MESSAGE_ATTRIBUTE_CHARS)}…`
        : message,
    ),
    VALIDATION_ERRORS: string(JSON.stringify(kept)),
    SOURCE_QUEUE_URL: string(sourceQueueUrl),
  };
}

export interface DeadLetter {
  message: Message;
  reason: RejectReason;
  errors: readonly ValidationError[];
}

/** Sends each refused message to the DLQ; returns those that arrived (only they may be deleted). */
export async function sendToDeadLetterQueue(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  sourceQueueUrl: string,
  letters: readonly DeadLetter[],
): Promise<{ sent: DeadLetter[]; failed: { letter: DeadLetter; error: string }[] }> {
  if (letters.length === 0) return { sent: [], failed: [] };
  const answer = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: deadLetterQueueUrl,
      Entries: letters.map((letter, i) => ({
        Id: String(i),
        MessageBody: letter.message.Body ?? '',
        MessageAttributes: rejectionAttributes(letter.reason, letter.errors, sourceQueueUrl),
      })),
    }),
  );
  return {
    sent: (answer.Successful ?? []).map((s) => letters[Number(s.Id)]!),
    failed: (answer.Failed ?? []).map((f) => ({
      letter: letters[Number(f.Id)]!,
      error: `${f.Code}: ${f.Message}`,
    })),
  };
}
