/**
 * `connect-remediator dlq replay`: reads a dead-letter queue — EventBridge's (the body is the event,
 * with ERROR_CODE / ERROR_MESSAGE / RULE_ARN attributes) or the SQS ingress's (the same body, with
 * the validation errors) — and re-submits each event through the same validation and start path as
 * every other ingress. What started or was a duplicate is deleted; everything else stays in the
 * queue, visible again at once, and is reported with the reason.
 */
import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { ValidationError } from '../../events/validate';
import type { StartTarget } from '../start-remediation';
import { admitMessages, handleMessages, type MessageOutcome } from './handle-messages';
import { deleteMessages, setVisibility } from './queue-calls';

/** Long enough that one pass never receives the same message twice. */
const PASS_VISIBILITY_SECONDS = 120;
/** A short long-poll: an empty answer means the queue has nothing visible left. */
const WAIT_SECONDS = 1;

export type ReplayStatus = 'started' | 'duplicate' | 'would-replay' | 'invalid' | 'too-large' | 'failed';

export interface ReplayItem {
  messageId: string;
  status: ReplayStatus;
  eventId?: string;
  workflowId?: string;
  webUiUrl?: string;
  /** Why it was not replayed (invalid, too-large, failed). */
  errors?: ValidationError[];
  reason?: string;
  /** Why it was dead-lettered in the first place, from the message's ERROR_CODE / ERROR_MESSAGE. */
  deadLetteredFor?: string;
}

export interface ReplayReport {
  queueUrl: string;
  dryRun: boolean;
  received: number;
  started: number;
  duplicate: number;
  wouldReplay: number;
  notReplayed: number;
  items: ReplayItem[];
}

export interface ReplayOptions {
  sqs: SQSClient;
  queueUrl: string;
  dryRun: boolean;
  limit?: number;
  /** Needed unless dryRun. */
  client?: Client;
  target: StartTarget;
  startTimeoutMs: number;
  concurrency: number;
  /** After each batch of up to 10 messages: how far the pass has got (the CLI's progress line). */
  onProgress?: (progress: { received: number; replayed: number; kept: number }) => void;
}

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const { sqs, queueUrl } = options;
  const limit = options.limit ?? Infinity;
  const items: ReplayItem[] = [];
  const keep: Message[] = [];
  let received = 0;
  try {
    while (received < limit) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, limit - received),
          WaitTimeSeconds: WAIT_SECONDS,
          VisibilityTimeout: PASS_VISIBILITY_SECONDS,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      received += Messages.length;
      const outcomes = options.dryRun ? dryRun(Messages) : await startAll(Messages, options);
      const replayed: Message[] = [];
      for (const { message, result } of outcomes) {
        const item = describe(message, result);
        items.push(item);
        if (item.status === 'started' || item.status === 'duplicate') replayed.push(message);
        else keep.push(message);
      }
      const notDeleted = await deleteMessages(sqs, queueUrl, replayed);
      if (notDeleted.length) throw new Error(`DeleteMessage failed for ${notDeleted.join(', ')}`);
      options.onProgress?.({ received, replayed: items.length - keep.length, kept: keep.length });
    }
  } finally {
    // What was not replayed goes back at once, for the next attempt or a person to look at.
    await setVisibility(
      sqs,
      queueUrl,
      keep.map((message) => ({ message, seconds: 0 })),
    );
  }
  const count = (status: ReplayStatus) => items.filter((i) => i.status === status).length;
  return {
    queueUrl,
    dryRun: options.dryRun,
    received,
    started: count('started'),
    duplicate: count('duplicate'),
    wouldReplay: count('would-replay'),
    notReplayed: items.filter((i) => !['started', 'duplicate', 'would-replay'].includes(i.status)).length,
    items,
  };
}

type Outcome = {
  message: Message;
  result: MessageOutcome['result'] | { status: 'would-replay'; eventId: string };
};

function dryRun(messages: Message[]): Outcome[] {
  return admitMessages(messages).map((admission) => ({
    message: messages[admission.index]!,
    result: admission.ok
      ? { status: 'would-replay', eventId: admission.event.id }
      : { index: admission.index, status: 'rejected', reason: admission.reason, errors: admission.errors },
  }));
}

function startAll(messages: Message[], options: ReplayOptions): Promise<MessageOutcome[]> {
  if (!options.client) throw new Error('replaying needs a Temporal client (or dryRun)');
  return handleMessages(messages, {
    client: options.client,
    target: options.target,
    via: 'dlq-replay',
    queueUrl: options.queueUrl,
    startTimeoutMs: options.startTimeoutMs,
    concurrency: options.concurrency,
  });
}

function describe(message: Message, result: Outcome['result']): ReplayItem {
  const attributes = message.MessageAttributes ?? {};
  const code = attributes.ERROR_CODE?.StringValue;
  const why = attributes.ERROR_MESSAGE?.StringValue;
  const base = {
    messageId: message.MessageId ?? '',
    ...(code || why ? { deadLetteredFor: [code, why].filter(Boolean).join(': ') } : {}),
  };
  switch (result.status) {
    case 'would-replay':
      return { ...base, status: 'would-replay', eventId: result.eventId };
    case 'started':
    case 'duplicate':
      return {
        ...base,
        status: result.status,
        eventId: result.eventId,
        workflowId: result.workflowId,
        webUiUrl: result.webUiUrl,
      };
    case 'rejected':
      return { ...base, status: result.reason, errors: result.errors };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        eventId: result.eventId,
        workflowId: result.workflowId,
        reason: `${result.reason}: ${result.message}`,
      };
  }
}
