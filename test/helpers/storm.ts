/**
 * A task-quota storm on a private simulated instance: quota Q, tasks that finish after a lifetime,
 * and N failure events that all hit the full quota at once.
 */
import { randomUUID } from 'node:crypto';
import { ConnectClient, StartTaskContactCommand } from '@aws-sdk/client-connect';
import type { SimulatorAdminClient } from '../../simulator';
import type { ConnectFailureEvent } from '../../events/types';
import { failureEvent } from './events';

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

/** Fills the instance to its quota, as the burst of rule actions that failed did. */
export async function fillToQuota(endpoint: string, instance: StormInstance, quota: number): Promise<void> {
  const connect = new ConnectClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  for (let i = 0; i < quota; i++) {
    await connect.send(
      new StartTaskContactCommand({
        InstanceId: instance.instanceId,
        ContactFlowId: instance.contactFlowId,
        Name: `filler ${i}`,
      }),
    );
  }
  connect.destroy();
}

export function quotaFailureEvents(
  instance: StormInstance,
  count: number,
  quota: number,
): ConnectFailureEvent[] {
  return Array.from({ length: count }, () =>
    failureEvent({
      ruleId: instance.ruleId,
      actionType: 'CREATE_TASK',
      instanceArn: `arn:aws:connect:us-east-1:123456789012:instance/${instance.instanceId}`,
      reasonCode: 'ServiceQuotaExceededException',
      error: `Active tasks quota exceeded for instance ${instance.instanceId}: ${quota} open tasks, quota ${quota}`,
      additionalInfo: JSON.stringify({
        code: 'ServiceQuotaExceededException',
        statusCode: 402,
        retryable: false,
      }),
    }),
  );
}
