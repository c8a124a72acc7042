/**
 * `capacity --watch`: asks every gate for its status every --interval seconds and redraws the
 * chart (chart.ts) on the terminal's alternate screen, so that on Ctrl-C the shell comes back as
 * it was, cursor included. When stdout is not a terminal it prints plain lines instead, one per
 * gate and refresh (`--json`: one JSON array per refresh), and never an escape code.
 */
import type { GateReport } from './report';
import { addSample, chartLines, plainLine, sampleOf, type GateSample } from './chart';
import { formatNoGate } from './format';

const ALTERNATE_SCREEN = '\x1b[?1049h';
const MAIN_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

export interface WatchOptions {
  /** Every gate's report, asked afresh. */
  fetch: () => Promise<GateReport[]>;
  intervalSeconds: number;
  json: boolean;
  namespace: string;
  instanceId?: string;
  out?: NodeJS.WriteStream;
  /** Resolves when the watch should end; by default the first SIGINT or SIGTERM. */
  stop?: Promise<unknown>;
}

export async function watchCapacity(options: WatchOptions): Promise<void> {
  const out = options.out ?? process.stdout;
  const terminal = Boolean(out.isTTY) && !options.json;
  const { promise: stopped, dispose } = options.stop
    ? { promise: options.stop, dispose: () => undefined }
    : stopSignal();
  let ended = false;
  void stopped.then(() => (ended = true));
  const history = new Map<string, GateSample[]>();
  const restore = () => out.write(`${SHOW_CURSOR}${MAIN_SCREEN}`);
  if (terminal) {
    out.write(`${ALTERNATE_SCREEN}${HIDE_CURSOR}`);
    // However the process ends (an uncaught error included), the shell gets its screen back.
    process.once('exit', restore);
  }
  try {
    while (!ended) {
      const now = new Date();
      let lines: string[];
      try {
        const reports = await options.fetch();
        for (const report of reports) {
          const sample = sampleOf(report, now.getTime());
          if (sample) history.set(report.workflowId, addSample(history.get(report.workflowId) ?? [], sample));
        }
        lines = render(reports, history, now, options, terminal, out.columns || 80);
      } catch (err) {
        // Temporal away for a moment: say so and keep watching.
        lines = [`${now.toISOString()} cannot read the gates: ${(err as Error).message}`];
      }
      if (ended) break;
      if (terminal)
        out.write(`${HOME}${lines.map((l) => `${l}${CLEAR_LINE_END}`).join('\n')}\n${CLEAR_BELOW}`);
      else out.write(`${lines.join('\n')}\n`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        stopped,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, options.intervalSeconds * 1000))),
      ]);
      clearTimeout(timer);
    }
  } finally {
    dispose();
    if (terminal) {
      process.off('exit', restore);
      restore();
    }
  }
}

function render(
  reports: GateReport[],
  history: ReadonlyMap<string, readonly GateSample[]>,
  now: Date,
  options: WatchOptions,
  terminal: boolean,
  columns: number,
): string[] {
  if (options.json) return [JSON.stringify(reports)];
  if (reports.length === 0) {
    const none = formatNoGate(options.namespace, options.instanceId);
    return terminal
      ? [...chartLines([], history, { columns, now, intervalSeconds: options.intervalSeconds }), none]
      : [`${now.toISOString()} ${none}`];
  }
  if (terminal)
    return chartLines(reports, history, { columns, now, intervalSeconds: options.intervalSeconds });
  return reports.map((report) => plainLine(report, history.get(report.workflowId) ?? [], now));
}

/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM, which then no longer kill the process outright. */
function stopSignal(): { promise: Promise<string>; dispose: () => void } {
  let resolve!: (signal: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals) => resolve(signal);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
