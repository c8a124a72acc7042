/**
 * GetCurrentMetricData, modelled for tasks only: the simulator never routes a task to an agent, so
 * every open task is CONTACTS_IN_QUEUE (or CONTACTS_SCHEDULED until its ScheduledTime), on channel
 * TASK, in the queue of the flow that started it. Agent and slot metrics are always 0.
 *
 * A capacity check estimates an instance's open tasks as CONTACTS_IN_QUEUE + CONTACTS_SCHEDULED +
 * SLOTS_ACTIVE over all its queues (ListQueues), channel TASK.
 */
import { connectError } from '../aws-errors';
import type { SimulatorState } from '../state';
import type { StoredInstance } from './instances';
import { requireInstance } from './lookup';
import { parseConnectBody } from './parse';
import { CHANNELS, GetCurrentMetricDataBody, type Channel, type CurrentMetricName } from './request-schemas';

interface Tally {
  inQueue: number;
  scheduled: number;
  oldestCreatedAtMs?: number;
}

const SUPPORTED_GROUPINGS = new Set(['QUEUE', 'CHANNEL']);
const SECONDS_METRICS = new Set<CurrentMetricName>(['OLDEST_CONTACT_AGE', 'ESTIMATED_WAIT_TIME']);

export function getCurrentMetricData(state: SimulatorState, rawBody: unknown, instanceIdParam: string) {
  const input = parseConnectBody(GetCurrentMetricDataBody, rawBody, { InstanceId: instanceIdParam });
  const instance = requireInstance(state, input.InstanceId);
  const instanceId = instance.id;
  // AWS: metrics are for the queues or the routing profiles in the filter, never both.
  const { Queues, RoutingProfiles } = input.Filters;
  if ((Queues === undefined) === (RoutingProfiles === undefined)) {
    throw connectError(
      'InvalidParameterException',
      Queues === undefined
        ? 'Filters: GetCurrentMetricData requires Queues (list them with ListQueues) or RoutingProfiles'
        : 'Filters: filter by Queues or by RoutingProfiles, not both',
    );
  }
  const groupings = input.Groupings ?? [];
  const unsupported = groupings.filter((grouping) => !SUPPORTED_GROUPINGS.has(grouping));
  if (unsupported.length > 0) {
    throw connectError(
      'InvalidParameterException',
      `Groupings: the simulator groups by QUEUE and CHANNEL only, got ${unsupported.join(', ')}`,
    );
  }
  const byQueue = groupings.includes('QUEUE');
  const byChannel = groupings.includes('CHANNEL');
  const channels: readonly Channel[] = input.Filters.Channels ?? CHANNELS;
  // Queue filters may be ids or ARNs; queues of other instances simply match nothing.
  // The simulator models no routing profiles: a routing-profile filter matches no queue (zeros).
  const queueIds = [...new Set((Queues ?? []).map((queue) => queue.split('/').pop() ?? queue))].filter(
    (queueId) => instance.queues.has(queueId),
  );
  const tallies = tallyOpenTasks(state, instance, new Set(queueIds));
  const nowMs = state.now();

  const rows: { queueIds: string[]; channel?: Channel }[] = [];
  for (const queueGroup of byQueue ? queueIds.map((id) => [id]) : [queueIds]) {
    for (const channel of byChannel ? channels : [undefined]) rows.push({ queueIds: queueGroup, channel });
  }
  const { region, accountId } = state.config;
  const MetricResults = rows.map(({ queueIds: group, channel }) => {
    const counted = channel === undefined ? channels.includes('TASK') : channel === 'TASK';
    const tally = counted ? sumTallies(group.map((id) => tallies.get(id))) : { inQueue: 0, scheduled: 0 };
    const dimensions = {
      ...(byQueue
        ? {
            Queue: {
              Id: group[0],
              Arn: `arn:aws:connect:${region}:${accountId}:instance/${instanceId}/queue/${group[0]}`,
            },
          }
        : {}),
      ...(channel !== undefined ? { Channel: channel } : {}),
    };
    return {
      ...(byQueue || byChannel ? { Dimensions: dimensions } : {}),
      Collections: input.CurrentMetrics.map((metric) => ({
        Metric: {
          Name: metric.Name,
          Unit: metric.Unit ?? (SECONDS_METRICS.has(metric.Name) ? 'SECONDS' : 'COUNT'),
        },
        Value: metricValue(metric.Name, tally, nowMs, groupings.length > 0),
      })),
    };
  });
  return { MetricResults, DataSnapshotTime: nowMs / 1000, ApproximateTotalCount: MetricResults.length };
}

function tallyOpenTasks(
  state: SimulatorState,
  instance: StoredInstance,
  queueIds: Set<string>,
): Map<string, Tally> {
  const nowMs = state.now();
  const tallies = new Map<string, Tally>();
  for (const task of state.tasks.openTasksOf(instance.id)) {
    if (!queueIds.has(task.queueId)) continue;
    let tally = tallies.get(task.queueId);
    if (!tally) tallies.set(task.queueId, (tally = { inQueue: 0, scheduled: 0 }));
    if (task.scheduledForMs !== undefined && task.scheduledForMs > nowMs) tally.scheduled += 1;
    else {
      tally.inQueue += 1;
      tally.oldestCreatedAtMs = Math.min(tally.oldestCreatedAtMs ?? Infinity, task.createdAtMs);
    }
  }
  return tallies;
}

function sumTallies(tallies: (Tally | undefined)[]): Tally {
  const sum: Tally = { inQueue: 0, scheduled: 0 };
  for (const tally of tallies) {
    if (!tally) continue;
    sum.inQueue += tally.inQueue;
    sum.scheduled += tally.scheduled;
    if (tally.oldestCreatedAtMs !== undefined) {
      sum.oldestCreatedAtMs = Math.min(sum.oldestCreatedAtMs ?? Infinity, tally.oldestCreatedAtMs);
    }
  }
  return sum;
}

function metricValue(name: CurrentMetricName, tally: Tally, nowMs: number, grouped: boolean): number {
  switch (name) {
    case 'CONTACTS_IN_QUEUE':
      return tally.inQueue;
    case 'CONTACTS_SCHEDULED':
      return tally.scheduled;
    case 'OLDEST_CONTACT_AGE': {
      if (tally.oldestCreatedAtMs === undefined) return 0;
      const ageMs = nowMs - tally.oldestCreatedAtMs;
      // AWS quirk (API reference): without groupings the Unit says SECONDS but the value is in ms.
      return grouped ? Math.floor(ageMs / 1000) : ageMs;
    }
    default:
      return 0;
  }
}
