/**
 * Installs the Temporal Runtime once per process: SDK logs at WARN unless LOG_LEVEL asks for more
 * (the bundler's INFO output is noise for operators), and no SDK signal handlers — our own
 * shutdown path (worker/shutdown.ts) stops the worker, ingress and server in order.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

const LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
};

export function installTemporalRuntime(logLevel: string): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(LEVELS[logLevel] ?? 'WARN'), shutdownSignals: [] });
}
