/**
 * Tasks the contact centre opened before a test begins (a quota storm's full instance), created by
 * the admin API without a StartTaskContact call: no rate limit, no request log entry. They are
 * ordinary open tasks otherwise: they count against the active-task quota, show in
 * GetCurrentMetricData, expire after taskLifetimeMs and can be completed like any other.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorState } from '../state';
import type { OpenTasksRequest, OpenTasksResult } from '../types';
import { SimulatorStateError } from './instances';

const DEFAULT_NAME = 'Opened by the admin API';

export function openTasks(
  state: SimulatorState,
  instanceId: string,
  request: OpenTasksRequest,
): OpenTasksResult {
  const instance = state.instances.get(instanceId);
  if (!instance) throw new SimulatorStateError('not-found', `instance ${instanceId} does not exist`);
  const { count, contactFlowId, queueId } = request;
  if (contactFlowId !== undefined && !instance.flows.has(contactFlowId)) {
    throw new SimulatorStateError(
      'invalid',
      `contactFlowId ${contactFlowId} is not a contact flow of instance ${instance.id}`,
    );
  }
  if (queueId !== undefined && !instance.queues.has(queueId)) {
    throw new SimulatorStateError('invalid', `queueId ${queueId} is not a queue of instance ${instance.id}`);
  }

  state.expireTasks();
  const open = state.tasks.openCount(instance.id);
  const quota = state.activeTaskQuotaOf(instance);
  // All or nothing: AWS would have refused the tasks past the quota, so none is opened.
  if (open + count > quota) {
    throw new SimulatorStateError(
      'conflict',
      `instance ${instance.id} has ${open} open tasks and an active-task quota of ${quota}: ` +
        `${count} more would exceed it (at most ${Math.max(0, quota - open)})`,
    );
  }

  const nowMs = state.now();
  const taskQueue = queueId ?? state.instances.queueForFlow(instance, contactFlowId ?? '');
  const name = request.name ?? DEFAULT_NAME;
  const contactIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const contactId = randomUUID();
    state.tasks.add({
      contactId,
      instanceId: instance.id,
      queueId: taskQueue,
      createdBy: 'admin',
      createdAtMs: nowMs,
      request: {
        InstanceId: instance.id,
        Name: name,
        ...(contactFlowId !== undefined ? { ContactFlowId: contactFlowId } : {}),
      },
    });
    contactIds.push(contactId);
  }
  return { instanceId: instance.id, contactIds, openTasks: state.tasks.openCount(instance.id) };
}
