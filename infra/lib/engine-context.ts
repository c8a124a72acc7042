/**
 * The engine stack's settings, read from CDK context (`-c key=value`, or cdk.json) and checked up
 * front: a missing or malformed value stops `cdk synth` with an error naming the context key and
 * an example, instead of a template that fails half-way through a deploy.
 *
 * Context, not CloudFormation parameters, because these choose which resources and which container
 * secrets exist (mTLS or API key, an ALB or not, an imported VPC or a new one). Nothing secret is
 * ever a context value: the Temporal connection is named by its Secrets Manager ARN.
 */

export const TEMPORAL_AUTHS = ['api-key', 'mtls', 'none'] as const;
export type TemporalAuth = (typeof TEMPORAL_AUTHS)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * The AWS Distro for OpenTelemetry collector: the sidecar that turns the worker's Prometheus slot
 * gauges into the CloudWatch metrics the worker scales on. Pinned; `-c metricsCollectorImage=` moves it.
 */
export const DEFAULT_METRICS_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0';

export interface ImportedVpc {
  vpcId: string;
  availabilityZones: string[];
  privateSubnetIds: string[];
  /** Only for the ALB (delivery=http). */
  publicSubnetIds?: string[];
}

export type EngineImage = { kind: 'asset' } | { kind: 'uri'; uri: string };

export interface EngineSettings {
  image: EngineImage;
  temporalSecretArn: string;
  temporalAuth: TemporalAuth;
  temporalWebUiUrl?: string;
  /** Omitted: the stack creates a VPC (two AZs, one NAT gateway). */
  vpc?: ImportedVpc;
  /** ACM certificate of the HTTP ingress's HTTPS listener (delivery=http). */
  ingressCertificateArn?: string;
  /** Who may scrape the worker's (and the ingress's) metrics port; neither: nobody outside the task. */
  metricsScrapeCidr?: string;
  metricsScrapeSecurityGroupId?: string;
  workerMinTasks: number;
  workerMaxTasks: number;
  ingressTasks: number;
  logRetentionDays: number;
  metricsCollectorImage: string;
}

export type ContextReader = (key: string) => unknown;

export class EngineContextError extends Error {
  override name = 'EngineContextError';
}

const fail = (key: string, expected: string, got: unknown): never => {
  throw new EngineContextError(`context "${key}": expected ${expected}, got ${JSON.stringify(got)}`);
};

/** A string context value; empty counts as unset. */
function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return fail(key, 'a string', value);
  }
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function required(read: ContextReader, key: string, expected: string): string {
  return text(read, key) ?? fail(key, `${expected} (it is required with -c engine=true)`, read(key));
}

function matching(read: ContextReader, key: string, pattern: RegExp, expected: string): string | undefined {
  const value = text(read, key);
  if (value !== undefined && !pattern.test(value)) fail(key, expected, value);
  return value;
}

/** A comma-separated list (or a JSON array in cdk.json) whose items all match. */
function list(read: ContextReader, key: string, item: RegExp, expected: string): string[] | undefined {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : undefined;
  const trimmed = items?.map((s) => s.trim()).filter((s) => s !== '');
  if (!trimmed?.length || !trimmed.every((s) => item.test(s))) return fail(key, expected, raw);
  return trimmed;
}

function integer(read: ContextReader, key: string, fallback: number, min: number, max: number): number {
  const value = text(read, key);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) fail(key, `a whole number ${min}..${max}`, read(key));
  return n;
}

/** True when `-c engine=true` asks for the engine stack. */
export function engineRequested(read: ContextReader): boolean {
  const value = text(read, 'engine');
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return fail('engine', '"true" or "false" (-c engine=true adds the ConnectRemediatorEngine stack)', value);
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

export function engineSettings(read: ContextReader, delivery: 'http' | 'sqs'): EngineSettings {
  const imageValue = required(
    read,
    'image',
    'an image URI (-c image=123456789012.dkr.ecr.us-east-1.amazonaws.com/connect-remediator:1.0) or "asset" to build the repository\'s Dockerfile',
  );
  const image: EngineImage = imageValue === 'asset' ? { kind: 'asset' } : { kind: 'uri', uri: imageValue };
  if (image.kind === 'uri' && /\s/.test(image.uri)) fail('image', 'an image URI without spaces', imageValue);

  const temporalSecretArn = required(
    read,
    'temporalSecretArn',
    'the full ARN of the Secrets Manager secret holding the Temporal connection (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)',
  );
  if (!SECRET_ARN.test(temporalSecretArn)) {
    fail(
      'temporalSecretArn',
      'a complete Secrets Manager secret ARN, with the 6-character suffix Secrets Manager adds (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)',
      temporalSecretArn,
    );
  }

  const auth = text(read, 'temporalAuth') ?? 'api-key';
  if (!TEMPORAL_AUTHS.includes(auth as TemporalAuth)) {
    fail('temporalAuth', TEMPORAL_AUTHS.map((a) => `"${a}"`).join(', '), auth);
  }

  const vpcId = matching(read, 'vpcId', /^vpc-[0-9a-f]+$/, 'a VPC id (vpc-0123…)');
  let vpc: ImportedVpc | undefined;
  if (vpcId) {
    const subnets = (key: string) =>
      list(read, key, /^subnet-[0-9a-f]+$/, 'comma-separated subnet ids (subnet-0a…,subnet-0b…)');
    const availabilityZones =
      list(
        read,
        'availabilityZones',
        /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/,
        'comma-separated zones (us-east-1a,us-east-1b)',
      ) ??
      fail('availabilityZones', 'the zones of the subnets (required with vpcId)', read('availabilityZones'));
    const privateSubnetIds =
      subnets('privateSubnetIds') ??
      fail(
        'privateSubnetIds',
        'the subnets the tasks run in, one per zone (required with vpcId)',
        read('privateSubnetIds'),
      );
    const publicSubnetIds = subnets('publicSubnetIds');
    for (const [key, ids] of [
      ['privateSubnetIds', privateSubnetIds],
      ['publicSubnetIds', publicSubnetIds],
    ] as const) {
      if (ids && ids.length !== availabilityZones.length) {
        fail(key, `one subnet per zone in availabilityZones (${availabilityZones.length})`, ids.join(','));
      }
    }
    if (delivery === 'http' && !publicSubnetIds) {
      fail(
        'publicSubnetIds',
        'the subnets of the internet-facing ALB (required with vpcId and delivery=http)',
        undefined,
      );
    }
    vpc = { vpcId, availabilityZones, privateSubnetIds, ...(publicSubnetIds ? { publicSubnetIds } : {}) };
  } else {
    for (const key of ['availabilityZones', 'privateSubnetIds', 'publicSubnetIds']) {
      if (text(read, key) !== undefined || Array.isArray(read(key)))
        fail(key, 'to be given only with vpcId', read(key));
    }
  }

  const ingressCertificateArn = matching(
    read,
    'ingressCertificateArn',
    CERTIFICATE_ARN,
    'an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)',
  );
  if (delivery === 'http' && !ingressCertificateArn) {
    fail(
      'ingressCertificateArn',
      "an ACM certificate for the HTTP ingress's domain (required with delivery=http: EventBridge API destinations call HTTPS only)",
      undefined,
    );
  }

  const workerMinTasks = integer(read, 'workerMinTasks', 2, 1, 100);
  const workerMaxTasks = integer(read, 'workerMaxTasks', 10, 1, 100);
  if (workerMaxTasks < workerMinTasks) {
    fail('workerMaxTasks', `at least workerMinTasks (${workerMinTasks})`, workerMaxTasks);
  }
  const logRetentionDays = integer(read, 'logRetentionDays', 30, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    fail(
      'logRetentionDays',
      `one of CloudWatch Logs' periods: ${LOG_RETENTION_DAYS.join(', ')}`,
      logRetentionDays,
    );
  }
  const temporalWebUiUrl = matching(read, 'temporalWebUiUrl', /^https?:\/\/\S+$/, 'an http(s) URL');
  const metricsScrapeCidr = matching(read, 'metricsScrapeCidr', CIDR, 'an IPv4 CIDR (10.0.0.0/16)');
  const metricsScrapeSecurityGroupId = matching(
    read,
    'metricsScrapeSecurityGroupId',
    /^sg-[0-9a-f]+$/,
    'a security group id (sg-0123…)',
  );

  return {
    image,
    temporalSecretArn,
    temporalAuth: auth as TemporalAuth,
    ...(temporalWebUiUrl ? { temporalWebUiUrl } : {}),
    ...(vpc ? { vpc } : {}),
    ...(ingressCertificateArn ? { ingressCertificateArn } : {}),
    ...(metricsScrapeCidr ? { metricsScrapeCidr } : {}),
    ...(metricsScrapeSecurityGroupId ? { metricsScrapeSecurityGroupId } : {}),
    workerMinTasks,
    workerMaxTasks,
    ingressTasks: integer(read, 'ingressTasks', 2, 1, 100),
    logRetentionDays,
    metricsCollectorImage: text(read, 'metricsCollectorImage') ?? DEFAULT_METRICS_COLLECTOR_IMAGE,
  };
}
