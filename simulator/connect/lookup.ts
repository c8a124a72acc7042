/** Resolves the instance a Connect call names (id or ARN), as Connect does: unknown is ResourceNotFound. */
import { connectError } from '../aws-errors';
import type { SimulatorState } from '../state';
import { instanceIdOf, type StoredInstance } from './instances';

export function requireInstance(state: SimulatorState, idOrArn: string): StoredInstance {
  const instanceId = instanceIdOf(idOrArn);
  const instance = state.instances.get(instanceId);
  if (!instance) throw connectError('ResourceNotFoundException', `Instance ${instanceId} does not exist`);
  return instance;
}
