/**
 * Every side effect the workflows need, built from injected clients so tests hand in clients
 * pointed at the simulator and production hands in real ones.
 */
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Client } from '@temporalio/client';
import { createCapacityActivities, type CapacityGateContract } from './capacity';
import { createEscalationActivities, type HttpPost } from './escalation';
import { createPolicyActivities, type PolicySource } from './policy';
import { createReissueActivities } from './reissue';
import { describeRuleAction, notificationContent, type NotificationContent } from './rules';

export interface ActivityDeps {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
  policies: PolicySource;
  /** The gate is joined with signal-with-start, a client call; the worker names the gate. */
  temporal: { client: Client; taskQueue: string; capacityGate: CapacityGateContract };
  /** HTTP for webhook channels (global fetch in production). */
  http: HttpPost;
  /** Secrets named by env var in the policy file (webhook `secretEnv`). */
  secret: (envName: string) => string | undefined;
  /** Link to a run in the Temporal Web UI. */
  runUrl: (workflowId: string) => string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPolicyActivities(deps.policies),
    ...createReissueActivities(deps),
    ...createEscalationActivities(deps),
    ...createCapacityActivities(deps),
    async describeNotification(rule: {
      instanceId: string;
      ruleId: string;
    }): Promise<NotificationContent | undefined> {
      const { action } = await describeRuleAction(deps.connect, { ...rule, actionType: 'SEND_NOTIFICATION' });
      return notificationContent(action);
    },
  };
}

export type RemediationActivities = ReturnType<typeof createActivities>;
