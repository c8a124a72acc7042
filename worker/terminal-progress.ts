/**
 * A one-line progress display on stderr, only when stderr is a terminal: piped or redirected
 * output (CI logs, `--json > file`, a benchmark's JSON line) never gets carriage returns or escape
 * codes. Shared by the CLI's long operations (`policies diff`, `dlq replay`) and the benchmarks.
 */
const REDRAW_EVERY_MS = 100;

export interface Progress {
  update(line: string): void;
  /**
   * A line that stays (a log line on the same stream): written above the progress line, which is
   * drawn again below it. Written as-is when the stream is not a terminal.
   */
  log(line: string): void;
  /** Clears the line (the report follows on stdout). */
  done(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY)
    return { update: () => undefined, log: (line) => void stream.write(`${line}\n`), done: () => undefined };
  let last = 0;
  let current = '';
  // A line longer than the terminal wraps, and `\r` would then clear only its last row.
  const fit = (line: string) => {
    const columns = stream.columns || 80;
    return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
  };
  return {
    update(line) {
      const now = Date.now();
      if (now - last < REDRAW_EVERY_MS) return;
      last = now;
      current = fit(line);
      stream.write(`\r\x1b[K${current}`);
    },
    log(line) {
      stream.write(`\r\x1b[K${line}\n${current}`);
    },
    done() {
      if (current) stream.write('\r\x1b[K');
      current = '';
    },
  };
}

/** `412/2000 (21%), 1m05s, ~4m02s left`: counts, elapsed and a linear estimate of what is left. */
export function progressCounts(done: number, total: number, startedAt: number, now = Date.now()): string {
  const elapsedMs = now - startedAt;
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const left = done > 0 && done < total ? `, ~${duration((elapsedMs * (total - done)) / done)} left` : '';
  return `${done}/${total} (${Math.floor(share * 100)}%), ${duration(elapsedMs)}${left}`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
