/**
 * The engine on ECS Fargate, next to the AWS side (stack.ts): the worker, and the ingress the
 * delivery needs — `ingress --sqs <events queue>` for delivery=sqs, the HTTP ingress behind an
 * internet-facing ALB (HTTPS, for EventBridge's API destination) for delivery=http. One image for
 * all of them; the command chooses the role.
 *
 * The task roles get the AWS stack's managed policies and nothing else (the worker's also lets its
 * metrics sidecar write to one log group). The Temporal connection comes from one Secrets Manager
 * secret, injected by ECS at task start as the variables the processes already read
 * (worker/config.ts, @temporalio/envconfig): the template holds its ARN, never a value.
 */
import path from 'node:path';
import {
  Aws,
  CfnOutput,
  Duration,
  Stack,
  type StackProps,
  aws_certificatemanager as acm,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EngineSettings, TemporalAuth } from './engine-context';
import { ENGINE_ACTIONS } from './permissions';
import type { ConnectRemediatorStack } from './stack';
import { SLOT_SCALING_STEPS, collectorConfig, slotUtilization } from './worker-backlog-metric';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
export const DOCKERFILE = 'Dockerfile';
export const INGRESS_PORT = 8080;
/**
 * infra/ imports nothing of the engine but events/ (lint rule), so the two values the stack shares
 * with the worker are written here — and set in the tasks' environment, so worker and metrics agree;
 * test/infra/engine-stack.test.ts checks them against worker/config.ts's defaults.
 */
export const WORKER_METRICS_PORT = 9464;
export const TASK_QUEUE = 'connect-remediation';

/**
 * Keys of the Temporal connection secret (a JSON object) and the variables ECS sets from them.
 * `*_DATA` hold the PEM text itself, which @temporalio/envconfig reads like the `*_PATH` variables.
 */
export const TEMPORAL_SECRET_KEYS: Record<TemporalAuth, Record<string, string>> = {
  'api-key': { TEMPORAL_ADDRESS: 'address', TEMPORAL_NAMESPACE: 'namespace', TEMPORAL_API_KEY: 'apiKey' },
  mtls: {
    TEMPORAL_ADDRESS: 'address',
    TEMPORAL_NAMESPACE: 'namespace',
    TEMPORAL_TLS_CLIENT_CERT_DATA: 'tlsCert',
    TEMPORAL_TLS_CLIENT_KEY_DATA: 'tlsKey',
  },
  none: { TEMPORAL_ADDRESS: 'address', TEMPORAL_NAMESPACE: 'namespace' },
};

/** A health check command run inside the container: the process's own endpoint, with node's fetch. */
export function httpHealthCheck(url: string): string[] {
  const script = `fetch(${JSON.stringify(url)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  return ['CMD', 'node', '-e', script];
}

export interface EngineStackProps extends StackProps {
  aws: ConnectRemediatorStack;
  settings: EngineSettings;
  /** Where `-c image=asset` builds from (the repository root); tests point it at a fixture. */
  assetDirectory?: string;
}

export class ConnectRemediatorEngineStack extends Stack {
  readonly workerService: ecs.FargateService;
  readonly ingressService: ecs.FargateService;

  constructor(scope: Construct, id: string, props: EngineStackProps) {
    super(scope, id, props);
    const { aws, settings } = props;

    const vpc = this.vpc(settings);
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const image = this.image(settings, props.assetDirectory ?? REPOSITORY_ROOT);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: settings.logRetentionDays as logs.RetentionDays,
    });
    const temporalSecret = secretsmanager.Secret.fromSecretCompleteArn(
      this,
      'TemporalSecret',
      settings.temporalSecretArn,
    );
    const temporalSecrets = Object.fromEntries(
      Object.entries(TEMPORAL_SECRET_KEYS[settings.temporalAuth]).map(([variable, key]) => [
        variable,
        ecs.Secret.fromSecretsManager(temporalSecret, key),
      ]),
    );
    const commonEnvironment = {
      AWS_REGION: Aws.REGION,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      ...(settings.temporalWebUiUrl ? { TEMPORAL_WEB_UI_URL: settings.temporalWebUiUrl } : {}),
    };
    const scraper = this.scraper(settings);

    // --- worker ---------------------------------------------------------------------------------
    const workerRole = new iam.Role(this, 'WorkerTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'connect-remediator worker tasks: the WorkerPolicy of the AWS stack',
      managedPolicies: [aws.workerPolicy],
    });
    const worker = new ecs.FargateTaskDefinition(this, 'WorkerTask', {
      cpu: 1024,
      memoryLimitMiB: 2048,
      taskRole: workerRole,
    });
    worker.addContainer('worker', {
      image,
      command: ['worker'],
      environment: {
        ...commonEnvironment,
        // The scraper reaches the task's address, the sidecar 127.0.0.1: bind all interfaces.
        WORKER_METRICS_HOST: '0.0.0.0',
        WORKER_METRICS_PORT: String(WORKER_METRICS_PORT),
      },
      secrets: temporalSecrets,
      portMappings: [{ containerPort: WORKER_METRICS_PORT, name: 'metrics' }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
      healthCheck: {
        command: httpHealthCheck(`http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`),
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        // Without a prebuilt bundle the worker bundles its workflows before it serves metrics.
        startPeriod: Duration.seconds(120),
      },
      // Fargate's longest: the worker finishes its in-flight tasks on SIGTERM before exiting.
      stopTimeout: Duration.seconds(120),
    });
    this.addMetricsCollector(worker, workerRole, logGroup, settings);

    const workerSecurityGroup = new ec2.SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc,
      description: 'connect-remediator worker: egress to Temporal and AWS; the metrics port to the scraper',
    });
    if (scraper) {
      workerSecurityGroup.addIngressRule(
        scraper,
        ec2.Port.tcp(WORKER_METRICS_PORT),
        'Prometheus scrape of the worker',
      );
    }
    this.workerService = new ecs.FargateService(this, 'Worker', {
      cluster,
      taskDefinition: worker,
      // No desiredCount: auto scaling owns it (minCapacity below), and a deploy must not reset it.
      securityGroups: [workerSecurityGroup],
      vpcSubnets: this.taskSubnets(),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });
    const scaling = this.workerService.autoScaleTaskCount({
      minCapacity: settings.workerMinTasks,
      maxCapacity: settings.workerMaxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    });
    scaling.scaleOnMetric('TaskSlots', {
      metric: slotUtilization(TASK_QUEUE),
      scalingSteps: SLOT_SCALING_STEPS,
      cooldown: Duration.minutes(2),
    });

    // --- ingress ----------------------------------------------------------------------------------
    const ingressRole = new iam.Role(this, 'IngressTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description:
        aws.delivery === 'sqs'
          ? 'connect-remediator ingress --sqs: the SqsIngressPolicy of the AWS stack'
          : 'connect-remediator HTTP ingress: no AWS permissions (it talks to Temporal only)',
      managedPolicies: aws.sqsIngressPolicy ? [aws.sqsIngressPolicy] : [],
    });
    const ingress = new ecs.FargateTaskDefinition(this, 'IngressTask', {
      cpu: 512,
      memoryLimitMiB: 1024,
      taskRole: ingressRole,
    });
    const ingressSecrets: Record<string, ecs.Secret> = { ...temporalSecrets };
    if (aws.ingressApiKey) ingressSecrets.INGRESS_API_KEY = ecs.Secret.fromSecretsManager(aws.ingressApiKey);
    const command =
      aws.delivery === 'sqs' ? ['ingress', '--sqs', required(aws.eventsQueue).queueUrl] : ['ingress'];
    ingress.addContainer('ingress', {
      image,
      command,
      environment: { ...commonEnvironment, INGRESS_HOST: '0.0.0.0', INGRESS_PORT: String(INGRESS_PORT) },
      secrets: ingressSecrets,
      portMappings: [{ containerPort: INGRESS_PORT, name: 'http' }],
      logging: ecs.LogDrivers.awsLogs({
        logGroup,
        streamPrefix: aws.delivery === 'sqs' ? 'ingress-sqs' : 'ingress',
      }),
      healthCheck: {
        // Liveness, not readiness: a Temporal outage must not restart the ingress (it waits it out).
        command: httpHealthCheck(`http://127.0.0.1:${INGRESS_PORT}/healthz`),
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: Duration.seconds(60),
    });
    const ingressSecurityGroup = new ec2.SecurityGroup(this, 'IngressSecurityGroup', {
      vpc,
      description: `connect-remediator ${aws.delivery === 'sqs' ? 'SQS' : 'HTTP'} ingress`,
    });
    if (scraper) {
      ingressSecurityGroup.addIngressRule(
        scraper,
        ec2.Port.tcp(INGRESS_PORT),
        'Prometheus scrape of the ingress',
      );
    }
    this.ingressService = new ecs.FargateService(
      this,
      aws.delivery === 'sqs' ? 'SqsIngress' : 'HttpIngress',
      {
        cluster,
        taskDefinition: ingress,
        desiredCount: settings.ingressTasks,
        securityGroups: [ingressSecurityGroup],
        vpcSubnets: this.taskSubnets(),
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { rollback: true },
      },
    );
    if (aws.delivery === 'http') this.loadBalancer(vpc, settings);

    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });
    new CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });
    new CfnOutput(this, 'WorkerSecurityGroupId', { value: workerSecurityGroup.securityGroupId });
  }

  private vpc(settings: EngineSettings): ec2.IVpc {
    if (!settings.vpc) return new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    return ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: settings.vpc.vpcId,
      availabilityZones: settings.vpc.availabilityZones,
      privateSubnetIds: settings.vpc.privateSubnetIds,
      ...(settings.vpc.publicSubnetIds ? { publicSubnetIds: settings.vpc.publicSubnetIds } : {}),
    });
  }

  /** The new VPC's private subnets, or the imported privateSubnetIds (CDK types both so). */
  private taskSubnets(): ec2.SubnetSelection {
    return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }

  private image(settings: EngineSettings, assetDirectory: string): ecs.ContainerImage {
    if (settings.image.kind === 'asset') {
      // Built by `cdk deploy` (Docker needed then, not for synth), pushed to the bootstrap ECR repository.
      return ecs.ContainerImage.fromAsset(assetDirectory, {
        file: DOCKERFILE,
        exclude: ['node_modules', '.git', '**/cdk.out', '.data'],
      });
    }
    const ecrUri =
      /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+)|@(sha256:[0-9a-f]+))?$/.exec(
        settings.image.uri,
      );
    if (!ecrUri) return ecs.ContainerImage.fromRegistry(settings.image.uri);
    // An ECR image: the execution role is granted pull on that repository only.
    const [, account, region, name, tag, digest] = ecrUri;
    const repository = ecr.Repository.fromRepositoryAttributes(this, 'ImageRepository', {
      repositoryName: name!,
      repositoryArn: `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${name}`,
    });
    return ecs.ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
  }

  private scraper(settings: EngineSettings): ec2.IPeer | undefined {
    if (settings.metricsScrapeSecurityGroupId) {
      return ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'ScraperSecurityGroup',
        settings.metricsScrapeSecurityGroupId,
        {
          mutable: false,
        },
      );
    }
    return settings.metricsScrapeCidr ? ec2.Peer.ipv4(settings.metricsScrapeCidr) : undefined;
  }

  /** The ADOT collector sidecar that publishes the worker's slot gauges (worker-backlog-metric.ts). */
  private addMetricsCollector(
    task: ecs.FargateTaskDefinition,
    role: iam.Role,
    containerLogs: logs.ILogGroup,
    settings: EngineSettings,
  ): void {
    const metricsLogGroup = new logs.LogGroup(this, 'WorkerMetrics', {
      retention: settings.logRetentionDays as logs.RetentionDays,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [...ENGINE_ACTIONS.metricsCollector],
        resources: [metricsLogGroup.logGroupArn],
      }),
    );
    task.addContainer('metrics-collector', {
      image: ecs.ContainerImage.fromRegistry(settings.metricsCollectorImage),
      // Not essential: without it the worker only loses its backlog metric, never its work.
      essential: false,
      environment: {
        AWS_REGION: Aws.REGION,
        AOT_CONFIG_CONTENT: collectorConfig({
          metricsPort: WORKER_METRICS_PORT,
          taskQueue: TASK_QUEUE,
          logGroupName: metricsLogGroup.logGroupName,
        }),
      },
      memoryReservationMiB: 128,
      healthCheck: { command: ['CMD', '/healthcheck'], interval: Duration.seconds(30), retries: 3 },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: containerLogs,
        streamPrefix: 'worker-metrics-collector',
      }),
    });
  }

  private loadBalancer(vpc: ec2.IVpc, settings: EngineSettings): void {
    const alb = new elbv2.ApplicationLoadBalancer(this, 'IngressLoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
    });
    const listener = alb.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [
        acm.Certificate.fromCertificateArn(
          this,
          'IngressCertificate',
          required(settings.ingressCertificateArn),
        ),
      ],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      // EventBridge API destinations call from AWS's public ranges: no narrower source to allow.
      open: true,
    });
    listener.addTargets('HttpIngress', {
      port: INGRESS_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.ingressService],
      deregistrationDelay: Duration.seconds(30),
      // Readiness: a task that cannot reach Temporal gets no events (EventBridge retries elsewhere).
      healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });
    new CfnOutput(this, 'IngressLoadBalancerDns', {
      value: alb.loadBalancerDnsName,
      description:
        "Point the certificate's domain at this (CNAME or alias); IngressEndpoint is https://<that domain>/events",
    });
  }
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('engine stack: a value the AWS stack should have made is missing');
  return value;
}
