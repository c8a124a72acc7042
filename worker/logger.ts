/** Structured logs (pino). Secrets are never passed to the logger; `redact` is the safety net. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level = 'info', name = 'connect-remediator'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.apiKey', '*.secret', '*.authorization', 'headers.authorization', 'headers["x-api-key"]'],
      censor: '[redacted]',
    },
  });
}
