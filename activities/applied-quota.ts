/**
 * The active-tasks quota AWS applied to a Connect instance (AWS support sets it per instance; no
 * Connect API returns it). Connect publishes two CloudWatch metrics about it, `AWS/Connect`
 * `ConcurrentTasks` and `ConcurrentTasksPercentage` (dimensions `InstanceId`, `MetricGroup=Tasks`):
 * open tasks, and their share of the quota — so quota = tasks ÷ percentage.
 *
 * Read rarely: a quota changes by support ticket, not by the minute. One read per instance per
 * APPLIED_QUOTA_TTL_MS in this worker process, however many runs resolve their policy at once;
 * a read that cannot tell (no permission, no open tasks to divide, an outage) is tried again after
 * UNKNOWN_RETRY_MS, and the policy's fallback applies meanwhile.
 */
import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';

export const APPLIED_QUOTA_TTL_MS = 15 * 60_000;
export const UNKNOWN_RETRY_MS = 5 * 60_000;
/** How far back to look: Connect publishes these metrics every minute while tasks are open. */
const LOOKBACK_MS = 15 * 60_000;
const PERIOD_SECONDS = 60;

export interface AppliedQuotaLog {
  warn(message: string, attributes?: Record<string, unknown>): void;
}

export class AppliedQuotaReader {
  private readonly known = new Map<string, { quota: number | undefined; atMs: number }>();
  private readonly reading = new Map<string, Promise<number | undefined>>();

  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly log?: AppliedQuotaLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** The instance's applied quota, or undefined when CloudWatch cannot tell. */
  async quotaOf(instanceId: string): Promise<number | undefined> {
    const hit = this.known.get(instanceId);
    const ttl = hit?.quota === undefined ? UNKNOWN_RETRY_MS : APPLIED_QUOTA_TTL_MS;
    if (hit && this.now() - hit.atMs < ttl) return hit.quota;
    const pending = this.reading.get(instanceId);
    if (pending) return pending;
    const read = this.read(instanceId).finally(() => this.reading.delete(instanceId));
    this.reading.set(instanceId, read);
    return read;
  }

  private async read(instanceId: string): Promise<number | undefined> {
    let quota: number | undefined;
    try {
      quota = await this.fetch(instanceId);
      if (quota === undefined) {
        this.log?.warn(
          'CloudWatch cannot tell the applied task quota (no open tasks lately): using the fallback',
          {
            instanceId,
          },
        );
      }
    } catch (err) {
      this.log?.warn(
        `CloudWatch GetMetricData failed: using the policy's fallback quota (${(err as Error).message})`,
        {
          instanceId,
        },
      );
    }
    this.known.set(instanceId, { quota, atMs: this.now() });
    return quota;
  }

  private async fetch(instanceId: string): Promise<number | undefined> {
    const metric = (MetricName: string) => ({
      Namespace: 'AWS/Connect',
      MetricName,
      Dimensions: [
        { Name: 'InstanceId', Value: instanceId },
        { Name: 'MetricGroup', Value: 'Tasks' },
      ],
    });
    const endMs = this.now();
    const answer = await this.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(endMs - LOOKBACK_MS),
        EndTime: new Date(endMs),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          {
            Id: 'tasks',
            MetricStat: { Metric: metric('ConcurrentTasks'), Period: PERIOD_SECONDS, Stat: 'Maximum' },
          },
          {
            Id: 'percentage',
            MetricStat: {
              Metric: metric('ConcurrentTasksPercentage'),
              Period: PERIOD_SECONDS,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    const byId = new Map((answer.MetricDataResults ?? []).map((result) => [result.Id, result]));
    return appliedQuota(byId.get('tasks'), byId.get('percentage'));
  }
}

/**
 * quota = tasks ÷ (percentage ÷ 100), from the newest minute both metrics have with tasks open
 * (with none open, 0 ÷ 0 tells nothing).
 */
export function appliedQuota(
  tasks: Pick<MetricDataResult, 'Timestamps' | 'Values'> | undefined,
  percentage: Pick<MetricDataResult, 'Timestamps' | 'Values'> | undefined,
): number | undefined {
  const series = (result: typeof tasks) =>
    new Map((result?.Timestamps ?? []).map((at, i) => [new Date(at).getTime(), result?.Values?.[i]]));
  const open = series(tasks);
  const share = series(percentage);
  const minutes = [...open.keys()].filter((at) => share.has(at)).sort((a, b) => b - a);
  for (const at of minutes) {
    const count = open.get(at);
    const percent = share.get(at);
    if (count !== undefined && percent !== undefined && count > 0 && percent > 0) {
      return Math.round(count / (percent / 100));
    }
  }
  return undefined;
}
