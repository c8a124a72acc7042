/** Reads the failed action's definition from the rule (the failure event does not carry it). */
import { DescribeRuleCommand, type ConnectClient, type RuleAction } from '@aws-sdk/client-connect';
import { ApplicationFailure } from '@temporalio/common';
import { callAws } from './aws-failures';

export interface RuleActionLookup {
  instanceId: string;
  ruleId: string;
  actionType: string;
}

export interface NotificationContent {
  deliveryMethod?: string;
  subject?: string;
  content?: string;
  contentType?: string;
  recipients: { userIds: string[]; userTags: Record<string, string> };
}

export interface DescribedRuleAction {
  ruleName?: string;
  action: RuleAction;
}

/** Type of the failure when the rule no longer has an action of the failed type. */
export const ACTION_NOT_IN_RULE = 'RuleActionNotFound';

export async function describeRuleAction(
  connect: ConnectClient,
  lookup: RuleActionLookup,
): Promise<DescribedRuleAction> {
  const { Rule } = await callAws('DescribeRule', () =>
    connect.send(new DescribeRuleCommand({ InstanceId: lookup.instanceId, RuleId: lookup.ruleId })),
  );
  const action = Rule?.Actions?.find((a) => a.ActionType === lookup.actionType);
  if (!action) {
    throw ApplicationFailure.create({
      type: ACTION_NOT_IN_RULE,
      message: `Rule ${lookup.ruleId} has no ${lookup.actionType} action any more (it was edited since the failure)`,
      nonRetryable: true,
    });
  }
  return { ruleName: Rule?.Name, action };
}

export function notificationContent(action: RuleAction): NotificationContent | undefined {
  const n = action.SendNotificationAction;
  if (!n) return undefined;
  return {
    deliveryMethod: n.DeliveryMethod,
    subject: n.Subject,
    content: n.Content,
    contentType: n.ContentType,
    recipients: { userIds: n.Recipient?.UserIds ?? [], userTags: n.Recipient?.UserTags ?? {} },
  };
}

// ---- Rule definitions for re-issues, read once per rule while fresh --------------------------

/** One action of a rule, as a re-issue needs it (our own shape: it is recorded in run histories). */
export interface RuleActionDefinition {
  actionType: string;
  task?: {
    name?: string;
    description?: string;
    contactFlowId?: string;
    references?: Record<string, { type: string; value: string }>;
  };
  /** GENERATE_EVENTBRIDGE_EVENT: the event's name (the re-issued detail-type). */
  eventName?: string;
  notification?: NotificationContent;
}

export interface RuleDefinition {
  instanceId: string;
  ruleId: string;
  ruleName?: string;
  actions: RuleActionDefinition[];
  /** When DescribeRule answered (ISO 8601). */
  describedAt: string;
}

/** The rule's action of the failed type; a rule edited since the failure may have none. */
export function actionOfRule(rule: RuleDefinition, actionType: string): RuleActionDefinition {
  const action = rule.actions.find((a) => a.actionType === actionType);
  if (action) return action;
  throw ApplicationFailure.create({
    type: ACTION_NOT_IN_RULE,
    message: `Rule ${rule.ruleId} has no ${actionType} action any more (it was edited since the failure)`,
    nonRetryable: true,
  });
}

export function ruleActionDefinition(action: RuleAction): RuleActionDefinition {
  const task = action.TaskAction;
  const notification = notificationContent(action);
  return {
    actionType: action.ActionType ?? 'UNKNOWN',
    ...(task
      ? {
          task: {
            ...(task.Name !== undefined ? { name: task.Name } : {}),
            ...(task.Description !== undefined ? { description: task.Description } : {}),
            ...(task.ContactFlowId !== undefined ? { contactFlowId: task.ContactFlowId } : {}),
            ...(task.References
              ? {
                  references: Object.fromEntries(
                    Object.entries(task.References).map(([key, r]) => [
                      key,
                      { type: r.Type ?? 'STRING', value: r.Value ?? '' },
                    ]),
                  ),
                }
              : {}),
          },
        }
      : {}),
    ...(action.EventBridgeAction?.Name !== undefined ? { eventName: action.EventBridgeAction.Name } : {}),
    ...(notification ? { notification } : {}),
  };
}

export async function describeRuleDefinition(
  connect: ConnectClient,
  rule: { instanceId: string; ruleId: string },
): Promise<RuleDefinition> {
  const { Rule } = await callAws('DescribeRule', () =>
    connect.send(new DescribeRuleCommand({ InstanceId: rule.instanceId, RuleId: rule.ruleId })),
  );
  return {
    ...rule,
    ...(Rule?.Name !== undefined ? { ruleName: Rule.Name } : {}),
    actions: (Rule?.Actions ?? []).map(ruleActionDefinition),
    describedAt: new Date().toISOString(),
  };
}

/**
 * How long a rule's definition is trusted without asking AWS again. A storm re-issues thousands of
 * actions of a handful of rules: one DescribeRule per rule per minute (per worker process) instead
 * of one per re-issue. An operator's retry always reads the rule anew (they may have just fixed it).
 */
export const RULE_CACHE_TTL_MS = 60_000;

/** A worker process's fresh rule definitions (read by a local activity, filled after DescribeRule). */
export class RuleCache {
  private readonly rules = new Map<string, RuleDefinition>();

  constructor(
    private readonly ttlMs = RULE_CACHE_TTL_MS,
    private readonly now = () => Date.now(),
  ) {}

  get(instanceId: string, ruleId: string): RuleDefinition | undefined {
    const rule = this.rules.get(`${instanceId}/${ruleId}`);
    if (!rule) return undefined;
    if (this.now() - Date.parse(rule.describedAt) < this.ttlMs) return rule;
    this.rules.delete(`${instanceId}/${ruleId}`);
    return undefined;
  }

  remember(rule: RuleDefinition): void {
    this.rules.set(`${rule.instanceId}/${rule.ruleId}`, rule);
  }
}

/**
 * The rule's definition as an activity reads it for itself: this process's cache while fresh,
 * else one DescribeRule shared by every caller that misses at once (a storm re-issues for a
 * handful of rules; dozens miss together). Made from the activity of the operation it serves —
 * StartTaskContact, PutEvents — so a miss is a DescribeRule outside DescribeRule's own queue:
 * at most one per rule a minute per worker process.
 */
export class RuleReader {
  private readonly describing = new Map<string, Promise<RuleDefinition>>();

  constructor(
    private readonly connect: ConnectClient,
    private readonly cache: RuleCache,
  ) {}

  read(instanceId: string, ruleId: string): Promise<RuleDefinition> {
    const cached = this.cache.get(instanceId, ruleId);
    if (cached) return Promise.resolve(cached);
    const key = `${instanceId}/${ruleId}`;
    let pending = this.describing.get(key);
    if (!pending) {
      pending = describeRuleDefinition(this.connect, { instanceId, ruleId })
        .then((rule) => {
          this.cache.remember(rule);
          return rule;
        })
        .finally(() => this.describing.delete(key));
      this.describing.set(key, pending);
    }
    return pending;
  }
}
