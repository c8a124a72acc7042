/**
 * What the SQS ingress and `dlq replay` do with a batch of received messages: each body is parsed
 * and validated exactly as `POST /events` validates an event (admitEvents), and every valid one
 * goes through the one start path (startAdmitted → startRemediation), so a redelivered event is a
 * `duplicate`, never a second run. The caller decides what each outcome means for the message.
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { ValidationError } from '../../events/validate';
import { admitEvents, startAdmitted, type Admission, type ItemResult, type StartOptions } from '../ingest';
import { mapConcurrent } from '../map-concurrent';
import { inMessageSpan } from '../spans';

export interface MessageOutcome {
  message: Message;
  result: ItemResult;
}

export function notJson(body: string | undefined, err: unknown): ValidationError {
  return {
    path: '$',
    expected: 'an EventBridge event as a JSON object (the SQS message body)',
    found:
      body === undefined || body === '' ? 'an empty message body' : `not JSON (${(err as Error).message})`,
  };
}

/** Validates each message body; the index of each admission is the message's index in the batch. */
export function admitMessages(messages: readonly Message[]): Admission[] {
  return messages.map((message, index): Admission => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.Body ?? '');
    } catch (err) {
      return { index, ok: false, reason: 'invalid', errors: [notJson(message.Body, err)] };
    }
    return { ...admitEvents([parsed], true)[0]!, index };
  });
}

/**
 * Each message is started in its own span (the root of its run's trace when tracing is on), so one
 * batch's runs do not share a trace; `queueUrl` names the spans.
 */
export async function handleMessages(
  messages: readonly Message[],
  options: StartOptions & { queueUrl?: string },
): Promise<MessageOutcome[]> {
  const { queueUrl = 'sqs', ...startOptions } = options;
  const results = await mapConcurrent(admitMessages(messages), options.concurrency, (admission) =>
    inMessageSpan(queueUrl, messages[admission.index]!, async () => {
      const [result] = await startAdmitted([admission], { ...startOptions, concurrency: 1 });
      return result!;
    }),
  );
  return results.map((result) => ({ message: messages[result.index]!, result }));
}
