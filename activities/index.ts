/**
 * Every side effect the workflows need, built from injected clients so tests hand in clients
 * pointed at the simulator and production hands in real ones.
 *
 * Each activity that calls AWS makes calls of one operation only, so the worker can serve it on
 * that operation's rate-limited task queue (AWS_OPERATION_ACTIVITIES below).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { log } from '@temporalio/activity';
import { AppliedQuotaReader } from './applied-quota';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Client } from '@temporalio/client';
import type { AwsOperation } from '../policies/api-budgets';
import type { WebhookRules } from '../policies/webhook-destinations';
import { createCapacityActivities, type CapacityGateContract } from './capacity';
import { createEscalationActivities, type HttpPost } from './escalation';
import { createIncidentActivities, type IncidentContract } from './incident';
import { createPolicyActivities, type PolicySource } from './policy';
import { createReissueActivities } from './reissue';
import { describeRuleDefinition, RuleCache, RuleReader, type RuleDefinition } from './rules';

export interface ActivityDeps {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
  /** CloudWatch, for the instance's applied task quota (`quota: auto`); without it, the fallback. */
  cloudWatch?: CloudWatchClient;
  policies: PolicySource;
  /** The gate is joined with signal-with-start, a client call; the worker names the gate. */
  temporal: {
    client: Client;
    taskQueue: string;
    capacityGate: CapacityGateContract;
    incident: IncidentContract;
  };
  /** Link to the runs a visibility query finds in the Temporal Web UI (an incident's runs). */
  runsUrl: (query: string) => string;
  /** HTTP for webhook channels (./webhook-http.ts in production: allowed addresses only). */
  http: HttpPost;
  /** Secrets named by env var in the policy file (webhook `secretEnv`, `urlEnv`). */
  secret: (envName: string) => string | undefined;
  /** Where each webhook secret may go (`<secretEnv>_ORIGINS`); absent: nowhere. */
  webhooks?: Pick<WebhookRules, 'secretOrigins'>;
  /** Link to a run in the Temporal Web UI. */
  runUrl: (workflowId: string) => string;
  /** Fresh rule definitions of this worker process (tests may hand in their own clock). */
  rules?: RuleCache;
}

export function createActivities(deps: ActivityDeps) {
  const rules = deps.rules ?? new RuleCache();
  const quotas = deps.cloudWatch
    ? new AppliedQuotaReader(deps.cloudWatch, { warn: (m, a) => log.warn(m, a) })
    : undefined;
  const ruleReader = new RuleReader(deps.connect, rules);
  const reissue = createReissueActivities(deps, ruleReader);
  return {
    ...createPolicyActivities(deps.policies, quotas),
    ...reissue.activities,
    ...createEscalationActivities(deps),
    ...createCapacityActivities({
      connect: deps.connect,
      policies: deps.policies,
      ...(quotas ? { quotas } : {}),
      rules: ruleReader,
      startTask: reissue.startTaskFor,
      temporal: deps.temporal,
    }),
    ...createIncidentActivities(deps),

    /** One DescribeRule call (DescribeRule task queue); the answer is also kept fresh in this process. */
    async describeRule(rule: { instanceId: string; ruleId: string }): Promise<RuleDefinition> {
      const definition = await describeRuleDefinition(deps.connect, rule);
      rules.remember(definition);
      return definition;
    },

    /**
     * Local activity: the rule's definition if this process read it within RULE_CACHE_TTL_MS;
     * `remember` stores one DescribeRule answered elsewhere, so every worker process learns it.
     */
    async cachedRule(request: {
      instanceId: string;
      ruleId: string;
      remember?: RuleDefinition;
    }): Promise<RuleDefinition | undefined> {
      if (request.remember) {
        rules.remember(request.remember);
        return request.remember;
      }
      return rules.get(request.instanceId, request.ruleId);
    },
  };
}

export type RemediationActivities = ReturnType<typeof createActivities>;

export { createWebhookHttp, DestinationRefused } from './webhook-http';

/**
 * The activities each rate-limited task queue serves: for an AWS operation, everything that calls
 * that operation and nothing else, so the queue's server-side rate limit is the operation's rate
 * (`notifyChannel` serves two: the workflow routes an eventbridge channel to PutEvents and a
 * connect-task channel to StartTaskContact; the capacity gate's re-issues are StartTaskContact
 * calls, its admission rounds GetCurrentMetricData calls — their rare ListQueues and DescribeRule
 * calls ride along, at most one per instance or rule every few minutes per worker process; so do
 * the re-issues' own DescribeRule calls when a rule is not fresh in the process, RuleReader).
 */
export const RATE_LIMITED_ACTIVITIES: Partial<Record<AwsOperation, (keyof RemediationActivities)[]>> = {
  StartTaskContact: ['startTaskContact', 'notifyChannel', 'admitWaiter'],
  DescribeRule: ['describeRule'],
  GetCurrentMetricData: ['admissionRound'],
  PutEvents: ['putReissuedEvent', 'notifyChannel'],
};
