/**
 * The escalation fan-out: every channel of the policy is notified in parallel (EventBridge, a
 * Connect task, a webhook), each retried until it delivers — unless it cannot deliver as configured,
 * then it fails at once. The remediation waits until at least one got through, every one failed for
 * good (then the fallback channel is told), or an operator answered first; it stops the rest once
 * a person has answered.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { NotificationContent } from '../activities/rules';
import type { ConnectFailureEvent } from '../events/types';
import type { ChannelConfig, ResolvedPolicy } from '../policies/types';
import { ruleAction, ruleDefinition } from './aws-calls';
import {
  rateLimitedTaskQueue,
  type EscalationRecord,
  type IncidentStatus,
  type RemediationStatus,
} from './definitions';
import { summarizeFailure } from './failures';
import { RemediationEscalationDelivery } from './search-attributes';
import { countMetric } from './metrics';

// No attempt limit: an escalation that cannot be delivered keeps trying (visible in the Web UI as
// a pending activity with its last failure) until it gets through or an operator answers.
const { notifyChannel } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export interface EscalationRequest {
  event: ConnectFailureEvent;
  instanceId: string;
  policy: Pick<ResolvedPolicy, 'name' | 'setHash'>;
  channels: ChannelConfig[];
  reason: string;
  /** The run's escalations so far, this one included (it is `record`). */
  record: EscalationRecord;
  escalationNumber: number;
  status: Pick<RemediationStatus, 'attempts' | 'lastError'>;
  /** Set when an incident notifies: the channels get its counts and how to answer it. */
  incident?: IncidentStatus;
}

export interface ChannelDeliveries {
  /** At least one channel delivered (or there are none): people know. */
  delivered(): boolean;
  /** Every channel has finished, delivered or failed for good (none is retrying any more). */
  settled(): boolean;
  /** Notifies one more channel (the fallback) in the same escalation record; true once it delivered. */
  add(channel: ChannelConfig): Promise<boolean>;
  /** Cancels the channels still retrying and waits for them to settle. */
  stop(): Promise<void>;
}

export function newEscalationRecord(reason: string, channels: ChannelConfig[], at: string): EscalationRecord {
  return {
    at,
    reason,
    channels: channels.map((c) => ({ name: c.name, type: c.type, ok: false, detail: 'sending' })),
  };
}

/** The AWS operation a channel calls: its deliveries go through that operation's rate budget. */
function channelQueue(channel: ChannelConfig): Pick<ActivityOptions, 'taskQueue'> {
  const operation =
    channel.type === 'eventbridge'
      ? 'PutEvents'
      : channel.type === 'connect-task'
        ? 'StartTaskContact'
        : undefined;
  return operation ? { taskQueue: rateLimitedTaskQueue(workflowInfo().taskQueue, operation) } : {};
}

/**
 * What the rule would have sent (SEND_NOTIFICATION), so a person can send it. Nice to have: an
 * escalation goes out without the content rather than waiting on it.
 */
async function notificationOf(request: EscalationRequest): Promise<NotificationContent | undefined> {
  const rule = { instanceId: request.instanceId, ruleId: request.event.detail.ruleId };
  return ruleDefinition(rule, { fresh: false })
    .then((r) => ruleAction(r, 'SEND_NOTIFICATION').notification)
    .catch(() => undefined);
}

/** The channel answered that it cannot deliver as configured (activities/channel-failures.ts). */
function failedForGood(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.nonRetryable === true
  );
}

export async function notifyChannels(request: EscalationRequest): Promise<ChannelDeliveries> {
  const { event, channels, record, status } = request;
  const notification =
    event.detail.actionType === 'SEND_NOTIFICATION' ? await notificationOf(request) : undefined;
  const message = {
    workflowId: workflowInfo().workflowId,
    reason: request.reason,
    escalationNumber: request.escalationNumber,
    event,
    policy: { name: request.policy.name, setHash: request.policy.setHash },
    attempts: status.attempts.length,
    ...(status.lastError
      ? { lastError: { name: status.lastError.name, message: status.lastError.message } }
      : {}),
    ...(notification ? { notification } : {}),
    ...(request.incident ? { incident: request.incident } : {}),
  };
  const scope = new CancellationScope();
  const pending: Promise<unknown>[] = [];
  let finished = 0;
  const send = (channel: ChannelConfig, i: number) => {
    const delivery = scope.run(() =>
      notifyChannel
        .executeWithOptions(
          {
            summary: `Escalate via ${channel.name} (${channel.type})`,
            ...channelQueue(channel),
          },
          [{ channel, message }],
        )
        .then(
          (detail) => (record.channels[i] = { name: channel.name, type: channel.type, ok: true, detail }),
          (err: unknown) => {
            if (failedForGood(err))
              countMetric('connect_remediator_escalation_channels_misconfigured_total', {
                channel: channel.name,
                channel_type: channel.type,
              });
            record.channels[i]!.detail = isCancellation(err)
              ? 'cancelled: an operator answered first'
              : summarizeFailure(err).message;
          },
        )
        .finally(() => finished++),
    );
    pending.push(delivery);
    return delivery.then(() => record.channels[i]!.ok);
  };
  channels.forEach((channel, i) => void send(channel, i));
  return {
    delivered: () => channels.length === 0 || record.channels.some((c) => c.ok),
    settled: () => finished === pending.length,
    add: (channel) => {
      record.channels.push({ name: channel.name, type: channel.type, ok: false, detail: 'sending' });
      return send(channel, record.channels.length - 1);
    },
    stop: async () => {
      scope.cancel();
      await Promise.all(pending);
    },
  };
}

/** How an escalation's delivery went, as the run or incident shows it (after a channel failed for good). */
export type DeliveryState = 'failed' | 'fallback' | 'delivered';

/** Search attribute RemediationEscalationDelivery; a failed delivery also counts on the worker's meter. */
export function markDelivery(state: DeliveryState, policyName: string): void {
  upsertSearchAttributes([{ key: RemediationEscalationDelivery, value: state }]);
  if (state !== 'failed') return;
  countMetric('connect_remediator_escalations_undelivered_total', { policy: policyName });
}

/**
 * Every channel of an escalation failed for good: marks it so, and tells the policy's fallback
 * channel (unless it was one of them). True once the fallback delivered; false without one.
 */
export function fallBack(
  deliveries: ChannelDeliveries,
  policy: Pick<ResolvedPolicy, 'name' | 'escalateTo' | 'fallback'>,
): Promise<boolean> {
  markDelivery('failed', policy.name);
  const { fallback } = policy;
  if (!fallback || policy.escalateTo.some((c) => c.name === fallback.name)) return Promise.resolve(false);
  return deliveries.add(fallback);
}
