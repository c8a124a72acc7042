/**
 * The one place that reads the environment. Every process entry point calls `loadConfig()` once and
 * passes the result down, so modules stay testable and secrets never travel further than needed.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadClientConfigProfile, type ClientConfigProfile } from '@temporalio/envconfig';
import { isSecretEnvAllowed, secretEnvAllowList } from '../policies/secret-env';
import {
  ADDRESSES_EXPECTED,
  parseAddressAllowList,
  WEBHOOK_ALLOW_ADDRESSES_VAR,
  webhookRulesFromEnv,
  type WebhookRules,
} from '../policies/webhook-destinations';
import { z } from 'zod';
import { defaultLogFormat, LOG_FORMATS, type LogFormat } from './logger';
import { TRACING_ENV_SHAPE, tracingConfig, type TracingConfig } from './tracing-config';

export const DEFAULT_TASK_QUEUE = 'connect-remediation';
/** The Prometheus exporter's usual port (OpenTelemetry's), unless WORKER_METRICS_PORT says otherwise. */
export const DEFAULT_WORKER_METRICS_PORT = 9464;

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name}: expected a TCP port number` })
    .int(`${name}: expected an integer port`)
    .min(0, `${name}: expected 0..65535`)
    .max(65535, `${name}: expected 0..65535`)
    .default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** A port 1..65535, or `off`; unset means the default. 0 is refused: the URL to scrape must be known. */
const metricsPort = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const v = value?.trim() ?? '';
    if (v === '') return DEFAULT_WORKER_METRICS_PORT;
    if (v.toLowerCase() === 'off') return undefined;
    const n = Number(v);
    if (/^\d+$/.test(v) && n >= 1 && n <= 65535) return n;
    ctx.addIssue({
      code: 'custom',
      message: `WORKER_METRICS_PORT: expected a TCP port 1..65535, or "off" to serve no metrics; got "${v}"`,
    });
    return z.NEVER;
  });

/** The Prometheus exporter binds a socket address: an IP literal, not a host name. */
const metricsHost = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const v = value?.trim() ?? '';
    if (v === '') return '127.0.0.1';
    const ip = v.replace(/^\[(.*)\]$/, '$1'); // [::1] as in a URL
    if (net.isIP(ip)) return ip;
    ctx.addIssue({
      code: 'custom',
      message: `WORKER_METRICS_HOST: expected an IP address such as 127.0.0.1, 0.0.0.0 or ::; got "${v}"`,
    });
    return z.NEVER;
  });

const EnvSchema = z.object({
  // Read by @temporalio/envconfig too (with TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, TEMPORAL_TLS_*…);
  // listed here for `dev`'s "was an address given?" decision and the names this README documented first.
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_PROFILE: optionalString,
  TEMPORAL_CONFIG_FILE: optionalString,
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_TASK_QUEUE: optionalString,
  TEMPORAL_WEB_UI_URL: optionalString,
  TEMPORAL_CLI: optionalString,
  POLICIES_FILE: optionalString,
  INGRESS_HOST: optionalString,
  INGRESS_PORT: port('INGRESS_PORT', 8080),
  INGRESS_API_KEY: optionalString,
  INGRESS_API_KEY_HEADER: optionalString,
  AWS_REGION: optionalString,
  CONNECT_ENDPOINT: optionalString,
  EVENTBRIDGE_ENDPOINT: optionalString,
  SQS_ENDPOINT: optionalString,
  CLOUDWATCH_ENDPOINT: optionalString,
  SIMULATOR_PORT: port('SIMULATOR_PORT', 4566),
  WORKER_METRICS_HOST: metricsHost,
  WORKER_METRICS_PORT: metricsPort,
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'WORKER_MAX_CACHED_WORKFLOWS: expected a number of workflows' })
    .int('WORKER_MAX_CACHED_WORKFLOWS: expected a whole number of workflows')
    .min(2, 'WORKER_MAX_CACHED_WORKFLOWS: expected at least 2')
    .optional(),
  WORKER_MAX_CACHED_GATES: z.coerce
    .number({ error: 'WORKER_MAX_CACHED_GATES: expected a number of workflows' })
    .int('WORKER_MAX_CACHED_GATES: expected a whole number of workflows')
    .min(0, 'WORKER_MAX_CACHED_GATES: expected 0 or more')
    .optional(),
  CONNECT_REMEDIATOR_DATA_DIR: optionalString,
  XDG_CACHE_HOME: optionalString,
  LOG_LEVEL: optionalString,
  LOG_FORMAT: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = value?.trim().toLowerCase() ?? '';
      if (v === '') return undefined;
      if ((LOG_FORMATS as readonly string[]).includes(v)) return v as LogFormat;
      ctx.addIssue({
        code: 'custom',
        message: `LOG_FORMAT: expected ${LOG_FORMATS.map((f) => `"${f}"`).join(' or ')} (unset: pretty on a terminal, json otherwise); got "${value}"`,
      });
      return z.NEVER;
    }),
  ...TRACING_ENV_SHAPE,
});

/** Every variable the processes read here (the docs test holds the docs to this list). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface TemporalConfig {
  address: string;
  /**
   * True when TEMPORAL_ADDRESS, TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE was set: `dev` then uses
   * that server instead of starting one (a `temporal.toml` found in its standard place does not count).
   */
  addressExplicit: boolean;
  namespace: string;
  taskQueue: string;
  /** The rest of the connection profile (API key, TLS, gRPC metadata), as @temporalio/envconfig loads it. */
  profile: Pick<ClientConfigProfile, 'apiKey' | 'tls' | 'grpcMeta'>;
  webUiUrl: string;
}

/** Where the worker process serves Prometheus metrics (the Temporal SDK's exporter). */
export interface WorkerMetricsConfig {
  host: string;
  port: number;
  /** `host:port` as the exporter binds it (IPv6 in brackets). */
  bindAddress: string;
  /** What to scrape. */
  url: string;
}

export interface Config {
  temporal: TemporalConfig;
  policiesFile: string;
  ingress: { host: string; port: number; apiKey?: string; apiKeyHeader: string };
  aws: {
    region: string;
    connectEndpoint?: string;
    eventBridgeEndpoint?: string;
    sqsEndpoint?: string;
    cloudWatchEndpoint?: string;
  };
  simulator: { port: number };
  /** Prometheus metrics of the worker process; absent when WORKER_METRICS_PORT=off. */
  workerMetrics?: WorkerMetricsConfig;
  /** Runs a worker keeps in memory between their workflow tasks (WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
  /**
   * Capacity gates a worker keeps in memory (WORKER_MAX_CACHED_GATES; default 100). 0 replays each
   * gate from its history at every workflow task: the mode that proves a gate survives replay.
   */
  maxCachedGates?: number;
  /** OpenTelemetry traces (worker/tracing.ts); absent unless an OTLP endpoint is configured. */
  tracing?: TracingConfig;
  /** Explicit Temporal CLI path (TEMPORAL_CLI); otherwise dev/temporal-cli.ts searches. */
  temporalCli?: string;
  cacheDir: string;
  dataDir: string;
  logLevel: string;
  /** LOG_FORMAT, or when unset `pretty` if stdout is a terminal and `json` otherwise. */
  logFormat: LogFormat;
  /** Environment handed to channels that name a secret by env var (webhook `secretEnv`, `urlEnv`). */
  secrets: (name: string) => string | undefined;
  /** Where webhook secrets may go and which non-public addresses webhooks may reach. */
  webhooks: WebhookRules;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The folder holding package.json: `..` from the sources (worker/), `../..` from the build
 * (dist/worker/), the app folder in the image — where the default policies/ and .data/ live.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

const PROJECT_ROOT = projectRoot(__dirname);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      'Invalid environment:\n' +
        parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'),
    );
  }
  const e = parsed.data;
  const profile = temporalProfile(env, e);
  const tracing = tracingConfig(e);
  const cacheHome = e.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return {
    temporal: {
      address: profile.address ?? 'localhost:7233',
      addressExplicit: [e.TEMPORAL_ADDRESS, e.TEMPORAL_PROFILE, e.TEMPORAL_CONFIG_FILE].some(
        (v) => v !== undefined,
      ),
      namespace: profile.namespace ?? 'default',
      taskQueue: e.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
      profile: {
        ...(profile.apiKey ? { apiKey: profile.apiKey } : {}),
        ...(profile.tls ? { tls: profile.tls } : {}),
        ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length ? { grpcMeta: profile.grpcMeta } : {}),
      },
      webUiUrl: (e.TEMPORAL_WEB_UI_URL ?? 'http://localhost:8233').replace(/\/+$/, ''),
    },
    policiesFile: path.resolve(e.POLICIES_FILE ?? path.join(PROJECT_ROOT, 'policies', 'policies.yaml')),
    ingress: {
      host: e.INGRESS_HOST ?? '127.0.0.1',
      port: e.INGRESS_PORT,
      apiKey: e.INGRESS_API_KEY,
      apiKeyHeader: (e.INGRESS_API_KEY_HEADER ?? 'x-api-key').toLowerCase(),
    },
    aws: {
      region: e.AWS_REGION ?? 'us-east-1',
      connectEndpoint: e.CONNECT_ENDPOINT,
      eventBridgeEndpoint: e.EVENTBRIDGE_ENDPOINT,
      sqsEndpoint: e.SQS_ENDPOINT,
      ...(e.CLOUDWATCH_ENDPOINT ? { cloudWatchEndpoint: e.CLOUDWATCH_ENDPOINT } : {}),
    },
    simulator: { port: e.SIMULATOR_PORT },
    ...(e.WORKER_METRICS_PORT !== undefined
      ? { workerMetrics: workerMetrics(e.WORKER_METRICS_HOST, e.WORKER_METRICS_PORT) }
      : {}),
    ...(e.WORKER_MAX_CACHED_WORKFLOWS !== undefined
      ? { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS }
      : {}),
    ...(e.WORKER_MAX_CACHED_GATES !== undefined ? { maxCachedGates: e.WORKER_MAX_CACHED_GATES } : {}),
    ...(tracing ? { tracing } : {}),
    temporalCli: e.TEMPORAL_CLI,
    cacheDir: path.join(cacheHome, 'connect-remediator'),
    dataDir: path.resolve(e.CONNECT_REMEDIATOR_DATA_DIR ?? path.join(PROJECT_ROOT, '.data')),
    logLevel: e.LOG_LEVEL ?? 'info',
    logFormat: e.LOG_FORMAT ?? defaultLogFormat(),
    // Only channel secrets, whatever a policy names (the validator refuses the others up front).
    secrets: (name) => (isSecretEnvAllowed(name, secretEnvAllowList(env)) ? env[name] : undefined),
    webhooks: webhookSettings(env),
  };
}

/**
 * The webhook rules of an environment; an allow-list that does not parse stops the process rather
 * than allowing less (or more) than the operator meant. (Origins lists are checked with the policy
 * file, which names the secrets they belong to.)
 */
export function webhookSettings(env: NodeJS.ProcessEnv): WebhookRules {
  const { invalid } = parseAddressAllowList(env[WEBHOOK_ALLOW_ADDRESSES_VAR]);
  if (invalid.length) {
    throw new ConfigError(
      `${WEBHOOK_ALLOW_ADDRESSES_VAR}: ${invalid.map((entry) => JSON.stringify(entry)).join(', ')} ` +
        `is not an address or range: expected ${ADDRESSES_EXPECTED}`,
    );
  }
  return webhookRulesFromEnv(env);
}

function workerMetrics(host: string, port: number): WorkerMetricsConfig {
  const hostPort = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  return { host, port, bindAddress: hostPort, url: `http://${hostPort}/metrics` };
}

/**
 * The Temporal connection profile the way the `temporal` CLI finds it (@temporalio/envconfig): the
 * `temporal.toml` profile named by TEMPORAL_PROFILE (or "default") from TEMPORAL_CONFIG_FILE or the
 * standard location, overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_* — plus the certificate variables this project documented first.
 */
function temporalProfile(env: NodeJS.ProcessEnv, e: z.infer<typeof EnvSchema>): ClientConfigProfile {
  const strings = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  if (e.TEMPORAL_CONFIG_FILE && !fs.existsSync(e.TEMPORAL_CONFIG_FILE)) {
    throw new ConfigError(`TEMPORAL_CONFIG_FILE=${e.TEMPORAL_CONFIG_FILE}: no such file`);
  }
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: strings });
  } catch (err) {
    const where = env.TEMPORAL_CONFIG_FILE ? ` (TEMPORAL_CONFIG_FILE=${env.TEMPORAL_CONFIG_FILE})` : '';
    throw new ConfigError(`Temporal client profile${where}: ${(err as Error).message}`);
  }
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    throw new ConfigError(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS client certificate)',
    );
  }
  if (e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA) {
    profile.tls = {
      ...profile.tls,
      ...(e.TEMPORAL_TLS_CERT ? { clientCert: { path: e.TEMPORAL_TLS_CERT } } : {}),
      ...(e.TEMPORAL_TLS_KEY ? { clientKey: { path: e.TEMPORAL_TLS_KEY } } : {}),
      ...(e.TEMPORAL_TLS_CA ? { serverCACert: { path: e.TEMPORAL_TLS_CA } } : {}),
    };
  }
  return profile;
}

/** Link to a run in the Temporal Web UI (dev server or Temporal Cloud style URL prefix). */
/** The Web UI's list of the runs a visibility query finds. */
export function webUiRunsUrl(
  temporal: Pick<TemporalConfig, 'webUiUrl' | 'namespace'>,
  query: string,
): string {
  return `${temporal.webUiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

export function webUiRunUrl(
  temporal: Pick<TemporalConfig, 'webUiUrl' | 'namespace'>,
  workflowId: string,
): string {
  return `${temporal.webUiUrl}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
