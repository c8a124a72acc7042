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
