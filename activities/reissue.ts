/**
 * Re-issues a failed rule action against Connect / EventBridge with the real AWS SDK clients.
 *
 * CREATE_TASK: DescribeRule → the rule's TaskAction → StartTaskContact, with a ClientToken derived
 * from the event id: an activity retry, a crashed worker or a later attempt can never create a
 * second task for the same failure (Connect keeps tokens for 7 days).
 */
import { StartTaskContactCommand, type ConnectClient, type Reference } from '@aws-sdk/client-connect';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Context } from '@temporalio/activity';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import type { ReissueOverrides } from '../policies/types';
import { callAws, entryFailure } from './aws-failures';
import { describeRuleAction } from './rules';
import { holdsVariableInjection, renderTemplate } from './templates';

export interface ReissueInput {
  event: ConnectFailureEvent;
  overrides: ReissueOverrides;
  attempt: number;
}

export interface ReissueResult {
  /** ContactId of the task, or the EventBridge event id. */
  resultId: string;
  notes: string[];
}

export const REMEDIATOR_EVENT_SOURCE = 'connect-remediator';

/** Idempotency key for StartTaskContact: one task per failure event, whatever happens. */
export function taskClientToken(eventId: string): string {
  return `remediate-${eventId}`.slice(0, 500);
}

const NAME_MAX = 512;
const DESCRIPTION_MAX = 4096;

export interface ReissueDeps {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
  runUrl: (workflowId: string) => string;
}

export function createReissueActivities(deps: ReissueDeps) {
  return {
    async reissueCreateTask({ event, overrides }: ReissueInput): Promise<ReissueResult> {
      // Link to the run on the task, so whoever works it can read its story.
      const runUrl = deps.runUrl(Context.current().info.workflowExecution?.workflowId ?? '');
      const instanceId = instanceIdFromArn(event.detail.instanceArn) ?? '';
      const { action } = await describeRuleAction(deps.connect, {
        instanceId,
        ruleId: event.detail.ruleId,
        actionType: 'CREATE_TASK',
      });
      const task = action.TaskAction ?? { Name: undefined, ContactFlowId: undefined };
      const name = overrides.name ? renderTemplate(overrides.name, event, instanceId) : task.Name;
      const description = overrides.description
        ? renderTemplate(overrides.description, event, instanceId)
        : task.Description;
      const notes: string[] = [];
      if (holdsVariableInjection(name))
        notes.push('Task name holds Connect variable injection; passed as is');
      if (holdsVariableInjection(description)) {
        notes.push('Task description holds Connect variable injection; passed as is');
      }
      const references: Record<string, Reference> = {
        ...(task.References ?? {}),
        ...Object.fromEntries(
          Object.entries(overrides.references ?? {}).map(([key, r]) => [
            key,
            { Type: r.type, Value: r.value },
          ]),
        ),
        'Remediation run': { Type: 'URL', Value: runUrl },
      };
      const result = await callAws('StartTaskContact', () =>
        deps.connect.send(
          new StartTaskContactCommand({
            InstanceId: instanceId,
            ContactFlowId: overrides.contactFlowId ?? task.ContactFlowId,
            Name: (name ?? `Re-issued task for rule ${event.detail.ruleId}`).slice(0, NAME_MAX),
            Description: description?.slice(0, DESCRIPTION_MAX),
            References: references,
            Attributes: { ...overrides.attributes, remediatedEventId: event.id },
            ClientToken: taskClientToken(event.id),
          }),
        ),
      );
      return { resultId: result.ContactId ?? '', notes };
    },

    async reissueEventBridgeEvent({ event, overrides, attempt }: ReissueInput): Promise<ReissueResult> {
      const instanceId = instanceIdFromArn(event.detail.instanceArn) ?? '';
      const { ruleName, action } = await describeRuleAction(deps.connect, {
        instanceId,
        ruleId: event.detail.ruleId,
        actionType: 'GENERATE_EVENTBRIDGE_EVENT',
      });
      const detailType =
        overrides.detailType ?? action.EventBridgeAction?.Name ?? 'Connect rule action re-issued';
      const response = await callAws('PutEvents', () =>
        deps.eventBridge.send(
          new PutEventsCommand({
            Entries: [
              {
                // Only AWS may emit `aws.connect`; consumers match the policy-named source instead.
                Source: overrides.source ?? REMEDIATOR_EVENT_SOURCE,
                DetailType: detailType,
                EventBusName: overrides.eventBusName ?? 'default',
                Resources: event.resources,
                Detail: JSON.stringify({
                  ruleId: event.detail.ruleId,
                  ruleName,
                  actionName: action.EventBridgeAction?.Name,
                  triggerEvent: event.detail.triggerEvent,
                  instanceArn: event.detail.instanceArn,
                  originalEventId: event.id,
                  originalTime: event.time,
                  // PutEvents has no idempotency token: consumers dedupe on originalEventId.
                  remediationAttempt: attempt,
                }),
              },
            ],
          }),
        ),
      );
      const entry = response.Entries?.[0];
      if ((response.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
        throw entryFailure(
          'PutEvents',
          entry?.ErrorCode ?? 'PutEventsEntryFailed',
          entry?.ErrorMessage ?? 'the entry was not accepted',
        );
      }
      return { resultId: entry.EventId, notes: [] };
    },
  };
}
