/**
 * The engine stack (-c engine=true), synthesized for both deliveries and asserted with
 * aws-cdk-lib/assertions: the task roles carry exactly the AWS stack's policies plus what
 * docs/deploying.md's engine table lists, the Temporal connection is referenced from Secrets Manager
 * under the names the worker reads (checked by loading the worker's own config from them), the
 * health checks call the processes' own endpoints (and are run here against a real server), the
 * worker scales on CPU and on the slot metric its sidecar publishes, and the ALB exists only for
 * delivery=http. Ends with `npx cdk synth` of both stacks, offline.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildStacks, ENGINE_STACK_NAME, STACK_NAME } from '../../infra/lib/app';
import {
  httpHealthCheck,
  TASK_QUEUE,
  TEMPORAL_SECRET_KEYS,
  WORKER_METRICS_PORT,
} from '../../infra/lib/engine-stack';
import { BACKLOG_METRIC_NAMESPACE, SLOT_METRICS } from '../../infra/lib/worker-backlog-metric';
import { DEFAULT_TASK_QUEUE, DEFAULT_WORKER_METRICS_PORT, loadConfig } from '../../worker/config';
import { nativeConnectionOptions } from '../../worker/temporal-connection';
import { documentedPermissions } from '../helpers/permission-tables';

const ROOT = path.join(__dirname, '..', '..');
const CDK_JSON_CONTEXT = JSON.parse(fs.readFileSync(path.join(ROOT, 'infra', 'cdk.json'), 'utf8')).context;
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:connect-remediator/temporal-AbCdEf';
const ECR_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/connect-remediator:1.0';
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab';
const BASE = { engine: 'true', image: ECR_IMAGE, temporalSecretArn: SECRET_ARN };
const HTTP = { ...BASE, delivery: 'http', ingressCertificateArn: CERTIFICATE_ARN };

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
}
interface Container {
  Name: string;
  Command?: unknown[];
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  HealthCheck?: { Command: string[]; StartPeriod?: number };
  LogConfiguration?: { LogDriver: string; Options: Json };
  Essential?: boolean;
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

function stacks(context: Json, options: { assetDirectory?: string } = {}) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context } });
  const built = buildStacks(app, options);
  if (!built.engine) throw new Error('no engine stack');
  return { aws: Template.fromStack(built.aws), engine: Template.fromStack(built.engine) };
}

const resources = (t: Template, type: string) =>
  Object.entries(t.findResources(type) as Record<string, Resource>);

function one(t: Template, type: string, prefix: string): [string, Json] {
  const found = resources(t, type).filter(([id]) => id.startsWith(prefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return [found[0]![0], found[0]![1].Properties];
}

function containers(t: Template, taskPrefix: string): Container[] {
  return one(t, 'AWS::ECS::TaskDefinition', taskPrefix)[1].ContainerDefinitions as Container[];
}

function container(t: Template, taskPrefix: string, name: string): Container {
  const found = containers(t, taskPrefix).find((c) => c.Name === name);
  if (!found) throw new Error(`no container ${name} in ${taskPrefix}`);
  return found;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function statements(t: Template): Statement[] {
  return resources(t, 'AWS::IAM::Policy').flatMap(
    ([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

/** The inline policy statements attached to one role (by the role's logical id). */
function roleStatements(t: Template, roleId: string): Statement[] {
  return resources(t, 'AWS::IAM::Policy')
    .filter(([, r]) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The AWS-stack output an `Fn::ImportValue` of the engine stack reads, resolved to what it exports. */
function exported(aws: Template, importValue: unknown): unknown {
  const name = (importValue as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  const outputs = aws.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const output = Object.values(outputs).find((o) => o.Export?.Name === name);
  if (!output) throw new Error(`no export named ${name}`);
  return output.Value;
}

/** The environment a container starts with: its variables, and each secret as a stand-in value. */
function startEnvironment(c: Container, secretValues: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const e of c.Environment ?? []) env[e.Name] = typeof e.Value === 'string' ? e.Value : 'us-east-1';
  for (const s of c.Secrets ?? []) {
    const key = String(s.ValueFrom).split(':')[7]!;
    env[s.Name] = secretValues[key] ?? `value of ${key}`;
  }
  return env;
}

describe('delivery=sqs: worker and SQS ingress', () => {
  const { aws, engine } = stacks(BASE);

  test("the worker task role has the AWS stack's WorkerPolicy and only the documented metrics grant", () => {
    const [roleId, role] = one(engine, 'AWS::IAM::Role', 'WorkerTaskRole');
    expect(role.ManagedPolicyArns).toHaveLength(1);
    expect(exported(aws, (role.ManagedPolicyArns as unknown[])[0])).toEqual({
      Ref: one(aws, 'AWS::IAM::ManagedPolicy', 'WorkerPolicy')[0],
    });
    const [metricsGroup] = one(engine, 'AWS::Logs::LogGroup', 'WorkerMetrics');
    expect(roleStatements(engine, roleId)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [metricsGroup, 'Arn'] },
      },
    ]);
    expect(roleStatements(engine, roleId).flatMap(actionsOf).sort()).toEqual(
      documentedPermissions('engine permission').filter((a) => a.startsWith('logs:')),
    );
  });

  test('the SQS ingress task role has the SqsIngressPolicy and nothing else; it pulls the events queue', () => {
    const [roleId, role] = one(engine, 'AWS::IAM::Role', 'IngressTaskRole');
    expect((role.ManagedPolicyArns as unknown[]).map((arn) => exported(aws, arn))).toEqual([
      { Ref: one(aws, 'AWS::IAM::ManagedPolicy', 'SqsIngressPolicy')[0] },
    ]);
    expect(roleStatements(engine, roleId)).toEqual([]);
    const command = container(engine, 'IngressTask', 'ingress').Command!;
    expect(command.slice(0, 2)).toEqual(['ingress', '--sqs']);
    expect(exported(aws, command[2])).toEqual({ Ref: one(aws, 'AWS::SQS::Queue', 'EventsQueue')[0] });
    expect(container(engine, 'WorkerTask', 'worker').Command).toEqual(['worker']);
  });

  test('every action any engine role gets is in the docs tables, none is a wildcard, "*" only where AWS has no resource', () => {
    const documented = new Set(documentedPermissions('engine permission'));
    const all = statements(engine);
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      expect(s.Effect).toBe('Allow');
      for (const action of actionsOf(s)) {
        expect(action).not.toContain('*');
        expect(documented).toContain(action);
        if (s.Resource === '*') expect(action).toBe('ecr:GetAuthorizationToken');
      }
    }
    // An ECR image: pull on that repository only.
    expect(all).toContainEqual(
      expect.objectContaining({
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:123456789012:repository/connect-remediator'],
          ],
        },
      }),
    );
    // The managed policies stay in the AWS stack (and its test): the engine defines none.
    engine.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('the Temporal connection is referenced by ARN, never inlined, under the names the worker reads', () => {
    const template = JSON.stringify(engine.toJSON());
    for (const [taskPrefix, name] of [
      ['WorkerTask', 'worker'],
      ['IngressTask', 'ingress'],
    ] as const) {
      const c = container(engine, taskPrefix, name);
      expect(c.Secrets).toEqual(
        Object.entries(TEMPORAL_SECRET_KEYS['api-key']).map(([variable, key]) => ({
          Name: variable,
          ValueFrom: `${SECRET_ARN}:${key}::`,
        })),
      );
      const plain = (c.Environment ?? []).map((e) => e.Name);
      expect(plain.filter((n) => /TEMPORAL_(ADDRESS|NAMESPACE|API_KEY)|INGRESS_API_KEY/.test(n))).toEqual([]);
      // The worker's own config, from exactly what ECS will hand the process.
      const config = loadConfig(
        startEnvironment(c, { address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'the-key' }),
      );
      expect(config.temporal).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct' });
      expect(nativeConnectionOptions(config.temporal)).toMatchObject({ apiKey: 'the-key', tls: true });
    }
    expect(template).not.toContain('the-key');
    // The execution roles may read that secret, and only it.
    expect(
      statements(engine).filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:'))),
    ).toEqual([
      expect.objectContaining({ Resource: SECRET_ARN }),
      expect.objectContaining({ Resource: SECRET_ARN }),
    ]);
    // The worker binds its metrics where the scraper and the sidecar reach it.
    const worker = loadConfig(startEnvironment(container(engine, 'WorkerTask', 'worker'), {}));
    expect(worker.workerMetrics).toMatchObject({ host: '0.0.0.0', port: 9464 });
    // The stack's copies of the worker's defaults (infra/ may not import worker/).
    expect([TASK_QUEUE, WORKER_METRICS_PORT]).toEqual([DEFAULT_TASK_QUEUE, DEFAULT_WORKER_METRICS_PORT]);
    expect(worker.temporal.taskQueue).toBe(TASK_QUEUE);
    const ingress = loadConfig(startEnvironment(container(engine, 'IngressTask', 'ingress'), {}));
    expect(ingress.ingress).toMatchObject({ host: '0.0.0.0', port: 8080 });
  });

  test("health checks call the processes' own endpoints: worker /metrics, ingress /healthz", () => {
    const worker = container(engine, 'WorkerTask', 'worker');
    expect(worker.HealthCheck!.Command).toEqual(httpHealthCheck('http://127.0.0.1:9464/metrics'));
    expect(worker.HealthCheck!.StartPeriod).toBeGreaterThanOrEqual(60);
    expect(container(engine, 'IngressTask', 'ingress').HealthCheck!.Command).toEqual(
      httpHealthCheck('http://127.0.0.1:8080/healthz'),
    );
    // The sidecar is not essential: losing it costs the backlog metric, never the worker.
    expect(container(engine, 'WorkerTask', 'metrics-collector').Essential).toBe(false);
    expect(container(engine, 'WorkerTask', 'worker').Essential).toBe(true);
  });

  test('logs go to one CloudWatch log group with retention; the metrics log group has it too', () => {
    const [logsId, group] = one(engine, 'AWS::Logs::LogGroup', 'Logs');
    expect(group.RetentionInDays).toBe(30);
    expect(one(engine, 'AWS::Logs::LogGroup', 'WorkerMetrics')[1].RetentionInDays).toBe(30);
    for (const c of [...containers(engine, 'WorkerTask'), ...containers(engine, 'IngressTask')]) {
      expect(c.LogConfiguration).toMatchObject({
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': { Ref: logsId } },
      });
    }
    expect(stacks({ ...BASE, logRetentionDays: '90' }).engine.findResources('AWS::Logs::LogGroup')).toEqual(
      expect.objectContaining({
        [logsId]: expect.objectContaining({ Properties: expect.objectContaining({ RetentionInDays: 90 }) }),
      }),
    );
  });

  test('the worker scales on CPU and on the slot metric its sidecar publishes', () => {
    engine.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 10,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    engine.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    });
    const alarms = resources(engine, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    expect(alarms.map((a) => [a.ComparisonOperator, a.Threshold]).sort()).toEqual([
      ['GreaterThanOrEqualToThreshold', 75],
      ['LessThanOrEqualToThreshold', 33],
    ]);
    const metrics = (alarms[0]!.Metrics as { MetricStat?: { Metric: Json } }[])
      .filter((m) => m.MetricStat)
      .map((m) => m.MetricStat!.Metric as { Namespace: string; MetricName: string; Dimensions: unknown });

    // What the alarms read is what the collector writes: parse its config out of the template.
    const env = container(engine, 'WorkerTask', 'metrics-collector').Environment!;
    const raw = env.find((e) => e.Name === 'AOT_CONFIG_CONTENT')!.Value as {
      'Fn::Join': [string, unknown[]];
    };
    const collector = JSON.parse(
      raw['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'LOG_GROUP')).join(''),
    );
    expect(collector.receivers.prometheus.config.scrape_configs[0].static_configs).toEqual([
      { targets: ['127.0.0.1:9464'] },
    ]);
    const emf = collector.exporters.awsemf;
    expect(emf.namespace).toBe(BACKLOG_METRIC_NAMESPACE);
    expect(emf.log_group_name).toBe('LOG_GROUP');
    const declaration = emf.metric_declarations[0];
    expect(declaration.dimensions).toEqual([['task_queue', 'worker_type']]);
    for (const m of metrics) {
      expect(m.Namespace).toBe(BACKLOG_METRIC_NAMESPACE);
      expect(SLOT_METRICS).toContain(m.MetricName);
      expect(declaration.metric_name_selectors).toContain(`^${m.MetricName}$`);
      expect((m.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(['task_queue', 'worker_type']);
    }
    expect(metrics).toContainEqual(
      expect.objectContaining({
        MetricName: 'temporal_worker_task_slots_used',
        Dimensions: [
          { Name: 'task_queue', Value: 'connect-remediation' },
          { Name: 'worker_type', Value: 'ActivityWorker' },
        ],
      }),
    );
  });

  test('no load balancer, and the metrics ports stay closed unless a scraper is named', () => {
    engine.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    const ingressRules = (t: Template) =>
      resources(t, 'AWS::EC2::SecurityGroup').flatMap(
        ([, r]) => (r.Properties.SecurityGroupIngress as Json[]) ?? [],
      );
    expect(ingressRules(engine)).toEqual([]);

    const byCidr = stacks({ ...BASE, metricsScrapeCidr: '10.20.0.0/16' }).engine;
    expect(ingressRules(byCidr)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ CidrIp: '10.20.0.0/16', FromPort: 9464, ToPort: 9464, IpProtocol: 'tcp' }),
      ]),
    );
    const bySg = stacks({ ...BASE, metricsScrapeSecurityGroupId: 'sg-0123456789abcdef0' }).engine;
    bySg.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: 'sg-0123456789abcdef0',
      FromPort: 9464,
      ToPort: 9464,
      GroupId: { 'Fn::GetAtt': [one(bySg, 'AWS::EC2::SecurityGroup', 'WorkerSecurityGroup')[0], 'GroupId'] },
    });
  });
});

describe('delivery=http: the HTTP ingress behind an ALB', () => {
  const { aws, engine } = stacks(HTTP);

  test('an internet-facing ALB, HTTPS with the given certificate, to the ingress; /readyz decides', () => {
    engine.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    engine.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
    });
    engine.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/readyz',
    });
    const [serviceId, service] = one(engine, 'AWS::ECS::Service', 'HttpIngress');
    expect(service.LoadBalancers).toEqual([
      expect.objectContaining({ ContainerName: 'ingress', ContainerPort: 8080 }),
    ]);
    expect(serviceId).toBeDefined();
    expect(container(engine, 'IngressTask', 'ingress').Command).toEqual(['ingress']);
  });

  test('the ingress checks the key the AWS stack generated, from Secrets Manager; its role has no AWS access', () => {
    const c = container(engine, 'IngressTask', 'ingress');
    const apiKey = c.Secrets!.find((s) => s.Name === 'INGRESS_API_KEY')!;
    expect(exported(aws, apiKey.ValueFrom)).toEqual({
      Ref: one(aws, 'AWS::SecretsManager::Secret', 'IngressApiKey')[0],
    });
    const [roleId, role] = one(engine, 'AWS::IAM::Role', 'IngressTaskRole');
    expect(role.ManagedPolicyArns ?? []).toEqual([]);
    expect(roleStatements(engine, roleId)).toEqual([]);
    // The worker is the same as with SQS delivery.
    expect(container(engine, 'WorkerTask', 'worker').Command).toEqual(['worker']);
  });
});

describe('the Temporal connection by mTLS, and the image choices', () => {
  test('temporalAuth=mtls: the client certificate and key as the *_DATA variables the worker reads', () => {
    const { engine } = stacks({ ...BASE, temporalAuth: 'mtls' });
    const worker = container(engine, 'WorkerTask', 'worker');
    expect(worker.Secrets!.map((s) => [s.Name, s.ValueFrom])).toEqual([
      ['TEMPORAL_ADDRESS', `${SECRET_ARN}:address::`],
      ['TEMPORAL_NAMESPACE', `${SECRET_ARN}:namespace::`],
      ['TEMPORAL_TLS_CLIENT_CERT_DATA', `${SECRET_ARN}:tlsCert::`],
      ['TEMPORAL_TLS_CLIENT_KEY_DATA', `${SECRET_ARN}:tlsKey::`],
    ]);
    const config = loadConfig(
      startEnvironment(worker, {
        address: 'ns.acct.tmprl.cloud:7233',
        namespace: 'ns.acct',
        tlsCert: 'CERT PEM',
        tlsKey: 'KEY PEM',
      }),
    );
    const tls = nativeConnectionOptions(config.temporal).tls as {
      clientCertPair: { crt: Uint8Array; key: Uint8Array };
    };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('CERT PEM');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('KEY PEM');
  });

  test('an image outside ECR needs no pull grant; -c image=asset builds the Dockerfile (no Docker to synth)', () => {
    const publicImage = stacks({ ...BASE, image: 'ghcr.io/example/connect-remediator:1.0' }).engine;
    expect(
      statements(publicImage)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('ecr:')),
    ).toEqual([]);
    expect(container(publicImage, 'WorkerTask', 'worker')).toMatchObject({
      Image: 'ghcr.io/example/connect-remediator:1.0',
    });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-asset-'));
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:20-slim\n');
      const asset = stacks({ ...BASE, image: 'asset' }, { assetDirectory: dir }).engine;
      const image = JSON.stringify((container(asset, 'WorkerTask', 'worker') as unknown as Json).Image);
      expect(image).toContain('cdk-hnb659fds-container-assets');
      // The asset lives in the bootstrap stack's repository: the default synthesizer, which checks it.
      expect(Object.keys(asset.toJSON().Parameters ?? {})).toContain('BootstrapVersion');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an imported VPC: the tasks run in the subnets given, the ALB in the public ones', () => {
    const { engine } = stacks({
      ...HTTP,
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      availabilityZones: 'us-east-1a,us-east-1b',
      privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
      publicSubnetIds: 'subnet-0cccccccccccccccc,subnet-0dddddddddddddddd',
    });
    engine.resourceCountIs('AWS::EC2::VPC', 0);
    for (const [, service] of resources(engine, 'AWS::ECS::Service')) {
      expect(service.Properties.NetworkConfiguration).toMatchObject({
        AwsvpcConfiguration: {
          Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
          AssignPublicIp: 'DISABLED',
        },
      });
    }
    engine.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Subnets: ['subnet-0cccccccccccccccc', 'subnet-0dddddddddddddddd'],
    });
  });
});

describe('bad context stops synth with the key named', () => {
  test.each([
    [{ engine: 'true' }, 'context "image": expected an image URI'],
    [
      { ...BASE, temporalSecretArn: 'connect-remediator/temporal' },
      'context "temporalSecretArn": expected a complete Secrets Manager secret ARN',
    ],
    [
      { ...BASE, temporalAuth: 'password' },
      'context "temporalAuth": expected "api-key", "mtls", "none", got "password"',
    ],
    [{ ...BASE, delivery: 'http' }, 'context "ingressCertificateArn": expected an ACM certificate'],
    [
      { ...BASE, vpcId: 'vpc-0a1b2c3d4e5f67890' },
      'context "availabilityZones": expected the zones of the subnets',
    ],
    [
      { ...BASE, logRetentionDays: '31' },
      'context "logRetentionDays": expected one of CloudWatch Logs\' periods',
    ],
    [
      { ...BASE, workerMinTasks: '5', workerMaxTasks: '3' },
      'context "workerMaxTasks": expected at least workerMinTasks (5), got 3',
    ],
    [{ ...BASE, engine: 'yes' }, 'context "engine": expected "true" or "false"'],
  ])('%j', (context, message) => {
    expect(() => stacks(context)).toThrow(message);
  });

  test('without -c engine=true there is no engine stack', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    expect(buildStacks(app).engine).toBeUndefined();
    expect(app.node.tryFindChild(ENGINE_STACK_NAME)).toBeUndefined();
  });
});

describe('the health check command, run for real', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = async (url: string) => {
    const [, binary, ...args] = httpHealthCheck(url);
    return promisify(execFile)(binary!, args, { timeout: 10_000 }).then(
      () => 0,
      (err: { code?: number }) => err.code,
    );
  };

  test('passes on 200, fails on 503 and when nothing listens', async () => {
    expect(await run(`${base}/ok`)).toBe(0);
    expect(await run(`${base}/down`)).toBe(1);
    server.close();
    expect(await run(`${base}/ok`)).toBe(1);
  });
});

test('`npx cdk synth -c engine=true` writes both stacks, offline', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
  try {
    const context = Object.entries(BASE).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', out, ...context], {
      cwd: path.join(ROOT, 'infra'),
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      timeout: 110_000,
    });
    const read = (name: string) =>
      JSON.parse(fs.readFileSync(path.join(out, `${name}.template.json`), 'utf8'));
    expect(Object.keys(read(STACK_NAME).Resources)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^EventsQueue/)]),
    );
    expect(Object.keys(read(ENGINE_STACK_NAME).Resources)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^WorkerService/),
        expect.stringMatching(/^SqsIngressService/),
      ]),
    );
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 150_000);
