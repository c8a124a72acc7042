/**
 * What every notification carries besides the message: an idempotency key that stays the same
 * across retries of one delivery (so a receiver can drop the copy an ambiguous timeout made), and
 * a size that fits the channel — EventBridge refuses entries above 256 KB, and an escalation
 * embeds the whole failure event.
 */
import { createHash } from 'node:crypto';
import type { ConnectFailureEvent } from '../events/types';
import type { NotificationContent } from './rules';

/** EventBridge's PutEvents entry limit (AWS: 256 KB, counted over Source, DetailType, Detail, Resources…). */
export const EVENTBRIDGE_ENTRY_MAX_BYTES = 256 * 1024;
/** Left for Source, DetailType, Resources and the bus name beside Detail. */
const ENVELOPE_ALLOWANCE_BYTES = 8 * 1024;
export const DETAIL_MAX_BYTES = EVENTBRIDGE_ENTRY_MAX_BYTES - ENVELOPE_ALLOWANCE_BYTES;
/** What is kept of a long text that had to be trimmed. */
const KEPT_CHARS = 2_000;

/** One key per escalation and channel: the same for every retry of that delivery. */
export function idempotencyKey(workflowId: string, escalationNumber: number, channelName: string): string {
  return createHash('sha256').update(`${workflowId}/${escalationNumber}/${channelName}`).digest('hex');
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

const cut = (text: unknown) =>
  typeof text === 'string' && text.length > KEPT_CHARS ? `${text.slice(0, KEPT_CHARS)}…` : text;

interface Trimmable {
  event: ConnectFailureEvent;
  reason: string;
  lastError?: { name: string; message: string };
  notification?: NotificationContent;
  runUrl: string;
  trimmed?: string;
}

/**
 * The message as it fits in `maxBytes`: unchanged when it does; else long texts cut (the event's
 * error and additionalInfo, the reason, the last error, the notification's content), with
 * `trimmed` saying what was left out and where the whole is (the run, via runUrl).
 */
export function fitMessage<M extends Trimmable>(
  message: M,
  maxBytes = DETAIL_MAX_BYTES,
): M & { trimmed?: string } {
  if (bytes(message) <= maxBytes) return message;
  const left: string[] = [];
  const trimmedText = <T>(label: string, value: T): T => {
    const shorter = cut(value) as T;
    if (shorter !== value) left.push(label);
    return shorter;
  };
  const detail = message.event.detail;
  const fitted: M = {
    ...message,
    reason: trimmedText('reason', message.reason),
    event: {
      ...message.event,
      detail: {
        ...detail,
        error: trimmedText('event.detail.error', detail.error),
        ...(detail.additionalInfo !== undefined
          ? { additionalInfo: trimmedText('event.detail.additionalInfo', detail.additionalInfo) }
          : {}),
      },
    },
    ...(message.lastError
      ? {
          lastError: {
            ...message.lastError,
            message: trimmedText('lastError.message', message.lastError.message),
          },
        }
      : {}),
    ...(message.notification
      ? {
          notification: {
            ...message.notification,
            content: trimmedText('notification.content', message.notification.content),
          },
        }
      : {}),
  };
  fitted.trimmed = `cut to ${KEPT_CHARS} characters to fit the channel: ${left.join(', ') || 'nothing'}; the whole is in the run: ${message.runUrl}`;
  if (bytes(fitted) <= maxBytes) return fitted;
  // Still too large (a huge field we do not know): keep the envelope and the essentials only.
  const { event } = fitted;
  return {
    ...fitted,
    event: {
      id: event.id,
      time: event.time,
      resources: event.resources,
      detail: {
        ruleId: detail.ruleId,
        actionType: detail.actionType,
        triggerEvent: detail.triggerEvent,
        instanceArn: detail.instanceArn,
        reasonCode: detail.reasonCode,
        error: cut(detail.error) as string,
      },
    },
    notification: undefined,
    trimmed: `too large for the channel: only the event's envelope and essentials are here; the whole is in the run: ${message.runUrl}`,
  } as M;
}
