/**
 * Re-issues a failed rule action against Connect / EventBridge with the real AWS SDK clients.
 *
 * CREATE_TASK: the rule's TaskAction → StartTaskContact, with a ClientToken derived from the event
 * id: an activity retry, a crashed worker or a later attempt can never create a second task for
 * the same failure (Connect keeps tokens for 7 days).
 *
 * `startTaskContact` and `putReissuedEvent` run on their operation's rate-limited task queue and
 * make one call of it each; the rule's action they read themselves (this process's cache, fresh
 * for a minute: a DescribeRule rides along on a miss), unless the workflow hands it in (an
 * operator's retry reads the rule anew). The capacity gate makes a waiting run's call (`startTaskFor`).
 */
import {
  StartTaskContactCommand,
  type ConnectClient,
  type Reference,
  type StartTaskContactCommandInput,
} from '@aws-sdk/client-connect';
import {
  PutEventsCommand,
  type EventBridgeClient,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { Context } from '@temporalio/activity';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import type { ReissueOverrides } from '../policies/types';
import { callAws, entryFailure } from './aws-failures';
import { actionOfRule, type RuleActionDefinition, type RuleReader } from './rules';
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

/**
 * A re-issue, with the rule's action when the workflow has just read it (an operator's retry reads
 * the rule anew); without, the activity reads it itself (RuleReader: this process's cache, a
 * DescribeRule on a miss) — no step of the run's own for the rule, the common case.
 */
export interface ReissueWithRuleInput extends ReissueInput {
  action?: RuleActionDefinition;
  ruleName?: string;
}

export const REMEDIATOR_EVENT_SOURCE = 'connect-remediator';

/** Idempotency key for StartTaskContact: one task per failure event, whatever happens. */
export function taskClientToken(eventId: string): string {
  return `remediate-${eventId}`.slice(0, 500);
}

/** StartTaskContact's limits (service model: Name 0–1,024, Description 0–4,096 characters). */
const NAME_MAX = 1024;
const DESCRIPTION_MAX = 4096;
/** AWS: "You can have up to 4,096 UTF-8 bytes across all references for a contact." */
export const REFERENCES_MAX_BYTES = 4096;
export const RUN_REFERENCE = 'Remediation run';

/** UTF-8 bytes of a contact's references: every key and every value. */
export function referenceBytes(references: Record<string, Reference>): number {
  let bytes = 0;
  for (const [key, reference] of Object.entries(references)) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(reference.Value ?? '');
  }
  return bytes;
}

export interface ReissueDeps {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
  runUrl: (workflowId: string) => string;
}

/** The StartTaskContact request for a re-issue: the rule's task, the policy's and operator's overrides. */
export function taskRequest(
  { event, overrides }: Pick<ReissueInput, 'event' | 'overrides'>,
  task: RuleActionDefinition['task'] = {},
  runUrl: string,
): { request: StartTaskContactCommandInput; notes: string[] } {
  const instanceId = instanceIdFromArn(event.detail.instanceArn) ?? '';
  const name = overrides.name ? renderTemplate(overrides.name, event, instanceId) : task.name;
  const description = overrides.description
    ? renderTemplate(overrides.description, event, instanceId)
    : task.description;
  const notes: string[] = [];
  if (holdsVariableInjection(name)) notes.push('Task name holds Connect variable injection; passed as is');
  if (holdsVariableInjection(description)) {
    notes.push('Task description holds Connect variable injection; passed as is');
  }
  const references: Record<string, Reference> = Object.fromEntries(
    [...Object.entries(task.references ?? {}), ...Object.entries(overrides.references ?? {})].map(
      ([key, r]) => [key, { Type: r.type as Reference['Type'], Value: r.value }],
    ),
  );
  // Link to the run on the task, so whoever works it can read its story — unless the rule's own
  // references leave no room for it: the task matters more than the link, and AWS refuses a
  // contact whose references pass the byte budget.
  const run: Reference = { Type: 'URL', Value: runUrl };
  const withRun = { ...references, [RUN_REFERENCE]: run };
  if (referenceBytes(withRun) <= REFERENCES_MAX_BYTES) Object.assign(references, withRun);
  else {
    notes.push(
      `"${RUN_REFERENCE}" reference left out: the task's references take ${referenceBytes(references)} ` +
        `of the ${REFERENCES_MAX_BYTES} UTF-8 bytes AWS allows per contact, the run's link would need ` +
        `${referenceBytes({ [RUN_REFERENCE]: run })} more`,
    );
  }
  return {
    request: {
      InstanceId: instanceId,
      ContactFlowId: overrides.contactFlowId ?? task.contactFlowId,
      Name: (name ?? `Re-issued task for rule ${event.detail.ruleId}`).slice(0, NAME_MAX),
      Description: description?.slice(0, DESCRIPTION_MAX),
      References: references,
      Attributes: { ...overrides.attributes, remediatedEventId: event.id },
      ClientToken: taskClientToken(event.id),
    },
    notes,
  };
}

/** The PutEvents entry for a re-issued GENERATE_EVENTBRIDGE_EVENT action. */
export function reissuedEventEntry(
  { event, overrides, attempt }: ReissueInput,
  rule: { ruleName?: string; eventName?: string },
): PutEventsRequestEntry {
  return {
    // Only AWS may emit `aws.connect`; consumers match the policy-named source instead.
    Source: overrides.source ?? REMEDIATOR_EVENT_SOURCE,
    DetailType: overrides.detailType ?? rule.eventName ?? 'Connect rule action re-issued',
    EventBusName: overrides.eventBusName ?? 'default',
    Resources: event.resources,
    Detail: JSON.stringify({
      ruleId: event.detail.ruleId,
      ruleName: rule.ruleName,
      actionName: rule.eventName,
      triggerEvent: event.detail.triggerEvent,
      instanceArn: event.detail.instanceArn,
      originalEventId: event.id,
      originalTime: event.time,
      // PutEvents has no idempotency token: consumers dedupe on originalEventId.
      remediationAttempt: attempt,
    }),
  };
}

export function createReissueActivities(deps: ReissueDeps, rules: RuleReader) {
  /** The action to re-issue and its rule's name: as handed in, else read from the rule. */
  async function actionFor(
    input: ReissueWithRuleInput,
  ): Promise<{ action: RuleActionDefinition; ruleName?: string }> {
    if (input.action)
      return { action: input.action, ...(input.ruleName ? { ruleName: input.ruleName } : {}) };
    const { instanceArn, ruleId, actionType } = input.event.detail;
    const rule = await rules.read(instanceIdFromArn(instanceArn) ?? '', ruleId);
    return { action: actionOfRule(rule, actionType), ...(rule.ruleName ? { ruleName: rule.ruleName } : {}) };
  }

  const runUrlOfCaller = () => deps.runUrl(Context.current().info.workflowExecution?.workflowId ?? '');

  /** The StartTaskContact call of a re-issue, linked to the run it is done for. */
  async function startTask(
    input: Pick<ReissueInput, 'event' | 'overrides'>,
    task: RuleActionDefinition['task'],
    runUrl: string,
  ): Promise<ReissueResult> {
    const { request, notes } = taskRequest(input, task, runUrl);
    const result = await callAws(
      'StartTaskContact',
      () => deps.connect.send(new StartTaskContactCommand(request)),
      { previousContactId: request.PreviousContactId !== undefined },
    );
    return { resultId: result.ContactId ?? '', notes };
  }

  async function putEvent(entry: PutEventsRequestEntry): Promise<ReissueResult> {
    const response = await callAws('PutEvents', () =>
      deps.eventBridge.send(new PutEventsCommand({ Entries: [entry] })),
    );
    const result = response.Entries?.[0];
    if ((response.FailedEntryCount ?? 0) > 0 || !result?.EventId) {
      throw entryFailure(
        'PutEvents',
        result?.ErrorCode ?? 'PutEventsEntryFailed',
        result?.ErrorMessage ?? 'the entry was not accepted',
      );
    }
    return { resultId: result.EventId, notes: [] };
  }

  return {
    /** For the capacity gate: a waiting run's StartTaskContact, made by the gate's activity. */
    startTaskFor: (
      input: Pick<ReissueInput, 'event' | 'overrides'>,
      workflowId: string,
      task: RuleActionDefinition['task'],
    ) => startTask(input, task, deps.runUrl(workflowId)),
    activities: {
      /** One StartTaskContact call (StartTaskContact task queue). */
      async startTaskContact(input: ReissueWithRuleInput): Promise<ReissueResult> {
        const { action } = await actionFor(input);
        return startTask(input, action.task, runUrlOfCaller());
      },

      /** One PutEvents call (PutEvents task queue). */
      async putReissuedEvent(input: ReissueWithRuleInput): Promise<ReissueResult> {
        const { action, ruleName } = await actionFor(input);
        return putEvent(reissuedEventEntry(input, { ruleName, eventName: action.eventName }));
      },
    },
  };
}
