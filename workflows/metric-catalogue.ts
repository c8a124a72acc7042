/**
 * The engine's own Prometheus metrics: one catalogue (name, type, labels, help) that the workflows,
 * the activities, the worker's exporter, docs/observability.md, the alert rules and the dashboard
 * all answer to (tests hold each of them to it). Pure data: imported by workflow code and Node alike.
 */
interface MetricSpec {
  type: 'counter' | 'gauge';
  help: string;
  /** Labels the recorder gives; workflow-recorded values also carry `namespace`, `task_queue`, `workflow_type`. */
  labels: readonly string[];
  /** A workflow (through the sink, once per value, never on replay) or the worker process itself. */
  recordedBy: 'workflow' | 'worker';
}

/** Every metric the engine records on the worker's endpoint (the ingress has its own, ingress/metrics.ts). */
export const ENGINE_METRICS = {
  connect_remediator_gate_queue_length: {
    type: 'gauge',
    help: "Runs waiting in an instance's waiting room (Temporal's approximate backlog) at the gate's latest round",
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_permits_in_flight: {
    type: 'gauge',
    help: 'Runs the gate admitted whose re-issue has not finished',
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_open_tasks: {
    type: 'gauge',
    help: "Open tasks at the gate's latest read of Connect's current metrics (metrics source only)",
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_task_quota: {
    type: 'gauge',
    help: "The instance's active-tasks quota as the gate knows it (metrics source only)",
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_grant_budget_per_second: {
    type: 'gauge',
    help: "Admissions per second at most: the engine's StartTaskContact budget (the fastest a storm drains)",
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_last_round_timestamp_seconds: {
    type: 'gauge',
    help: "When the gate's figures were last set (Unix seconds): a worker keeps a gate's last values after the gate moved to another worker, so the freshest series is the gate's",
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_grants_total: {
    type: 'counter',
    help: 'Runs the gate admitted to re-issue their task',
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_gate_quota_errors_total: {
    type: 'counter',
    help: 'Admitted re-issues that AWS still refused for a full quota',
    recordedBy: 'workflow',
    labels: ['connect_instance_id'],
  },
  connect_remediator_reissues_total: {
    type: 'counter',
    help: "Re-issues of failed actions, by trigger and by what AWS's answer means (ok, retryable, quota_full, needs_person)",
    recordedBy: 'workflow',
    labels: ['action_type', 'trigger', 'outcome'],
  },
  connect_remediator_runs_finished_total: {
    type: 'counter',
    help: 'Remediation runs ended, by outcome (recovered, escalated, resolved, abandoned) and policy',
    recordedBy: 'workflow',
    labels: ['outcome', 'policy'],
  },
  connect_remediator_escalations_total: {
    type: 'counter',
    help: 'Escalations to people, by policy; incident="true" when the run joined the incident of its cause',
    recordedBy: 'workflow',
    labels: ['policy', 'incident'],
  },
  connect_remediator_escalations_undelivered_total: {
    type: 'counter',
    help: 'Escalations that no channel of their policy could deliver (the run still waits for an operator)',
    recordedBy: 'workflow',
    labels: ['policy'],
  },
  connect_remediator_operator_waits_expired_total: {
    type: 'counter',
    help: "Escalated runs whose policy's operatorWait ran out without an answer (the run ends escalated)",
    recordedBy: 'workflow',
    labels: ['policy', 'incident'],
  },
  connect_remediator_incidents_opened_total: {
    type: 'counter',
    help: 'Incidents opened (the first escalation of a cause)',
    recordedBy: 'workflow',
    labels: ['policy'],
  },
  connect_remediator_incidents_closed_total: {
    type: 'counter',
    help: 'Incidents closed, answered="false" when nobody answered before their runs stopped waiting',
    recordedBy: 'workflow',
    labels: ['policy', 'answered'],
  },
  connect_remediator_escalation_channels_misconfigured_total: {
    type: 'counter',
    help: 'Escalation deliveries that failed at once because the channel cannot deliver as configured',
    recordedBy: 'workflow',
    labels: ['channel', 'channel_type'],
  },
  connect_remediator_aws_requests_total: {
    type: 'counter',
    help: 'AWS API calls made by this worker, by operation and outcome (ok, or the AWS error name)',
    recordedBy: 'worker',
    labels: ['service', 'operation', 'outcome'],
  },
  connect_remediator_aws_rate_budget_per_second: {
    type: 'gauge',
    help: "The engine's budget for an AWS operation, requests per second over all workers (the task queue's rate limit)",
    recordedBy: 'worker',
    labels: ['operation'],
  },
} as const satisfies Record<string, MetricSpec>;

export type EngineMetricName = keyof typeof ENGINE_METRICS;
export type LabelsOf<N extends EngineMetricName> = Record<
  (typeof ENGINE_METRICS)[N]['labels'][number],
  string
>;
type NamesOfType<T extends MetricSpec['type']> = {
  [N in EngineMetricName]: (typeof ENGINE_METRICS)[N]['type'] extends T ? N : never;
}[EngineMetricName];
export type EngineCounterName = NamesOfType<'counter'>;
export type EngineGaugeName = NamesOfType<'gauge'>;
