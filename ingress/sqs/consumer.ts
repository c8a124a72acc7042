/**
 * The SQS ingress: for teams that subscribe an SQS queue to the bus instead of exposing an HTTP
 * endpoint. `concurrency` loops each long-poll a batch, validate and start it (handle-messages.ts),
 * then settle every message by its outcome:
 *   started / duplicate          deleted (a redelivery is a duplicate: deleting it is safe)
 *   rejected (malformed)         sent to the dead-letter queue with its errors at once, then deleted
 *   failed (Temporal unavailable) left in the queue, visible again after a backoff that doubles with
 *                                each receive, so an outage spends few of the queue's maxReceiveCount
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Logger } from '../../worker/logger';
import { DEFAULT_START_TIMEOUT_MS } from '../app';
import type { IngressMetrics } from '../metrics';
import type { StartTarget } from '../start-remediation';
import { resolveDeadLetterQueue, sendToDeadLetterQueue, type DeadLetter } from './dead-letter-queue';
import { handleMessages, type MessageOutcome } from './handle-messages';
import { deleteMessages, receiveCountOf, setVisibility } from './queue-calls';

export interface SqsIngressSettings {
  queueUrl: string;
  /** Default: the queue's RedrivePolicy target. */
  deadLetterQueueUrl?: string;
  /** Receive loops running at once (each with up to `batchSize` starts in flight). */
  concurrency: number;
  /** Messages per ReceiveMessage, 1..10. */
  batchSize: number;
  /** Long polling, 0..20 s. */
  waitTimeSeconds: number;
  /** First delay before an event that could not be started is received again; doubles per receive. */
  retryDelaySeconds: number;
  startTimeoutMs?: number;
}

export const DEFAULT_SQS_SETTINGS = {
  concurrency: 2,
  batchSize: 10,
  waitTimeSeconds: 20,
  retryDelaySeconds: 5,
} satisfies Partial<SqsIngressSettings>;

/** Visibility can be at most 12 hours; backoff stops doubling well before. */
const MAX_RETRY_DELAY_SECONDS = 15 * 60;
/** After a failed ReceiveMessage (SQS unreachable), before the next. */
const RECEIVE_ERROR_PAUSE_MS = 2000;

export interface SqsIngressOptions {
  sqs: SQSClient;
  client: Client;
  target: StartTarget;
  settings: SqsIngressSettings;
  metrics: IngressMetrics;
  logger?: Logger;
}

export interface RunningSqsIngress {
  deadLetterQueueUrl: string;
  /** Stops receiving, lets batches in hand settle, resolves when every loop has ended. */
  stop(): Promise<void>;
}

export function retryDelaySeconds(base: number, receiveCount: number): number {
  return Math.min(base * 2 ** Math.min(receiveCount - 1, 20), MAX_RETRY_DELAY_SECONDS);
}

export async function startSqsIngress(options: SqsIngressOptions): Promise<RunningSqsIngress> {
  const { sqs, settings } = options;
  const logger = options.logger?.child({ component: 'sqs-ingress' });
  const deadLetterQueueUrl = await resolveDeadLetterQueue(
    sqs,
    settings.queueUrl,
    settings.deadLetterQueueUrl,
  );
  const stopping = new AbortController();
  const settle = (outcomes: MessageOutcome[]) =>
    settleOutcomes(outcomes, { ...options, logger, deadLetterQueueUrl });

  const loop = async () => {
    while (!stopping.signal.aborted) {
      let messages: Message[];
      try {
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: settings.queueUrl,
            MaxNumberOfMessages: settings.batchSize,
            WaitTimeSeconds: settings.waitTimeSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: stopping.signal },
        );
        messages = answer.Messages ?? [];
      } catch (err) {
        if (stopping.signal.aborted) break;
        logger?.warn({ err: (err as Error).message }, 'ReceiveMessage failed; retrying');
        await sleep(RECEIVE_ERROR_PAUSE_MS, undefined, { signal: stopping.signal }).catch(() => {});
        continue;
      }
      if (messages.length === 0) continue;
      options.metrics.received.inc(messages.length);
      const outcomes = await handleMessages(messages, {
        client: options.client,
        target: options.target,
        via: 'sqs',
        queueUrl: settings.queueUrl,
        startTimeoutMs: settings.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        concurrency: settings.batchSize,
      });
      let unavailable = false;
      try {
        unavailable = await settle(outcomes);
      } catch (err) {
        // Unsettled messages become visible again on their own: nothing is lost.
        logger?.warn(
          { err: (err as Error).message },
          'settling a batch failed; its messages will be redelivered',
        );
      }
      // Temporal is down: pause this loop instead of receiving (and spending receive counts) in vain.
      if (unavailable) {
        await sleep(settings.retryDelaySeconds * 1000, undefined, { signal: stopping.signal }).catch(
          () => {},
        );
      }
    }
  };

  const loops = Array.from({ length: settings.concurrency }, loop);
  let stopped: Promise<void> | undefined;
  return {
    deadLetterQueueUrl,
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await Promise.all(loops);
      })()),
  };
}

/** Settles one batch; true when some event could not be started because Temporal is unavailable. */
async function settleOutcomes(
  outcomes: MessageOutcome[],
  options: SqsIngressOptions & { deadLetterQueueUrl: string },
): Promise<boolean> {
  const { sqs, settings, metrics, logger } = options;
  const done: Message[] = [];
  const letters: DeadLetter[] = [];
  const retry: { message: Message; seconds: number }[] = [];
  let unavailable = false;
  for (const { message, result } of outcomes) {
    switch (result.status) {
      case 'started':
      case 'duplicate':
        (result.status === 'started' ? metrics.started : metrics.duplicate).inc();
        logger?.debug({ workflowId: result.workflowId, status: result.status }, 'event accepted');
        done.push(message);
        break;
      case 'rejected':
        metrics.rejected.inc({ reason: result.reason });
        logger?.info(
          { messageId: message.MessageId, errors: result.errors },
          'event rejected: to the dead-letter queue',
        );
        letters.push({ message, reason: result.reason, errors: result.errors });
        break;
      case 'failed':
        metrics.rejected.inc({ reason: result.reason });
        unavailable ||= result.reason === 'temporal-unavailable';
        logger?.warn(
          { workflowId: result.workflowId, reason: result.reason, err: result.message },
          'start failed',
        );
        retry.push({
          message,
          seconds: retryDelaySeconds(settings.retryDelaySeconds, receiveCountOf(message)),
        });
    }
  }
  const dead = await sendToDeadLetterQueue(sqs, options.deadLetterQueueUrl, settings.queueUrl, letters);
  for (const { letter, error } of dead.failed) {
    logger?.warn(
      { messageId: letter.message.MessageId, error },
      'could not send to the dead-letter queue; left in the queue',
    );
  }
  const notDeleted = await deleteMessages(sqs, settings.queueUrl, [
    ...done,
    ...dead.sent.map((l) => l.message),
  ]);
  for (const failure of notDeleted)
    logger?.warn({ failure }, 'DeleteMessage failed; the event will be redelivered (a duplicate)');
  await setVisibility(sqs, settings.queueUrl, retry).catch((err: Error) =>
    logger?.debug({ err: err.message }, 'could not shorten visibility; the queue timeout applies'),
  );
  return unavailable;
}
