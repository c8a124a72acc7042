/**
 * One simulated SQS standard queue: messages with delay and visibility timeout, receipt handles
 * (only the latest one of a message deletes it, as in SQS), and redrive to a dead-letter queue once
 * a message has been received maxReceiveCount times without being deleted.
 */
import { randomUUID } from 'node:crypto';
import { SqsError } from './errors';
import type { MessageAttributeValue, RedrivePolicy, StoredMessage } from './types';

export const MAX_MESSAGE_BYTES = 256 * 1024;

/** Settable queue attributes, with SQS's defaults and bounds. */
const SETTABLE: Record<string, { default: number; min: number; max: number }> = {
  VisibilityTimeout: { default: 30, min: 0, max: 43_200 },
  DelaySeconds: { default: 0, min: 0, max: 900 },
  ReceiveMessageWaitTimeSeconds: { default: 0, min: 0, max: 20 },
  MaximumMessageSize: { default: MAX_MESSAGE_BYTES, min: 1024, max: MAX_MESSAGE_BYTES },
  MessageRetentionPeriod: { default: 345_600, min: 60, max: 1_209_600 },
};

export interface ReceivedMessage {
  message: StoredMessage;
  receiptHandle: string;
}

export class SimulatedQueue {
  private readonly messages = new Map<string, StoredMessage>();
  /** Every receipt handle issued, so a stale one is told apart from one SQS never issued. */
  private readonly issuedHandles = new Map<string, string>();
  private readonly numbers: Record<string, number> = {};
  private redrive: RedrivePolicy | undefined;
  private readonly waiters = new Set<() => void>();
  readonly createdAtMs: number;
  private modifiedAtMs: number;

  constructor(
    readonly name: string,
    readonly arn: string,
    attributes: Record<string, string>,
    private readonly now: () => number,
    /** Finds the dead-letter queue a redrive policy names, at the moment a message moves. */
    private readonly queueByArn: (arn: string) => SimulatedQueue | undefined,
  ) {
    for (const [key, spec] of Object.entries(SETTABLE)) this.numbers[key] = spec.default;
    this.createdAtMs = this.modifiedAtMs = now();
    this.setAttributes(attributes);
  }

  setAttributes(attributes: Record<string, string>): void {
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'RedrivePolicy') this.redrive = value === '' ? undefined : parseRedrivePolicy(value);
      else if (key in SETTABLE) this.numbers[key] = boundedInteger(key, value, SETTABLE[key]!);
      else if (key === 'Policy' || key === 'SqsManagedSseEnabled')
        continue; // accepted, not modelled
      else throw new SqsError('InvalidAttributeName', `Unknown Attribute ${key}.`);
    }
    this.modifiedAtMs = this.now();
  }

  attribute(key: string): number {
    return this.numbers[key]!;
  }

  attributes(names: readonly string[]): Record<string, string> {
    const all = names.includes('All');
    const now = this.now();
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) {
      if (message.visibleAtMs <= now) counts.visible++;
      else if (message.receiptHandle) counts.inFlight++;
      else counts.delayed++;
    }
    const values: Record<string, string> = {
      QueueArn: this.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(this.createdAtMs / 1000)),
      LastModifiedTimestamp: String(Math.floor(this.modifiedAtMs / 1000)),
      ...Object.fromEntries(Object.entries(this.numbers).map(([k, v]) => [k, String(v)])),
      ...(this.redrive ? { RedrivePolicy: JSON.stringify(this.redrive) } : {}),
    };
    if (all) return values;
    const picked: Record<string, string> = {};
    for (const name of names) {
      if (!(name in values) && !(name in SETTABLE) && name !== 'RedrivePolicy') {
        throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
      if (values[name] !== undefined) picked[name] = values[name];
    }
    return picked;
  }

  send(
    body: string,
    attributes: Record<string, MessageAttributeValue>,
    delaySeconds?: number,
  ): StoredMessage {
    const bytes = Buffer.byteLength(body);
    if (bytes > this.numbers.MaximumMessageSize!) {
      throw new SqsError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${this.numbers.MaximumMessageSize} bytes.`,
      );
    }
    const now = this.now();
    const delay = delaySeconds ?? this.numbers.DelaySeconds!;
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      attributes,
      sentAtMs: now,
      visibleAtMs: now + delay * 1000,
      receiveCount: 0,
    };
    this.accept(message);
    return message;
  }

  /** Takes a message moved here from another queue's redrive (it keeps its id and body). */
  private accept(message: StoredMessage): void {
    this.messages.set(message.messageId, message);
    this.wake();
  }

  /** Up to `max` visible messages, made invisible for `visibilitySeconds`. */
  receive(max: number, visibilitySeconds: number): ReceivedMessage[] {
    const now = this.now();
    const received: ReceivedMessage[] = [];
    for (const message of this.messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAtMs > now) continue;
      if (this.redrive && message.receiveCount >= this.redrive.maxReceiveCount) {
        const deadLetters = this.queueByArn(this.redrive.deadLetterTargetArn);
        if (deadLetters) {
          this.messages.delete(message.messageId);
          deadLetters.accept({ ...message, receiveCount: 0, visibleAtMs: now, receiptHandle: undefined });
          continue;
        }
      }
      const receiptHandle = randomUUID();
      this.issuedHandles.set(receiptHandle, message.messageId);
      message.receiveCount++;
      message.firstReceivedAtMs ??= now;
      message.receiptHandle = receiptHandle;
      message.visibleAtMs = now + visibilitySeconds * 1000;
      received.push({ message, receiptHandle });
    }
    return received;
  }

  /** Deletes the message only if the handle is its latest one; a stale handle succeeds, deleting nothing. */
  delete(receiptHandle: string): void {
    const message = this.messageOf(receiptHandle);
    if (message?.receiptHandle === receiptHandle) this.messages.delete(message.messageId);
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    boundedInteger('VisibilityTimeout', String(seconds), SETTABLE.VisibilityTimeout!);
    const message = this.messageOf(receiptHandle);
    const now = this.now();
    if (!message || message.receiptHandle !== receiptHandle || message.visibleAtMs <= now) {
      throw new SqsError(
        'MessageNotInflight',
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    message.visibleAtMs = now + seconds * 1000;
    if (seconds === 0) this.wake();
  }

  purge(): void {
    this.messages.clear();
  }

  /** Resolves when a message may have become receivable, or after `ms`. */
  waitForMessages(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private messageOf(receiptHandle: string): StoredMessage | undefined {
    const messageId = this.issuedHandles.get(receiptHandle);
    if (messageId === undefined) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    }
    return this.messages.get(messageId);
  }
}

function boundedInteger(key: string, value: string, spec: { min: number; max: number }): number {
  const n = Number(value);
  if (!/^\d+$/.test(String(value).trim()) || n < spec.min || n > spec.max) {
    throw new SqsError(
      'InvalidAttributeValue',
      `Invalid value for the parameter ${key}. Reason: expected an integer ${spec.min}..${spec.max}, got "${value}".`,
    );
  }
  return n;
}

function parseRedrivePolicy(value: string): RedrivePolicy {
  let parsed: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    parsed = JSON.parse(value) as typeof parsed;
  } catch {
    throw new SqsError(
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid JSON.`,
    );
  }
  const count = Number(parsed.maxReceiveCount);
  if (
    typeof parsed.deadLetterTargetArn !== 'string' ||
    !/^arn:aws[\w-]*:sqs:/.test(parsed.deadLetterTargetArn)
  ) {
    throw new SqsError(
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain a valid deadLetterTargetArn.`,
    );
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new SqsError(
      'InvalidAttributeValue',
      `Value ${value} for parameter RedrivePolicy is invalid. Reason: maxReceiveCount must be an integer 1..1000.`,
    );
  }
  return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: count };
}
