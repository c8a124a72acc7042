/** StopContact: ends an open task, freeing its place in the active-tasks quota. */
import { connectError } from '../aws-errors';
import type { SimulatorState } from '../state';
import { requireInstance } from './lookup';
import { parseConnectBody } from './parse';
import { StopContactBody } from './request-schemas';

export function stopContact(state: SimulatorState, rawBody: unknown): Record<string, never> {
  const input = parseConnectBody(StopContactBody, rawBody);
  const instanceId = requireInstance(state, input.InstanceId).id;
  const task = state.tasks.get(input.ContactId);
  // AWS: "The contact with the specified ID is not active or does not exist."
  if (!task || task.instanceId !== instanceId || !state.tasks.complete(task, 'StopContact', state.now())) {
    throw connectError('ContactNotFoundException');
  }
  return {};
}
