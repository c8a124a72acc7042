/**
 * The worker's own backlog signal, as a CloudWatch metric the service can scale on.
 *
 * What: the share of the worker's task slots in use, on the main task queue, for workflow tasks and
 * for activities — the SDK's `temporal_worker_task_slots_used` / `…_available` gauges, which the
 * worker already serves on its Prometheus endpoint. When every slot of the fleet is busy, tasks
 * wait in the Temporal task queue (their schedule-to-start latency grows): the backlog builds in
 * Temporal, where no CloudWatch metric sees it, and the fix is another worker.
 *
 * Why gauges and not the schedule-to-start histogram: a gauge reaches CloudWatch as it is, from
 * every task with the same dimensions, so CloudWatch's Average is the fleet's; a Prometheus
 * histogram is cumulative per process and needs a delta conversion the collector does not promise
 * for histograms. Temporal Cloud's own backlog metric (`temporal_cloud_v1_approximate_backlog_count`)
 * lives behind its metrics endpoint and a separate API key, and a self-hosted server's behind its own
 * Prometheus: neither is something every deployment has.
 *
 * How: an AWS Distro for OpenTelemetry collector runs next to the worker (same task, so it scrapes
 * 127.0.0.1), keeps only those two gauges and writes them as CloudWatch embedded metric format to a
 * log group of this stack; CloudWatch extracts the metrics from there.
 */
import { aws_cloudwatch as cloudwatch, Duration } from 'aws-cdk-lib';

export const BACKLOG_METRIC_NAMESPACE = 'ConnectRemediator/Worker';
export const SLOT_METRICS = [
  'temporal_worker_task_slots_used',
  'temporal_worker_task_slots_available',
] as const;
/** The SDK's `worker_type` label of the slot kinds that back up on the main task queue. */
export const SLOT_WORKER_TYPES = ['WorkflowWorker', 'ActivityWorker'] as const;
/** The collector's health_check extension (its default port), which the image's /healthcheck probes. */
const COLLECTOR_HEALTH_PORT = 13133;

/** The collector's configuration (ADOT reads it from AOT_CONFIG_CONTENT). */
export function collectorConfig(options: {
  metricsPort: number;
  taskQueue: string;
  logGroupName: string;
}): string {
  const names = SLOT_METRICS.map((m) => m.replace('temporal_worker_task_slots_', '')).join('|');
  const config = {
    extensions: { health_check: { endpoint: `127.0.0.1:${COLLECTOR_HEALTH_PORT}` } },
    receivers: {
      prometheus: {
        config: {
          scrape_configs: [
            {
              job_name: 'connect-remediator-worker',
              scrape_interval: '15s',
              static_configs: [{ targets: [`127.0.0.1:${options.metricsPort}`] }],
              metric_relabel_configs: [
                {
                  source_labels: ['__name__'],
                  regex: `temporal_worker_task_slots_(${names})`,
                  action: 'keep',
                },
              ],
            },
          ],
        },
      },
    },
    processors: { batch: { timeout: '60s' } },
    exporters: {
      awsemf: {
        namespace: BACKLOG_METRIC_NAMESPACE,
        log_group_name: options.logGroupName,
        log_stream_name: 'worker-slots',
        dimension_rollup_option: 'NoDimensionRollup',
        metric_declarations: [
          {
            // No task or host dimension: every task's points land in one metric per slot kind.
            dimensions: [['task_queue', 'worker_type']],
            label_matchers: [
              { label_names: ['task_queue'], regex: `^${escapeRegex(options.taskQueue)}$` },
              { label_names: ['worker_type'], regex: `^(${SLOT_WORKER_TYPES.join('|')})$` },
            ],
            metric_name_selectors: SLOT_METRICS.map((m) => `^${m}$`),
          },
        ],
      },
    },
    service: {
      extensions: ['health_check'],
      pipelines: { metrics: { receivers: ['prometheus'], processors: ['batch'], exporters: ['awsemf'] } },
    },
  };
  // YAML is a superset of JSON: the collector reads this as it is.
  return JSON.stringify(config);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Percent of the fleet's slots in use, the busier of workflow-task and activity slots. The
 * Average over tasks of used and of available gives the fleet's ratio (each task reports both).
 */
export function slotUtilization(taskQueue: string): cloudwatch.MathExpression {
  const metric = (name: string, workerType: string) =>
    new cloudwatch.Metric({
      namespace: BACKLOG_METRIC_NAMESPACE,
      metricName: name,
      dimensionsMap: { task_queue: taskQueue, worker_type: workerType },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(1),
    });
  return new cloudwatch.MathExpression({
    label: 'Busiest slot kind in use (%)',
    expression: '100 * MAX([wfUsed / (wfUsed + wfFree), actUsed / (actUsed + actFree)])',
    usingMetrics: {
      wfUsed: metric(SLOT_METRICS[0], 'WorkflowWorker'),
      wfFree: metric(SLOT_METRICS[1], 'WorkflowWorker'),
      actUsed: metric(SLOT_METRICS[0], 'ActivityWorker'),
      actFree: metric(SLOT_METRICS[1], 'ActivityWorker'),
    },
    period: Duration.minutes(1),
  });
}

/**
 * Step scaling on that share: add a task when three quarters of the slots are busy, two when nine
 * in ten are, and take one away below a third. CPU target tracking runs alongside; with several
 * policies Application Auto Scaling follows the one that asks for the most tasks.
 */
export const SLOT_SCALING_STEPS = [
  { upper: 33, change: -1 },
  { lower: 75, change: +1 },
  { lower: 90, change: +2 },
];
