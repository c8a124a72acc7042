/**
 * A task-quota storm scenario on a private simulated instance: an instance with quota Q, a rule
 * whose CREATE_TASK action the storm re-issues, the quota filled (that is why the rule actions
 * failed), and the failure events Connect would publish. Shared by the capacity tests and
 * `npm run bench -- quota-storm`, so both exercise the same storm.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectFailureEvent } from '../events/types';
import { SimulatorAdminClient } from './admin-client';

export interface StormInstance {
  instanceId: string;
  ruleId: string;
  contactFlowId: string;
}

export async function addStormInstance(admin: SimulatorAdminClient, quota: number): Promise<StormInstance> {
  const instanceId = randomUUID();
  await admin.addInstance({
    Id: instanceId,
    ActiveTaskQuota: quota,
    Queues: [{ Id: randomUUID(), Name: 'Storm queue' }],
  });
  const flow = await admin.addContactFlow(instanceId, { Name: 'Storm flow' });
  const rule = await admin.addRule(instanceId, {
    Name: 'storm rule',
    Actions: [{ ActionType: 'CREATE_TASK', TaskAction: { Name: 'Follow up', ContactFlowId: flow.Id } }],
  });
  return { instanceId, ruleId: rule.RuleId, contactFlowId: flow.Id };
}

/**
 * Opens `count` tasks on the instance, as the rules did before the storm: through the admin API in
 * one request, so filling a quota of thousands takes milliseconds and spends none of the account's
 * StartTaskContact rate limit (nor shows up in its request counts).
 */
export async function fillToQuota(endpoint: string, instance: StormInstance, count: number): Promise<void> {
  if (count <= 0) return;
  await new SimulatorAdminClient(endpoint).addOpenTasks(instance.instanceId, {
    count,
    contactFlowId: instance.contactFlowId,
    name: 'open before the storm',
  });
}

/** The event Connect publishes when the rule's StartTaskContact hits the full quota. */
export function quotaFailureEvent(instance: StormInstance, quota: number): ConnectFailureEvent {
  const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instance.instanceId}`;
  return {
    version: '0',
    id: randomUUID(),
    source: 'aws.connect',
    'detail-type': 'Amazon Connect Rules Action Execution Failed',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [instanceArn],
    detail: {
      ruleId: instance.ruleId,
      actionType: 'CREATE_TASK',
      triggerEvent: 'REAL_TIME_CALL',
      instanceArn,
      reasonCode: 'ServiceQuotaExceededException',
      error: `Active tasks quota exceeded for instance ${instance.instanceId}: ${quota} open tasks, quota ${quota}`,
      additionalInfo: JSON.stringify({
        code: 'ServiceQuotaExceededException',
        statusCode: 402,
        retryable: false,
      }),
    },
  };
}

/** A CREATE_TASK that Connect's own StartTaskContact call failed on a throttle (retryable). */
export function throttledFailureEvent(instance: StormInstance): ConnectFailureEvent {
  const event = quotaFailureEvent(instance, 0);
  event.detail = {
    ...event.detail,
    reasonCode: 'ThrottlingException',
    error: 'Rate exceeded',
    additionalInfo: JSON.stringify({
      code: 'ThrottlingException',
      statusCode: 429,
      retryable: true,
      retryDelay: 1,
    }),
  };
  return event;
}

export function quotaFailureEvents(
  instance: StormInstance,
  count: number,
  quota: number,
): ConnectFailureEvent[] {
  return Array.from({ length: count }, () => quotaFailureEvent(instance, quota));
}
