/**
 * Escalation channels: tell people a remediation needs them. A failure that may pass (an outage,
 * throttling, a 5xx) is an ordinary retryable error: the workflow retries the channel until it
 * delivers or an operator answers. A channel that can never deliver as configured fails at once
 * (./channel-failures.ts), so the run falls back and still starts its operator wait. Every
 * delivery carries an idempotency key that is the same on each retry, and fits its channel.
 */
import { StartTaskContactCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import type { ChannelConfig } from '../policies/types';
import {
  channelMisconfigured,
  isAwsConfigurationError,
  isPermanentHttpStatus,
  isRetryableEntryCode,
} from './channel-failures';
import { fitMessage, idempotencyKey } from './escalation-payload';
import { secretValueProblem, sendsSecretInClear, urlFromEnv } from '../policies/secret-env';
import { originRefusal, type WebhookRules } from '../policies/webhook-destinations';
import { DestinationRefused, MAX_RESPONSE_BYTES, type HttpPost } from './webhook-http';
import type { NotificationContent } from './rules';
import { REMEDIATOR_EVENT_SOURCE } from './reissue';

// Callers (the worker, tests) take the webhook client's type from here, beside the activities.
export type { HttpPost } from './webhook-http';

export const ESCALATION_DETAIL_TYPE = 'Connect Remediation Escalated';

export interface EscalationMessage {
  workflowId: string;
  runUrl: string;
  /** Why people are needed, in one sentence. */
  reason: string;
  /** 1 for the first escalation of a run, 2 after an operator retry failed again, … */
  escalationNumber: number;
  event: ConnectFailureEvent;
  policy: { name: string; setHash: string };
  attempts: number;
  lastError?: { name: string; message: string };
  /** SEND_NOTIFICATION failures: what the rule would have sent, so a person can send it. */
  notification?: NotificationContent;
  /** An incident's notification: its counts, samples and the Web UI link listing its runs. */
  incident?: IncidentSummary;
  /** How to answer: the signals the run accepts. */
  answer: string;
  /** The same for every retry of this delivery: receivers drop copies by it. */
  idempotencyKey: string;
  /** Set when long texts were cut to fit the channel: what was left out, and where the whole is. */
  trimmed?: string;
}

/** What channels hear of an incident (the workflow's IncidentStatus has at least this). */
export interface IncidentSummary {
  incidentId: string;
  state: string;
  runs: number;
  firstSeen: string;
  lastSeen: string;
  samples: string[];
  runsUrl: string;
}

export interface NotifyInput {
  channel: ChannelConfig;
  message: Omit<EscalationMessage, 'runUrl' | 'answer' | 'idempotencyKey' | 'trimmed'>;
}

export interface EscalationDeps {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
  http: HttpPost;
  /** Reads a secret named by a channel's `secretEnv` or `urlEnv` (from the environment, never from YAML). */
  secret: (envName: string) => string | undefined;
  /** Where each secret may go (`<secretEnv>_ORIGINS`); absent: nowhere. */
  webhooks?: Pick<WebhookRules, 'secretOrigins'>;
  runUrl: (workflowId: string) => string;
}

export function oneLineSummary(m: Pick<EscalationMessage, 'event' | 'reason' | 'runUrl'>): string {
  return `Connect ${m.event.detail.actionType} failed (${m.event.detail.reasonCode}) for rule ${m.event.detail.ruleId}: ${m.reason}. ${m.runUrl}`;
}

export function incidentAnswerHint(incidentId: string): string {
  return `Answer every run of the incident at once: connect-remediator incidents answer ${incidentId} retry|resolve|abandon [--note …] [--override key=value], or the Web UI's Signal button on the incident (signal "answer", e.g. {"action":"retry"}).`;
}

export function answerHint(workflowId: string): string {
  return `Answer with: connect-remediator runs signal ${workflowId} retry|resolve|abandon [--note …] [--override key=value], or the Web UI's Signal button (retry / resolve / abandon).`;
}

function taskDescription(m: EscalationMessage): string {
  const lines = [
    m.reason,
    `Rule ${m.event.detail.ruleId}, action ${m.event.detail.actionType}, trigger ${m.event.detail.triggerEvent}.`,
    `AWS said: ${m.event.detail.reasonCode} — ${m.event.detail.error}`,
    m.lastError ? `Last re-issue error: ${m.lastError.name} — ${m.lastError.message}` : '',
    m.notification
      ? `Notification the rule could not send — subject: ${m.notification.subject ?? '(none)'}; to users ${m.notification.recipients.userIds.join(', ') || '(by tag)'}; content: ${m.notification.content ?? ''}`
      : '',
    m.answer,
  ];
  return lines.filter(Boolean).join('\n').slice(0, 4096);
}

/** Runs a delivery; an answer that configuration must fix becomes a non-retryable failure. */
async function deliver(channel: ChannelConfig, send: () => Promise<string>): Promise<string> {
  try {
    return await send();
  } catch (err) {
    const failure = isAwsConfigurationError(err)
      ? channelMisconfigured(channel.name, `${(err as Error).name}: ${(err as Error).message}`)
      : err;
    throw failure;
  }
}

export function createEscalationActivities(deps: EscalationDeps) {
  return {
    async notifyChannel({ channel, message: partial }: NotifyInput): Promise<string> {
      const runUrl = deps.runUrl(partial.workflowId);
      const message = fitMessage<EscalationMessage>({
        ...partial,
        runUrl,
        answer: partial.incident
          ? incidentAnswerHint(partial.incident.incidentId)
          : answerHint(partial.workflowId),
        idempotencyKey: idempotencyKey(partial.workflowId, partial.escalationNumber, channel.name),
      });
      return deliver(channel, async () => {
        switch (channel.type) {
          case 'eventbridge': {
            const response = await deps.eventBridge.send(
              new PutEventsCommand({
                Entries: [
                  {
                    Source: channel.source ?? REMEDIATOR_EVENT_SOURCE,
                    DetailType: ESCALATION_DETAIL_TYPE,
                    EventBusName: channel.eventBusName,
                    Resources: message.event.resources,
                    Detail: JSON.stringify(message),
                  },
                ],
              }),
            );
            const entry = response.Entries?.[0];
            if ((response.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
              const why = `PutEvents to ${channel.eventBusName} rejected the escalation: ${entry?.ErrorCode} ${entry?.ErrorMessage}`;
              if (!isRetryableEntryCode(entry?.ErrorCode)) throw channelMisconfigured(channel.name, why);
              throw new Error(why);
            }
            return `event ${entry.EventId} on bus ${channel.eventBusName}`;
          }
          case 'connect-task': {
            const instanceId =
              channel.instanceId ?? instanceIdFromArn(message.event.detail.instanceArn) ?? '';
            const result = await deps.connect.send(
              new StartTaskContactCommand({
                InstanceId: instanceId,
                ContactFlowId: channel.contactFlowId,
                Name: `Remediate ${message.event.detail.actionType} failure: ${message.event.detail.reasonCode}`.slice(
                  0,
                  512,
                ),
                Description: taskDescription(message),
                References: { 'Remediation run': { Type: 'URL', Value: message.runUrl } },
                // One ops task per escalation and channel, even when this activity is retried.
                ClientToken: message.idempotencyKey,
              }),
            );
            return `task ${result.ContactId} in instance ${instanceId}`;
          }
          case 'webhook':
            return postWebhook(channel, message, deps);
        }
      });
    },
  };
}

/**
 * A webhook delivery. Its URL may be a credential (urlEnv) and its token is one: neither ever
 * appears in what is returned or thrown — those go to the run's history and the worker's logs —
 * and neither leaves for an origin the token is not bound to (policies/webhook-destinations.ts).
 */
async function postWebhook(
  channel: Extract<ChannelConfig, { type: 'webhook' }>,
  message: EscalationMessage,
  deps: EscalationDeps,
): Promise<string> {
  const misconfigured = (why: string) => channelMisconfigured(channel.name, why);
  const secrets: string[] = [];
  let url: URL;
  if (channel.urlEnv) {
    const value = deps.secret(channel.urlEnv);
    if (!value) {
      throw misconfigured(
        `environment variable ${channel.urlEnv} is not set on the worker (or not one channels may read)`,
      );
    }
    secrets.push(value);
    const held = urlFromEnv(channel.urlEnv, value);
    if ('problem' in held) throw misconfigured(held.problem);
    url = held.url;
  } else if (channel.url && URL.canParse(channel.url)) {
    url = new URL(channel.url);
  } else {
    throw misconfigured('it has neither a url nor a urlEnv');
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': message.idempotencyKey,
  };
  if (channel.secretEnv) {
    const secret = deps.secret(channel.secretEnv);
    if (!secret) {
      throw misconfigured(
        `environment variable ${channel.secretEnv} is not set on the worker (or not one channels may read)`,
      );
    }
    secrets.push(secret);
    const problem = secretValueProblem(channel.secretEnv, secret);
    if (problem) throw misconfigured(problem);
    if (sendsSecretInClear(url.href)) throw misconfigured('a webhook with a secret must use https');
    const refusal = originRefusal(url, channel.secretEnv, deps.webhooks?.secretOrigins(channel.secretEnv));
    if (refusal) throw misconfigured(refusal);
    headers.authorization = `Bearer ${secret}`;
  }
  let response: Awaited<ReturnType<HttpPost>>;
  try {
    response = await deps.http(url.href, {
      method: 'POST',
      headers,
      // `text` makes the payload readable as-is by Slack-style incoming webhooks.
      body: JSON.stringify({ text: oneLineSummary(message), ...message }),
      signal: AbortSignal.timeout(15_000),
      redirect: 'manual',
    });
  } catch (err) {
    const why = redact(`${(err as Error).name}: ${(err as Error).message}`, secrets, url);
    if (err instanceof DestinationRefused) throw misconfigured(why);
    throw new Error(`webhook ${channel.name} could not be reached: ${why}`);
  }
  const line = await responseSummary(response, secrets, url);
  if (!response.ok) {
    const why = `webhook ${channel.name} answered ${line}${response.status >= 300 && response.status < 400 ? ' (a redirect: not followed)' : ''}`;
    if (isPermanentHttpStatus(response.status)) throw misconfigured(why);
    throw new Error(why);
  }
  return `webhook ${channel.name} answered ${line}`;
}

/**
 * What the run's history keeps of an answer: the status line, and the body only when it is a short
 * code such as Slack's `invalid_token` or `no_service`. Anything else — an HTML page, a JSON
 * document that may echo the request, an internal service's data — is described by type and size.
 */
export async function responseSummary(
  response: Awaited<ReturnType<HttpPost>>,
  secrets: readonly string[],
  url: URL,
): Promise<string> {
  const line = `HTTP ${response.status}${response.statusText ? ` ${response.statusText.slice(0, 40)}` : ''}`;
  if (response.ok) return line;
  const body = (await response.text().catch(() => '')).trim();
  if (body === '') return line;
  if (/^[A-Za-z0-9_.:-]{1,64}$/.test(body) && redact(body, secrets, url) === body) return `${line}: ${body}`;
  const type = response.contentType?.split(';')[0]?.trim().slice(0, 60) || 'unknown type';
  return `${line} (a ${type} body of ${Buffer.byteLength(body)}${Buffer.byteLength(body) >= MAX_RESPONSE_BYTES ? '+' : ''} bytes, not recorded)`;
}

/** Takes every secret, the URL and its path out of a message (a URL from urlEnv is a credential). */
function redact(text: string, secrets: readonly string[], url: URL): string {
  const hidden = [...secrets, url.href, `${url.pathname}${url.search}`].filter((s) => s.length > 1);
  return hidden.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
