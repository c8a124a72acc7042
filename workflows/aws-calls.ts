/**
 * How workflows call AWS (through activities): each call on its operation's rate-limited task
 * queue, retried in place without an attempt limit — a throttled call keeps its turn and never
 * costs the run an attempt of its policy; a network fault that persists comes back as
 * AwsUnreachable after a few attempts (activities/aws-failures.ts), AWS's other answers at once.
 */
import {
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  ApplicationFailure,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { RuleActionDefinition, RuleDefinition } from '../activities/rules';
import type { AwsOperation } from '../policies/api-budgets';
import { rateLimitedTaskQueue } from './definitions';

const AWS_CALL = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    // A bug is not a transient fault: it goes back to the workflow instead of retrying forever.
    nonRetryableErrorTypes: ['TypeError', 'RangeError', 'ReferenceError'],
  },
} satisfies ActivityOptions;

export const awsActivities = proxyActivities<RemediationActivities>(AWS_CALL);

/**
 * Options for one call of `operation`: its rate-limited queue — derived from the remediation task
 * queue (`mainTaskQueue`, by default the workflow's own) — and what the Web UI shows for it.
 */
export function onQueueOf(
  operation: AwsOperation,
  summary: string,
  mainTaskQueue: string = workflowInfo().taskQueue,
): ActivityOptions {
  return { ...AWS_CALL, taskQueue: rateLimitedTaskQueue(mainTaskQueue, operation), summary };
}

const { cachedRule } = proxyLocalActivities<RemediationActivities>({ startToCloseTimeout: '5s' });

/**
 * The rule's definition: from this worker's cache while fresh (RULE_CACHE_TTL_MS), else one
 * DescribeRule on its rate-limited queue — always so when `fresh` (an operator retry: the person
 * may have just fixed the rule). The answer is kept in this worker process for the next runs.
 */
export async function ruleDefinition(
  rule: { instanceId: string; ruleId: string },
  { fresh }: { fresh: boolean },
): Promise<RuleDefinition> {
  if (!fresh) {
    const cached = await cachedRule(rule);
    if (cached) return cached;
  }
  const described = await awsActivities.describeRule.executeWithOptions(
    onQueueOf('DescribeRule', `Read rule ${rule.ruleId} (DescribeRule)`),
    [rule],
  );
  await cachedRule({ ...rule, remember: described });
  return described;
}

/** Type of the failure when the rule no longer has an action of the failed type. */
export const ACTION_NOT_IN_RULE = 'RuleActionNotFound';

/** The rule's action of the failed type; a rule edited since the failure may have none. */
export function ruleAction(rule: RuleDefinition, actionType: string): RuleActionDefinition {
  const action = rule.actions.find((a) => a.actionType === actionType);
  if (action) return action;
  throw ApplicationFailure.create({
    type: ACTION_NOT_IN_RULE,
    message: `Rule ${rule.ruleId} has no ${actionType} action any more (it was edited since the failure)`,
    nonRetryable: true,
  });
}
