/**
 * The simulated Amazon SQS service: queues by name in one account and region, and one handler per
 * operation taking the JSON request and returning the JSON result (or throwing an SqsError).
 * ReceiveMessage is the one asynchronous operation: it long-polls up to WaitTimeSeconds.
 */
import { SqsError } from './errors';
import { md5Hex, md5OfMessageAttributes } from './md5';
import { SimulatedQueue, MAX_MESSAGE_BYTES } from './queue';
import {
  batchEntries,
  optionalInteger,
  optionalStringList,
  optionalStringMap,
  requiredString,
  type Input,
} from './request';
import type { MessageAttributeValue, StoredMessage } from './types';

export const SQS_ACCOUNT_ID = '123456789012';
export const SQS_REGION = 'us-east-1';

const QUEUE_NAME = /^[\w-]{1,80}$/;
// The characters SQS allows in a message body (XML 1.0's).
// eslint-disable-next-line no-control-regex
const INVALID_BODY_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface SqsCallContext {
  /** Where the caller reached us (`http://127.0.0.1:4566`), for the queue URLs we hand out. */
  origin: string;
  /** True once the caller has gone away or the simulator is closing: a long poll stops waiting. */
  cancelled: () => boolean;
}

export type SqsOperation = (input: Input, context: SqsCallContext) => unknown;

export class SimulatedSqs {
  private readonly queues = new Map<string, SimulatedQueue>();

  constructor(private readonly now: () => number = Date.now) {}

  readonly operations: Record<string, SqsOperation> = {
    CreateQueue: (input, { origin }) => {
      const name = requiredString(input, 'QueueName');
      if (name.endsWith('.fifo')) {
        throw new SqsError(
          'UnsupportedOperation',
          'The simulator models standard queues only, not FIFO queues.',
        );
      }
      if (!QUEUE_NAME.test(name)) {
        throw new SqsError(
          'InvalidParameterValue',
          'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
        );
      }
      const attributes = optionalStringMap(input, 'Attributes');
      const existing = this.queues.get(name);
      if (existing) {
        const current = existing.attributes(['All']);
        if (Object.entries(attributes).some(([k, v]) => current[k] !== v)) {
          throw new SqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute(s).`,
          );
        }
      } else {
        const arn = `arn:aws:sqs:${SQS_REGION}:${SQS_ACCOUNT_ID}:${name}`;
        this.queues.set(name, new SimulatedQueue(name, arn, attributes, this.now, (a) => this.byArn(a)));
      }
      return { QueueUrl: queueUrl(origin, name) };
    },
    GetQueueUrl: (input, { origin }) => {
      const name = requiredString(input, 'QueueName');
      if (!this.queues.has(name)) throw queueDoesNotExist();
      return { QueueUrl: queueUrl(origin, name) };
    },
    ListQueues: (input, { origin }) => {
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      return {
        QueueUrls: [...this.queues.keys()]
          .filter((n) => n.startsWith(prefix))
          .map((n) => queueUrl(origin, n)),
      };
    },
    DeleteQueue: (input) => {
      const queue = this.queue(input);
      queue.wake();
      this.queues.delete(queue.name);
      return {};
    },
    PurgeQueue: (input) => {
      this.queue(input).purge();
      return {};
    },
    GetQueueAttributes: (input) => {
      const names = optionalStringList(input, 'AttributeNames');
      return { Attributes: this.queue(input).attributes(names.length ? names : ['All']) };
    },
    SetQueueAttributes: (input) => {
      this.queue(input).setAttributes(optionalStringMap(input, 'Attributes'));
      return {};
    },
    SendMessage: (input) => {
      const queue = this.queue(input);
      return sendOne(queue, input);
    },
    SendMessageBatch: (input) => {
      const queue = this.queue(input);
      const entries = batchEntries(input);
      const total = entries.reduce((sum, e) => sum + Buffer.byteLength(String(e.MessageBody ?? '')), 0);
      if (total > MAX_MESSAGE_BYTES) {
        throw new SqsError(
          'InvalidParameterValue',
          `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes.`,
        );
      }
      return batch(entries, (entry) => ({ Id: entry.Id, ...sendOne(queue, entry) }));
    },
    DeleteMessage: (input) => {
      this.queue(input).delete(requiredString(input, 'ReceiptHandle'));
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = this.queue(input);
      return batch(batchEntries(input), (entry) => {
        queue.delete(requiredString(entry, 'ReceiptHandle'));
        return { Id: entry.Id };
      });
    },
    ChangeMessageVisibility: (input) => {
      const seconds = requiredVisibility(input);
      this.queue(input).changeVisibility(requiredString(input, 'ReceiptHandle'), seconds);
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = this.queue(input);
      return batch(batchEntries(input), (entry) => {
        queue.changeVisibility(requiredString(entry, 'ReceiptHandle'), requiredVisibility(entry));
        return { Id: entry.Id };
      });
    },
    ReceiveMessage: (input, context) => this.receiveMessage(input, context),
  };

  /** The queue a name, URL or ARN names (tests and the admin side). */
  queueNamed(name: string): SimulatedQueue | undefined {
    return this.queues.get(name);
  }

  /** Ends every long poll at once (the simulator is closing). */
  wakeAll(): void {
    for (const queue of this.queues.values()) queue.wake();
  }

  private async receiveMessage(input: Input, context: SqsCallContext) {
    const queue = this.queue(input);
    const max = optionalInteger(input, 'MaxNumberOfMessages', { min: 1, max: 10 }) ?? 1;
    const waitSeconds =
      optionalInteger(input, 'WaitTimeSeconds', { min: 0, max: 20 }) ??
      queue.attribute('ReceiveMessageWaitTimeSeconds');
    const visibility =
      optionalInteger(input, 'VisibilityTimeout', { min: 0, max: 43_200 }) ??
      queue.attribute('VisibilityTimeout');
    const systemNames = [
      ...optionalStringList(input, 'AttributeNames'),
      ...optionalStringList(input, 'MessageSystemAttributeNames'),
    ];
    const attributeNames = optionalStringList(input, 'MessageAttributeNames');
    const deadline = this.now() + waitSeconds * 1000;
    for (;;) {
      if (context.cancelled() || this.queues.get(queue.name) !== queue) return {};
      const received = queue.receive(max, visibility);
      if (received.length > 0) {
        return {
          Messages: received.map(({ message, receiptHandle }) =>
            messageView(message, receiptHandle, systemNames, attributeNames),
          ),
        };
      }
      const remaining = deadline - this.now();
      if (remaining <= 0) return {};
      // Woken by a send; the periodic check catches messages whose delay or visibility ran out.
      await queue.waitForMessages(Math.min(remaining, 100));
    }
  }

  private byArn(arn: string): SimulatedQueue | undefined {
    const name = arn.split(':').pop() ?? '';
    const queue = this.queues.get(name);
    return queue?.arn === arn ? queue : undefined;
  }

  private queue(input: Input): SimulatedQueue {
    const url = requiredString(input, 'QueueUrl');
    const match = /^https?:\/\/[^/]+\/(\d{12})\/([\w-]{1,80})$/.exec(url);
    if (!match)
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${url} for parameter QueueUrl is invalid. Reason: not a queue URL.`,
      );
    const queue = match[1] === SQS_ACCOUNT_ID ? this.queues.get(match[2]!) : undefined;
    if (!queue) throw queueDoesNotExist();
    return queue;
  }
}

const queueDoesNotExist = () => new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');

function queueUrl(origin: string, name: string): string {
  return `${origin}/${SQS_ACCOUNT_ID}/${name}`;
}

function requiredVisibility(input: Input): number {
  const seconds = optionalInteger(input, 'VisibilityTimeout', { min: 0, max: 43_200 });
  if (seconds === undefined) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
  }
  return seconds;
}

function sendOne(queue: SimulatedQueue, input: Input) {
  const body = requiredString(input, 'MessageBody');
  if (body === '' || INVALID_BODY_CHARACTER.test(body)) {
    throw new SqsError(
      'InvalidParameterValue',
      'Invalid binary character in message body, or an empty message body: see the allowed characters in the SQS documentation.',
    );
  }
  const attributes = messageAttributes(input.MessageAttributes);
  const delay = optionalInteger(input, 'DelaySeconds', { min: 0, max: 900 });
  const message = queue.send(body, attributes, delay);
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: md5Hex(body),
    ...(Object.keys(attributes).length ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
  };
}

function messageAttributes(raw: unknown): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  const invalid = (reason: string) =>
    new SqsError(
      'InvalidParameterValue',
      `Value for parameter MessageAttributes is invalid. Reason: ${reason}`,
    );
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('expected a map.');
  const entries = Object.entries(raw as Record<string, Record<string, unknown>>);
  if (entries.length > 10)
    throw invalid('Number of message attributes [' + entries.length + '] exceeds the allowed maximum [10].');
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    const dataType = value?.DataType;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw invalid(`The message attribute '${name}' has an invalid message attribute type.`);
    }
    const isBinary = dataType.startsWith('Binary');
    const v = isBinary ? value.BinaryValue : value.StringValue;
    if (typeof v !== 'string' || v === '') {
      throw invalid(`The message attribute '${name}' must contain a non-empty message attribute value.`);
    }
    attributes[name] = isBinary
      ? { DataType: dataType, BinaryValue: v }
      : { DataType: dataType, StringValue: v };
  }
  return attributes;
}

/** Runs each entry on its own: one failing entry is reported in Failed, the others still succeed. */
function batch(entries: Input[], run: (entry: Input) => Record<string, unknown>) {
  const Successful: Record<string, unknown>[] = [];
  const Failed: Record<string, unknown>[] = [];
  for (const entry of entries) {
    try {
      Successful.push(run(entry));
    } catch (err) {
      if (!(err instanceof SqsError)) throw err;
      Failed.push({ Id: entry.Id, SenderFault: err.status < 500, Code: err.errorName, Message: err.message });
    }
  }
  return { Successful, Failed };
}

function wanted(names: readonly string[], name: string): boolean {
  return names.some(
    (n) => n === 'All' || n === '.*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))),
  );
}

function messageView(
  message: StoredMessage,
  receiptHandle: string,
  systemNames: readonly string[],
  attributeNames: readonly string[],
) {
  const system: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAtMs),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAtMs ?? message.sentAtMs),
    SenderId: 'AIDASIMULATOR',
  };
  const systemPicked = Object.fromEntries(Object.entries(system).filter(([k]) => wanted(systemNames, k)));
  const attributes = Object.fromEntries(
    Object.entries(message.attributes).filter(([k]) => wanted(attributeNames, k)),
  );
  return {
    MessageId: message.messageId,
    ReceiptHandle: receiptHandle,
    MD5OfBody: md5Hex(message.body),
    Body: message.body,
    ...(Object.keys(systemPicked).length ? { Attributes: systemPicked } : {}),
    ...(Object.keys(attributes).length
      ? { MessageAttributes: attributes, MD5OfMessageAttributes: md5OfMessageAttributes(attributes) }
      : {}),
  };
}
