/**
 * `capacity --watch`'s picture: each gate's recent samples (one per refresh) as sparklines — open
 * tasks against the quota, runs waiting, permits out (re-issues in flight), grants per minute — with
 * the latest values and the drain estimate; and the one plain line per gate and refresh printed
 * instead when stdout is not a terminal. Pure: samples and `now` in, lines out.
 */
import type { GateReport } from './report';
import { drainText } from './format';

export interface GateSample {
  at: number;
  openTasks?: number;
  quota?: number;
  waiting?: number;
  /** Re-issues in flight: the permits the gate has handed out and not had back. */
  permits: number;
  /** The gate's admitted counter: grants since it started (or continued as new). */
  admitted: number;
}

/** The samples kept per gate: the window the sparklines cover. */
export const HISTORY_MS = 5 * 60_000;

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const LABEL_WIDTH = 11;

export function sampleOf(report: GateReport, at: number): GateSample | undefined {
  const { status } = report;
  if (!status) return undefined;
  return {
    at,
    ...(status.lastOpenTasks !== undefined ? { openTasks: status.lastOpenTasks } : {}),
    ...(status.settings?.quota !== undefined ? { quota: status.settings.quota } : {}),
    ...(status.waiting !== undefined ? { waiting: status.waiting } : {}),
    permits: status.inFlight,
    admitted: status.stats.admitted,
  };
}

/** Appends a sample and drops those older than HISTORY_MS. */
export function addSample(samples: readonly GateSample[], sample: GateSample): GateSample[] {
  return [...samples, sample].filter((s) => s.at > sample.at - HISTORY_MS);
}

/**
 * Grants per minute between consecutive samples, from the admitted counter. A counter that went
 * down (the gate continued as new and started counting again) counts from zero.
 */
export function grantRates(samples: readonly GateSample[]): number[] {
  const rates: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [before, after] = [samples[i - 1]!, samples[i]!];
    const granted = after.admitted >= before.admitted ? after.admitted - before.admitted : after.admitted;
    const minutes = (after.at - before.at) / 60_000;
    rates.push(minutes > 0 ? granted / minutes : 0);
  }
  return rates;
}

/**
 * One block per value, newest last, the last `width` values; heights scaled to `max` (the quota
 * for open tasks) or to the largest value shown. Unknown values are spaces.
 */
export function sparkline(values: readonly (number | undefined)[], width: number, max?: number): string {
  const shown = values.slice(-Math.max(0, width));
  const top = max ?? Math.max(0, ...shown.map((v) => v ?? 0));
  return shown
    .map((v) => {
      if (v === undefined) return ' ';
      if (top <= 0 || v <= 0) return BLOCKS[0];
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.round((v / top) * (BLOCKS.length - 1)))];
    })
    .join('');
}

export interface ChartOptions {
  /** Terminal width; the sparklines get what the labels and values leave. */
  columns: number;
  now: Date;
  intervalSeconds: number;
}

export function chartLines(
  reports: readonly GateReport[],
  history: ReadonlyMap<string, readonly GateSample[]>,
  options: ChartOptions,
): string[] {
  const lines = [
    `connect-remediator capacity --watch · every ${options.intervalSeconds}s · ${clock(options.now)} · Ctrl-C to quit`,
    '',
  ];
  for (const report of reports) {
    lines.push(...gateChart(report, history.get(report.workflowId) ?? [], options.columns), '');
  }
  return lines;
}

function gateChart(report: GateReport, samples: readonly GateSample[], columns: number): string[] {
  const header = `instance ${report.instanceId}`;
  const { status } = report;
  if (!status) return [header, `  no answer: ${report.problem ?? 'unknown reason'}`];
  const width = Math.max(10, Math.min(60, columns - LABEL_WIDTH - 34));
  const latest = samples.at(-1);
  const quota = latest?.quota;
  const rates = grantRates(samples);
  const row = (label: string, line: string, value: string) =>
    `  ${label.padEnd(LABEL_WIDTH)} ${line.padEnd(width)}  ${value}`;
  const open = latest?.openTasks;
  return [
    `${header} · ${status.mode} · source ${status.settings?.source ?? 'not read yet'}`,
    row(
      'open tasks',
      sparkline(
        samples.map((s) => s.openTasks),
        width,
        quota,
      ),
      open === undefined
        ? 'not read'
        : `${open} of ${quota ?? '?'} quota${quota !== undefined && open >= quota ? ' (full)' : ''}`,
    ),
    row(
      'waiting',
      sparkline(
        samples.map((s) => s.waiting),
        width,
      ),
      latest?.waiting === undefined ? 'not known' : `${latest.waiting} runs`,
    ),
    row(
      'permits',
      sparkline(
        samples.map((s) => s.permits),
        width,
      ),
      `${latest?.permits ?? 0} out`,
    ),
    row(
      'grants/min',
      sparkline(rates, width),
      `${rates.length ? Math.round(rates.at(-1)!) : '–'}/min · ${latest?.admitted ?? 0} granted`,
    ),
    `  ${'drain'.padEnd(LABEL_WIDTH)} ${report.drainEstimate ? drainText(report.drainEstimate, status) : 'unknown'}`,
  ];
}

/** Not a terminal: one line per gate and refresh, `key=value`, for a log or `grep`. */
export function plainLine(report: GateReport, samples: readonly GateSample[], now: Date): string {
  const { status } = report;
  const base = `${now.toISOString()} instance=${report.instanceId}`;
  if (!status) return `${base} status=no-answer problem=${JSON.stringify(report.problem ?? 'unknown')}`;
  const rates = grantRates(samples);
  const quota = status.settings?.quota;
  return [
    base,
    `mode=${status.mode}`,
    `open=${status.lastOpenTasks ?? '?'}/${quota ?? '?'}`,
    `waiting=${status.waiting ?? '?'}`,
    `permits=${status.inFlight}`,
    `grants_per_min=${rates.length ? Math.round(rates.at(-1)!) : '?'}`,
    `granted=${status.stats.admitted}`,
    `drain=${JSON.stringify(report.drainEstimate ? drainText(report.drainEstimate, status) : 'unknown')}`,
  ].join(' ');
}

function clock(date: Date): string {
  return `${date.toISOString().slice(11, 19)}Z`;
}
