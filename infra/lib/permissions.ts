/**
 * The IAM actions each process needs — docs/deploying.md's permission tables say the same, and
 * test/infra/stack.test.ts parses them so the two cannot drift apart.
 */

/** The worker: re-issue actions, escalate, read capacity. */
export const WORKER_ACTIONS = {
  /** On the Connect instance and everything under it (rules, flows, queues, contacts). */
  connect: [
    'connect:DescribeRule',
    'connect:StartTaskContact',
    'connect:GetCurrentMetricData',
    'connect:ListQueues',
  ],
  /** On the event buses it re-issues to and escalates on. */
  events: ['events:PutEvents'],
  /** `quota: auto`: the instance's applied task quota. GetMetricData has no resource-level permissions. */
  cloudwatch: ['cloudwatch:GetMetricData'],
} as const;

/** The SQS ingress: pull from the events queue, dead-letter malformed events, settle messages. */
export const SQS_INGRESS_ACTIONS = {
  queue: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
  deadLetterQueue: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
} as const;

/** `connect-remediator dlq replay`, run by an operator. */
export const DLQ_REPLAY_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
] as const;

/**
 * What the engine stack's roles get besides the policies above (docs/deploying.md, "engine
 * permission"): CDK writes the execution roles' grants, the test holds them to this list.
 */
export const ENGINE_ACTIONS = {
  /** Worker task role: the metrics collector sidecar writes the slot gauges to its log group. */
  metricsCollector: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  /** Execution roles: the containers' log streams. */
  containerLogs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  /** Execution roles: read the Temporal connection (and the ingress API key) at task start. */
  secrets: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
  /** Execution roles, for an image in ECR (`-c image=<ECR URI>` or `asset`). GetAuthorizationToken has no resource. */
  ecrPull: [
    'ecr:BatchCheckLayerAvailability',
    'ecr:GetDownloadUrlForLayer',
    'ecr:BatchGetImage',
    'ecr:GetAuthorizationToken',
  ],
} as const;
