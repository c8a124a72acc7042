/**
 * Installs the Temporal Runtime once per process: SDK logs at WARN unless LOG_LEVEL asks for more
 * (the bundler's INFO output is noise for operators), and no SDK signal handlers — our own
 * shutdown path (worker/shutdown.ts) stops the worker, ingress and server in order.
 *
 * With `metrics`, the SDK's Prometheus exporter serves `GET /metrics` on that address: the SDK's
 * own worker and client metrics (`temporal_…`) and the engine's (`connect_remediator_…`,
 * activities/metrics.ts). Tests and benchmarks install it without.
 */
import { DefaultLogger, Runtime, type LogEntry, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { WorkerMetricsConfig } from './config';
import type { Logger } from './logger';

let installed = false;

const LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
};

/**
 * The AWS operation workers serve activities only, on purpose (one rate-limited queue each): the
 * SDK's warning that they have no workflows would greet operators six times on every start.
 */
class SdkLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message.startsWith('No workflows registered')) return;
    super.log(level, message, meta);
  }
}

export class MetricsExporterError extends Error {
  override name = 'MetricsExporterError';
}

export interface RuntimeInstallOptions {
  /** Serve Prometheus metrics there; omitted: no exporter, no port bound. */
  metrics?: Pick<WorkerMetricsConfig, 'bindAddress'>;
  /**
   * Write the SDK's records (its own, workflows' and activities' `log`) through this pino logger,
   * so a process prints one format (LOG_FORMAT); omitted: the SDK's plain lines on stderr.
   */
  logger?: Logger;
}

const PINO_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

function toPino(logger: Logger): (entry: LogEntry) => void {
  return ({ level, message, meta }) => logger[PINO_LEVELS[level]](meta ?? {}, message);
}

/**
 * Installs the Runtime (later calls are no-ops). When the metrics address cannot be bound the
 * Runtime is left uninstalled and a MetricsExporterError says why: the caller decides whether to
 * stop or to call again without metrics.
 */
export function installTemporalRuntime(logLevel: string, options: RuntimeInstallOptions = {}): void {
  if (installed) return;
  const { metrics } = options;
  const level = LEVELS[logLevel] ?? 'WARN';
  const logger = options.logger ? new SdkLogger(level, toPino(options.logger)) : new SdkLogger(level);
  try {
    Runtime.install({
      logger,
      shutdownSignals: [],
      ...(metrics
        ? {
            telemetryOptions: {
              // `_total` on the SDK's counters too (temporal_request_total, …): Prometheus's
              // naming rule, and what `promtool check metrics` asks for. Names that end in it
              // already (the engine's) are left as they are.
              metrics: { prometheus: { bindAddress: metrics.bindAddress, countersTotalSuffix: true } },
            },
          }
        : {}),
    });
  } catch (err) {
    if (!metrics) throw err;
    throw new MetricsExporterError(
      `cannot serve worker metrics on ${metrics.bindAddress} (set WORKER_METRICS_PORT to a free port, or to "off"): ${(err as Error).message}`,
    );
  }
  installed = true;
}
