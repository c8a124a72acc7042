/**
 * The AWS side of connect-remediator in one stack: the rule on the bus Amazon Connect publishes to,
 * delivery to the HTTP ingress (API destination) or to an SQS queue the SQS ingress pulls from,
 * one dead-letter queue for whatever could not be delivered or started, alarms on that queue and on
 * the instance's task quota, and least-privilege managed policies for the processes.
 *
 * What differs per account (the instance, the buses, thresholds) are CloudFormation parameters;
 * the delivery path changes which resources exist, so it is the context value `delivery`.
 */
import {
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  SecretValue,
  Stack,
  type StackProps,
  aws_cloudwatch as cloudwatch,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FAILURE_EVENT_PATTERN } from './event-pattern';
import { DLQ_REPLAY_ACTIONS, SQS_INGRESS_ACTIONS, WORKER_ACTIONS } from './permissions';

export type Delivery = 'http' | 'sqs';
export const DELIVERIES: readonly Delivery[] = ['http', 'sqs'];

export interface ConnectRemediatorStackProps extends StackProps {
  delivery: Delivery;
}

/** EventBridge's own maximum: retry for 24 hours, up to 185 times, then dead-letter. */
const TARGET_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) };
/**
 * Receives before the queue's own redrive gives up on an event. The SQS ingress backs off 5 s,
 * doubling per receive (up to 15 min), while Temporal is unavailable: 10 receives ride out about
 * half an hour of outage; longer ones end in the DLQ, from where `dlq replay` brings them back.
 */
const MAX_RECEIVE_COUNT = 10;
const API_KEY_HEADER = 'x-api-key';

export class ConnectRemediatorStack extends Stack {
  readonly delivery: Delivery;
  readonly deadLetterQueue: sqs.Queue;
  readonly workerPolicy: iam.ManagedPolicy;
  /** delivery=sqs: the queue the rule delivers to, and the SQS ingress's policy on it. */
  readonly eventsQueue?: sqs.Queue;
  readonly sqsIngressPolicy?: iam.ManagedPolicy;
  /** delivery=http: the key EventBridge sends, which the HTTP ingress checks (INGRESS_API_KEY). */
  readonly ingressApiKey?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ConnectRemediatorStackProps) {
    super(scope, id, props);
    this.delivery = props.delivery;

    const instanceArn = new CfnParameter(this, 'ConnectInstanceArn', {
      description: 'ARN of the Amazon Connect instance whose rule actions are remediated',
      allowedPattern: '^arn:aws[a-z-]*:connect:[a-z0-9-]+:\\d{12}:instance/[0-9a-f-]{36}$',
      constraintDescription:
        'an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<id>)',
    }).valueAsString;
    const sourceBusName = new CfnParameter(this, 'SourceEventBusName', {
      description: 'The bus Amazon Connect publishes its events to',
      default: 'default',
    }).valueAsString;
    const putEventsBusArns = new CfnParameter(this, 'PutEventsBusArns', {
      type: 'CommaDelimitedList',
      description:
        'ARNs of the buses the worker may PutEvents to: targets of re-issued GENERATE_EVENTBRIDGE_EVENT actions and the ops bus of the eventbridge channel',
    }).valueAsList;
    const tasksAlarmPercent = new CfnParameter(this, 'ConcurrentTasksAlarmPercent', {
      type: 'Number',
      default: 80,
      minValue: 1,
      maxValue: 100,
      description: "Alarm when the instance's ConcurrentTasksPercentage reaches this",
    }).valueAsNumber;
    const deadLetterAlarmMessages = new CfnParameter(this, 'DeadLetterAlarmMessages', {
      type: 'Number',
      default: 1,
      minValue: 1,
      description: 'Alarm when the dead-letter queue holds this many messages',
    }).valueAsNumber;

    const deadLetterQueue = (this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    }));

    const rule = new events.Rule(this, 'FailedRuleActions', {
      description: 'Amazon Connect rule actions that failed: to connect-remediator',
      eventBus: events.EventBus.fromEventBusName(this, 'SourceBus', sourceBusName),
      eventPattern: FAILURE_EVENT_PATTERN,
    });

    if (props.delivery === 'sqs') {
      const queue = (this.eventsQueue = new sqs.Queue(this, 'EventsQueue', {
        visibilityTimeout: Duration.seconds(60),
        receiveMessageWaitTime: Duration.seconds(20),
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      }));
      rule.addTarget(new targets.SqsQueue(queue, { deadLetterQueue, ...TARGET_RETRY }));
      const ingressPolicy = (this.sqsIngressPolicy = new iam.ManagedPolicy(this, 'SqsIngressPolicy', {
        description: 'connect-remediator ingress --sqs: pull events, dead-letter malformed ones',
        statements: [
          new iam.PolicyStatement({ actions: [...SQS_INGRESS_ACTIONS.queue], resources: [queue.queueArn] }),
          new iam.PolicyStatement({
            actions: [...SQS_INGRESS_ACTIONS.deadLetterQueue],
            resources: [deadLetterQueue.queueArn],
          }),
        ],
      }));
      new CfnOutput(this, 'EventsQueueUrl', { value: queue.queueUrl });
      new CfnOutput(this, 'SqsIngressPolicyArn', { value: ingressPolicy.managedPolicyArn });
    } else {
      const ingressEndpoint = new CfnParameter(this, 'IngressEndpoint', {
        description: 'The HTTP ingress: https://<host>/events',
        allowedPattern: '^https://.+/events$',
        constraintDescription: 'an https URL ending in /events',
      }).valueAsString;
      const apiKey = (this.ingressApiKey = new secretsmanager.Secret(this, 'IngressApiKey', {
        description: 'INGRESS_API_KEY of the connect-remediator ingress (EventBridge sends it as x-api-key)',
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      }));
      const connection = new events.Connection(this, 'IngressConnection', {
        description: 'connect-remediator ingress, API-key auth',
        authorization: events.Authorization.apiKey(
          API_KEY_HEADER,
          SecretValue.secretsManager(apiKey.secretArn),
        ),
      });
      const destination = new events.ApiDestination(this, 'IngressDestination', {
        connection,
        endpoint: ingressEndpoint,
        httpMethod: events.HttpMethod.POST,
        description: 'POST /events of the connect-remediator ingress',
      });
      rule.addTarget(new targets.ApiDestination(destination, { deadLetterQueue, ...TARGET_RETRY }));
      new CfnOutput(this, 'IngressApiKeySecretArn', { value: apiKey.secretArn });
    }

    const workerPolicy = (this.workerPolicy = new iam.ManagedPolicy(this, 'WorkerPolicy', {
      description: 'connect-remediator worker: re-issue failed actions, escalate, read task capacity',
      statements: [
        new iam.PolicyStatement({
          actions: [...WORKER_ACTIONS.connect],
          resources: [instanceArn, Fn.join('', [instanceArn, '/*'])],
        }),
        new iam.PolicyStatement({ actions: [...WORKER_ACTIONS.events], resources: putEventsBusArns }),
        // AWS documents no resource type for cloudwatch:GetMetricData: it can only be granted on "*".
        new iam.PolicyStatement({ actions: [...WORKER_ACTIONS.cloudwatch], resources: ['*'] }),
      ],
    }));

    const replayPolicy = new iam.ManagedPolicy(this, 'DlqReplayPolicy', {
      description: 'connect-remediator dlq replay: re-submit the dead-lettered events (for operators)',
      statements: [
        new iam.PolicyStatement({ actions: [...DLQ_REPLAY_ACTIONS], resources: [deadLetterQueue.queueArn] }),
      ],
    });

    const deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterQueueDepth', {
      alarmDescription:
        'Failure events are waiting in the dead-letter queue: fix the cause, then `connect-remediator dlq replay <queue url>`',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: deadLetterAlarmMessages,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const tasksAlarm = new cloudwatch.Alarm(this, 'ConcurrentTasksHigh', {
      alarmDescription:
        "The instance's concurrent tasks are near the quota: CREATE_TASK actions will fail (a task-quota storm)",
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Connect',
        metricName: 'ConcurrentTasksPercentage',
        // arn:aws:connect:<region>:<account>:instance/<id> → <id>
        dimensionsMap: { InstanceId: Fn.select(1, Fn.split('/', instanceArn)), MetricGroup: 'Tasks' },
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: tasksAlarmPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
    new CfnOutput(this, 'WorkerPolicyArn', { value: workerPolicy.managedPolicyArn });
    new CfnOutput(this, 'DlqReplayPolicyArn', { value: replayPolicy.managedPolicyArn });
    new CfnOutput(this, 'DeadLetterAlarmName', { value: deadLetterAlarm.alarmName });
    new CfnOutput(this, 'ConcurrentTasksAlarmName', { value: tasksAlarm.alarmName });
  }
}
