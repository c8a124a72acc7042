/**
 * The dev server's own output, as records of our log. @temporalio/testing starts the Temporal CLI
 * with our stdout and stderr, so its banner and its log lines would land between our records in
 * another format. Instead it starts a two-line wrapper that `exec`s the CLI (same process, so the
 * SDK's stop still reaches it) with its output appended to a file, and the file is read as it grows:
 * each line becomes one record (the server's JSON log lines keep their level, message and fields).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../worker/logger';

const POLL_MS = 200;

export interface CapturedServerOutput {
  /** The executable to give the SDK in place of the CLI. */
  executable: string;
  /** Reads what is left, stops reading and removes the wrapper and the file. */
  close(): void;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function captureServerOutput(cliPath: string, logger: Logger): CapturedServerOutput {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-remediator-temporal-'));
  const logFile = path.join(dir, 'server.log');
  const executable = path.join(dir, 'temporal');
  fs.writeFileSync(logFile, '');
  fs.writeFileSync(
    executable,
    `#!/bin/sh\nexec ${shellQuote(cliPath)} "$@" >>${shellQuote(logFile)} 2>&1\n`,
    { mode: 0o755 },
  );
  const fd = fs.openSync(logFile, 'r');
  let offset = 0;
  let partial = '';
  const readNew = () => {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) return;
      offset += n;
      const lines = (partial + buffer.subarray(0, n).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) logLine(logger, line);
    }
  };
  const timer = setInterval(readNew, POLL_MS);
  timer.unref();
  return {
    executable,
    close: () => {
      clearInterval(timer);
      readNew();
      if (partial) logLine(logger, partial);
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error', 'fatal']);

function logLine(logger: Logger, raw: string): void {
  const line = raw.trimEnd();
  if (line.trim() === '') return;
  try {
    const record = JSON.parse(line) as Record<string, unknown>;
    if (record && typeof record === 'object' && typeof record.msg === 'string') {
      const { level, msg, ...fields } = record;
      delete fields.ts; // the record gets its own time
      const pinoLevel = typeof level === 'string' && LEVELS.has(level) ? (level as 'info') : 'info';
      logger[pinoLevel](fields, msg);
      return;
    }
  } catch {
    // not JSON: the CLI's banner ("CLI 1.5.1 (Server …)", "Server: localhost:7233", …)
  }
  logger.info(line.trim());
}
