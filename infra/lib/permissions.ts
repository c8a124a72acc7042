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
