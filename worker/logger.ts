/**
 * Structured logs (pino). Secrets are never passed to the logger; `redact` is the safety net.
 *
 * Two formats of the same records: `json` (one pino JSON object a line, for log shippers) and
 * `pretty` (one readable line a record, for a person at a terminal: time, level, component,
 * message, then the record's other fields inline). LOG_FORMAT chooses; unset, a terminal on
 * stdout gets `pretty` and anything else `json` (worker/config.ts resolves it).
 */
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  /** Default `json`: tests and library callers keep machine-readable output unless asked. */
  format?: LogFormat;
  /** Where records go; default stdout. */
  destination?: number;
}

/**
 * `[name/component] message`: which process or part of `dev` (the logger's name: dev, worker,
 * ingress, simulator, temporal) and which part of that (a child logger's `component`: policies,
 * aws-rate-budgets, sqs-ingress…), once when both say the same.
 */
function prettyMessage(record: Record<string, unknown>, messageKey: string): string {
  const name = typeof record.name === 'string' ? record.name : '';
  const component = typeof record.component === 'string' ? record.component : '';
  const label = component && component !== name ? `${name}/${component}` : name || component;
  const message = record[messageKey];
  return `${label ? `[${label}] ` : ''}${typeof message === 'string' ? message : ''}`;
}

export function createLogger(
  level = 'info',
  name = 'connect-remediator',
  options: LoggerOptions = {},
): Logger {
  const settings: pino.LoggerOptions = {
    name,
    level,
    redact: {
      paths: ['*.apiKey', '*.secret', '*.authorization', 'headers.authorization', 'headers["x-api-key"]'],
      censor: '[redacted]',
    },
  };
  const destination = options.destination ?? 1;
  if (options.format !== 'pretty') return pino(settings, pino.destination({ dest: destination, sync: true }));
  // In the main thread and synchronous, not a pino transport (a worker thread): a person's
  // terminal needs no throughput, and a synchronous stream cannot lose the last lines when the
  // process exits (second Ctrl-C → process.exit, a fatal error) before a worker thread flushed.
  const stream = pretty({
    sync: true,
    destination,
    colorize: Boolean(destination === 2 ? process.stderr.isTTY : process.stdout.isTTY),
    singleLine: true,
    // pino-pretty prints error-like fields (err, error) on lines of their own even with
    // singleLine; inline they keep one line per record (a stack stays readable as JSON).
    errorLikeObjectKeys: [],
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,component',
    messageFormat: prettyMessage,
  });
  return pino(settings, stream);
}

/** The format to use when LOG_FORMAT is unset: readable on a terminal, JSON for pipes and files. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return stream.isTTY ? 'pretty' : 'json';
}
