/**
 * The CDK app in infra/, synthesized for both deliveries and asserted with aws-cdk-lib/assertions:
 * the rule matches both detail-type spellings (its pattern evaluated against the AWS sample event
 * and its Contact Lens variant), the target has a dead-letter queue, the alarms watch what they
 * should, and the policies grant exactly what docs/deploying.md's permission tables list.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, STACK_NAME } from '../../infra/lib/app';
import { matchesPattern } from '../helpers/event-pattern';
import { documentedPermissions } from '../helpers/permission-tables';
import { loadSampleEvent } from '../helpers/events';

const ROOT = path.join(__dirname, '..', '..');

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface PolicyDocument {
  Statement: { Action: string | string[]; Resource: unknown }[];
}

function synth(delivery?: string): Template {
  const app = new App({ context: delivery === undefined ? {} : { delivery } });
  return Template.fromStack(buildApp(app));
}

/** The one resource of `type` whose logical id starts with `prefix`. */
function resource(
  template: Template,
  type: string,
  prefix = '',
): { id: string; properties: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type) as Resources).filter(([id]) =>
    id.startsWith(prefix),
  );
  expect(found).toHaveLength(1);
  return { id: found[0]![0], properties: found[0]![1].Properties };
}

const ruleOf = (template: Template) => resource(template, 'AWS::Events::Rule').properties;
const dlqIdOf = (template: Template) => resource(template, 'AWS::SQS::Queue', 'DeadLetterQueue').id;

function policyDocument(template: Template, prefix: string): PolicyDocument {
  return resource(template, 'AWS::IAM::ManagedPolicy', prefix).properties.PolicyDocument as PolicyDocument;
}

function policyActions(template: Template, prefix: string): string[] {
  return policyDocument(template, prefix)
    .Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();
}

describe.each(['sqs', 'http'])('delivery=%s', (delivery) => {
  const template = synth(delivery);

  test('the rule pattern matches the AWS sample event and its Contact Lens variant, and nothing else', () => {
    const rule = ruleOf(template);
    const pattern = rule.EventPattern as Record<string, unknown>;
    const sample = loadSampleEvent();
    expect(sample['detail-type']).toBe('Amazon Connect Rules Action Execution Failed');
    expect(matchesPattern(pattern, sample)).toBe(true);
    const contactLens = { ...sample, 'detail-type': 'Contact Lens Rules Action Execution Failed' };
    expect(matchesPattern(pattern, contactLens)).toBe(true);
    expect(matchesPattern(pattern, { ...sample, 'detail-type': 'Amazon Connect Contact Event' })).toBe(false);
    expect(matchesPattern(pattern, { ...sample, source: 'connect-remediator' })).toBe(false);
    expect(rule.EventBusName).toEqual({ Ref: 'SourceEventBusName' });
  });

  test('the target dead-letters to the DLQ after EventBridge retries; an alarm watches its depth', () => {
    const dlq = dlqIdOf(template);
    const targets = ruleOf(template).Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: { Ref: 'DeadLetterAlarmMessages' },
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // EventBridge may write dead letters to it: a queue policy for events.amazonaws.com.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
  });

  test("an alarm on the instance's ConcurrentTasksPercentage at the threshold parameter", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Connect',
      MetricName: 'ConcurrentTasksPercentage',
      Dimensions: Match.arrayWith([
        {
          Name: 'InstanceId',
          Value: { 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'ConnectInstanceArn' }] }] },
        },
      ]),
      Threshold: { Ref: 'ConcurrentTasksAlarmPercent' },
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('the worker policy grants exactly the documented worker permissions, on the instance and the buses given', () => {
    expect(policyActions(template, 'WorkerPolicy')).toEqual(documentedPermissions('permission'));
    expect(policyDocument(template, 'WorkerPolicy').Statement).toEqual([
      expect.objectContaining({
        Resource: [
          { Ref: 'ConnectInstanceArn' },
          { 'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, '/*']] },
        ],
      }),
      expect.objectContaining({ Action: 'events:PutEvents', Resource: { Ref: 'PutEventsBusArns' } }),
      // The one grant on "*": CloudWatch's GetMetricData has no resource-level permissions.
      expect.objectContaining({ Action: 'cloudwatch:GetMetricData', Resource: '*' }),
    ]);
  });

  test('no bootstrap stack needed: no BootstrapVersion parameter', () => {
    expect(Object.keys(template.toJSON().Parameters ?? {})).not.toContain('BootstrapVersion');
  });
});

describe('delivery=sqs (the default)', () => {
  const template = synth();

  test('the rule delivers to the events queue, which redrives to the same dead-letter queue', () => {
    const eventsQueue = resource(template, 'AWS::SQS::Queue', 'EventsQueue');
    expect(eventsQueue.properties).toMatchObject({
      ReceiveMessageWaitTimeSeconds: 20,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqIdOf(template), 'Arn'] },
        maxReceiveCount: 10,
      },
    });
    const targets = ruleOf(template).Targets as Record<string, unknown>[];
    expect(targets[0]).toMatchObject({ Arn: { 'Fn::GetAtt': [eventsQueue.id, 'Arn'] } });
    template.resourceCountIs('AWS::Events::ApiDestination', 0);
  });

  test('the SQS ingress policy grants exactly the documented SQS ingress permissions, on the two queues', () => {
    expect(policyActions(template, 'SqsIngressPolicy')).toEqual(
      documentedPermissions('SQS ingress permission'),
    );
    const queues = JSON.stringify(
      policyDocument(template, 'SqsIngressPolicy').Statement.map((s) => s.Resource),
    );
    expect(queues).not.toContain('"*"');
    expect(queues).toContain(resource(template, 'AWS::SQS::Queue', 'EventsQueue').id);
    expect(queues).toContain(dlqIdOf(template));
  });
});

describe.each(['sqs', 'http'])('delivery=%s, operators', (delivery) => {
  const template = synth(delivery);

  test('the replay policy grants exactly the documented dlq replay permissions, on the dead-letter queue only', () => {
    expect(policyActions(template, 'DlqReplayPolicy')).toEqual(
      documentedPermissions('dlq replay permission'),
    );
    expect(policyDocument(template, 'DlqReplayPolicy').Statement.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [dlqIdOf(template), 'Arn'] },
    ]);
  });
});

describe('delivery=http', () => {
  const template = synth('http');

  test('an API destination POSTs to the ingress through a connection whose key is in Secrets Manager', () => {
    const secret = resource(template, 'AWS::SecretsManager::Secret').id;
    template.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'x-api-key',
          ApiKeyValue: {
            'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:::}}']],
          },
        },
      },
    });
    const destination = resource(template, 'AWS::Events::ApiDestination');
    expect(destination.properties).toMatchObject({
      HttpMethod: 'POST',
      InvocationEndpoint: { Ref: 'IngressEndpoint' },
    });
    expect(ruleOf(template).Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [destination.id, 'Arn'] } }),
    ]);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2); // worker, dlq replay: no SQS ingress
  });
});

test('an unknown delivery names the context value and what was expected', () => {
  expect(() => synth('kinesis')).toThrow(
    'context "delivery": expected "http" or "sqs" (-c delivery=sqs), got "kinesis"',
  );
});

test('`npx cdk synth` works offline in infra/', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
  try {
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', out], {
      cwd: path.join(ROOT, 'infra'),
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      timeout: 90_000,
    });
    const written = JSON.parse(fs.readFileSync(path.join(out, `${STACK_NAME}.template.json`), 'utf8'));
    expect(Object.keys(written.Resources)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^FailedRuleActions/),
        expect.stringMatching(/^EventsQueue/),
      ]),
    );
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
