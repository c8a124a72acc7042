/**
 * CloudWatch GetMetricData, for the metrics Amazon Connect publishes about its active-tasks quota:
 * `AWS/Connect` `ConcurrentTasks` (open tasks) and `ConcurrentTasksPercentage` (of the applied
 * quota), dimensions `InstanceId` and `MetricGroup=Tasks`. The engine divides one by the other to
 * learn the quota AWS support set for the instance. Each answers one datapoint: the current value,
 * stamped at the start of the latest whole period within [StartTime, EndTime). Any other metric
 * answers no datapoints, as CloudWatch does for a metric nobody published.
 */
import { z } from 'zod';
import { cloudWatchError } from '../aws-errors';
import { parseJsonObject } from '../protocol';
import type { SimulatorState } from '../state';
import { awsList, awsNumber, awsString, awsStructure, awsValidationMessage } from '../validation';

/** GetMetricData's documented limit on queries per request. */
const MAX_QUERIES = 500;
/** The documented form of a query id: a lowercase letter first, then letters, digits, underscores. */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

const Dimension = awsStructure({
  Name: awsString({ min: 1, max: 255 }),
  Value: awsString({ min: 1, max: 1024 }),
});

const Query = awsStructure({
  Id: awsString({ min: 1, max: 255 }).regex(
    QUERY_ID,
    `Member must satisfy regular expression pattern: ${QUERY_ID.source}`,
  ),
  MetricStat: awsStructure({
    Metric: awsStructure({
      Namespace: awsString({ min: 1, max: 255 }).optional(),
      MetricName: awsString({ min: 1, max: 255 }).optional(),
      Dimensions: awsList(Dimension, { max: 30 }).optional(),
    }),
    Period: awsNumber()
      .int('Member must be an integer')
      .min(1, 'Member must have value greater than or equal to 1'),
    Stat: awsString(),
    Unit: awsString().optional(),
  }).optional(),
  Expression: awsString({ min: 1, max: 2048 }).optional(),
  Label: awsString().optional(),
  ReturnData: z.boolean().optional(),
  Period: awsNumber().int().min(1).optional(),
});

const GetMetricDataBody = z.object({
  MetricDataQueries: awsList(Query, { max: MAX_QUERIES }),
  /** Epoch seconds (AWS JSON 1.0's timestamp format). */
  StartTime: awsNumber(),
  EndTime: awsNumber(),
  NextToken: awsString().optional(),
  ScanBy: z.enum(['TimestampDescending', 'TimestampAscending']).optional(),
  MaxDatapoints: awsNumber().int().optional(),
});

export const CONNECT_NAMESPACE = 'AWS/Connect';
export const CONCURRENT_TASKS = 'ConcurrentTasks';
export const CONCURRENT_TASKS_PERCENTAGE = 'ConcurrentTasksPercentage';

export function getMetricData(state: SimulatorState, rawBody: unknown) {
  const body = parseJsonObject(rawBody);
  if (body === undefined)
    throw cloudWatchError('ValidationException', 'The request body must be a JSON object');
  const parsed = GetMetricDataBody.safeParse(body);
  if (!parsed.success) throw cloudWatchError('ValidationException', awsValidationMessage(parsed.error));
  const input = parsed.data;
  if (input.NextToken !== undefined) throw cloudWatchError('InvalidNextToken');
  if (input.EndTime <= input.StartTime) {
    throw cloudWatchError(
      'ValidationException',
      'The parameter StartTime must be less than the parameter EndTime.',
    );
  }
  const nowSeconds = state.now() / 1000;
  return {
    MetricDataResults: input.MetricDataQueries.filter((query) => query.ReturnData !== false).map((query) => {
      const value = query.MetricStat ? quotaMetric(state, query.MetricStat.Metric) : undefined;
      const period = query.MetricStat?.Period ?? query.Period ?? 60;
      const last = Math.min(nowSeconds, input.EndTime - period);
      const stamp = Math.floor(last / period) * period;
      const inRange = value !== undefined && stamp >= input.StartTime;
      return {
        Id: query.Id,
        Label: query.Label ?? query.MetricStat?.Metric.MetricName ?? query.Id,
        Timestamps: inRange ? [stamp] : [],
        Values: inRange ? [value] : [],
        StatusCode: 'Complete',
      };
    }),
    Messages: [],
  };
}

/** The current value of a Connect task-quota metric, or undefined for any other metric. */
function quotaMetric(
  state: SimulatorState,
  metric: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: string }[] },
): number | undefined {
  if (metric.Namespace !== CONNECT_NAMESPACE) return undefined;
  const dimensions = new Map((metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  if (dimensions.size !== 2 || dimensions.get('MetricGroup') !== 'Tasks') return undefined;
  const instance = state.instances.get(dimensions.get('InstanceId') ?? '');
  if (!instance) return undefined;
  const open = state.tasks.openCount(instance.id);
  if (metric.MetricName === CONCURRENT_TASKS) return open;
  if (metric.MetricName === CONCURRENT_TASKS_PERCENTAGE) {
    return (open / state.activeTaskQuotaOf(instance)) * 100;
  }
  return undefined;
}
