/** ListQueues: the queues a capacity check passes to GetCurrentMetricData (which requires them). */
import type { SimulatorState } from '../state';
import { requireInstance } from './lookup';
import { parseConnectInput } from './parse';
import { ListQueuesParams } from './request-schemas';

export function listQueues(state: SimulatorState, params: unknown) {
  const input = parseConnectInput(ListQueuesParams, params);
  const instance = requireInstance(state, input.InstanceId);
  const instanceId = instance.id;
  const types = input.queueTypes === undefined ? undefined : [input.queueTypes].flat();
  // The simulator's queues are all STANDARD (AGENT queues belong to agents, which it does not model).
  const queues = types && !types.includes('STANDARD') ? [] : [...instance.queues.values()];
  const { region, accountId } = state.config;
  return {
    QueueSummaryList: queues.map((queue) => ({
      Id: queue.Id,
      Arn: `arn:aws:connect:${region}:${accountId}:instance/${instanceId}/queue/${queue.Id}`,
      Name: queue.Name,
      QueueType: 'STANDARD',
    })),
  };
}
