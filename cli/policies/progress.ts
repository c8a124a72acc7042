/**
 * A one-line progress display on stderr, only when stderr is a terminal: piped or redirected
 * output (CI logs, `--json > file`) never gets carriage returns or escape codes.
 */
const REDRAW_EVERY_MS = 100;

export interface Progress {
  update(line: string): void;
  /** Clears the line (the report follows on stdout). */
  done(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(line) {
      const now = Date.now();
      if (now - last < REDRAW_EVERY_MS) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${line}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
