/**
 * The lines `capacity` prints: one block per gate — what limits it (source, quota, open tasks), what
 * waits (queue, overflow), what it grants (permits, grants per minute, the budget and the policy it
 * came from), its counters, and how long the queue would take to drain. Pure, and tolerant of gates
 * started before a field existed: a missing field is said to be missing, never guessed.
 */
import type { CapacityGateStatus } from '../../workflows/definitions';
import { formatAge, formatTimestamp } from '../runs/format-time';
import { grantMinutes, plural, type DrainEstimate } from './estimate';
import type { GateReport } from './report';

/** Minutes of grants shown, newest (the one under way) last. */
export const SHOWN_MINUTES = 5;
const LABEL_WIDTH = 14;

export function formatCapacityReport(reports: readonly GateReport[], now: Date): string[] {
  return [
    ...reports.flatMap((report, i) => [...(i > 0 ? [''] : []), ...formatGateReport(report, now)]),
    '',
    `${plural(reports.length, 'gate')} running, as of ${formatTimestamp(now)}`,
  ];
}

/** The one-line answer when no gate runs (exit status 0: no storm is not an error). */
export function formatNoGate(namespace: string, instanceId?: string): string {
  return instanceId !== undefined
    ? `no running gate for instance ${instanceId} in namespace "${namespace}" (no task-quota failure is waiting for capacity there)`
    : `no running capacity gate in namespace "${namespace}" (no task-quota failure is waiting for capacity)`;
}

export function formatGateReport(report: GateReport, now: Date): string[] {
  const header = `instance ${report.instanceId}  (workflow ${report.workflowId})`;
  const { status } = report;
  if (!status) return [header, field('status', `no answer: ${report.problem ?? 'unknown reason'}`)];
  // `source` is required by the contract; read defensively all the same, so no gate can crash this.
  const source = status.settings?.source ?? status.source?.source ?? 'unknown source';
  const quota = status.settings?.quota ?? status.source?.quota;
  return [
    header,
    field('source', sourceText(source, quota, status.window)),
    field('open tasks', openTasksText(status.lastOpenTasks, quota, source)),
    field('queue', queueText(status)),
    field('in flight', plural(status.inFlight, 'permit')),
    field('grants/minute', grantsText(status.grantsPerMinute, now.getTime())),
    field('grant budget', budgetText(status)),
    field('setting from', settingFromText(status)),
    field(
      'counters',
      `admitted ${status.admitted}, created ${status.created}, quota errors ${status.quotaErrors}, reclaimed ${status.reclaimed}`,
    ),
    field('drain estimate', report.drainEstimate ? drainText(report.drainEstimate, status) : 'unknown'),
  ];
}

const field = (label: string, value: string) => `  ${label.padEnd(LABEL_WIDTH)}  ${value}`;

function sourceText(source: string, quota: number | undefined, window: number): string {
  const parts = [source];
  if (quota !== undefined) parts.push(`quota ${quota}`);
  if (source === 'probe') parts.push(`window ${formatRate(window)}`);
  return parts.join(', ');
}

function openTasksText(open: number | undefined, quota: number | undefined, source: string): string {
  if (open === undefined)
    return source === 'probe' ? 'not read (the probe source reads no metrics)' : 'not read yet';
  if (quota === undefined) return String(open);
  return `${open} of ${quota}${open >= quota ? ' (full)' : ''}`;
}

function queueText(status: CapacityGateStatus): string {
  const waiting = `${status.queueLength} waiting`;
  if (status.overflowLength === undefined) return waiting;
  if (status.overflowLength === 0) return `${waiting}, none in overflow chunks`;
  const chunks =
    status.overflowChunks !== undefined ? plural(status.overflowChunks, 'overflow chunk') : 'overflow chunks';
  return `${waiting}, ${status.overflowLength} of them in ${chunks}`;
}

function grantsText(history: CapacityGateStatus['grantsPerMinute'], now: number): string {
  if (history === undefined) return 'not reported by this gate';
  const minutes = grantMinutes(history, now, SHOWN_MINUTES);
  if (minutes.length === 0) return 'none yet';
  return minutes.map((m) => `${formatClock(m.start)} ${m.grants}${m.complete ? '' : ' so far'}`).join(', ');
}

function budgetText(status: CapacityGateStatus): string {
  if (!status.settings) return 'unknown (this gate predates recorded settings)';
  const budget = status.settings.grantsPerSecond;
  return budget === undefined ? 'not set' : `${formatRate(budget)}/s`;
}

function settingFromText(status: CapacityGateStatus): string {
  if (!status.settings) return 'unknown (this gate predates recorded settings)';
  const { policy, setHash } = status.settings;
  const parts = [policy && `policy ${policy}`, setHash && `policy set ${setHash}`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'unknown';
}

function drainText(estimate: DrainEstimate, status: CapacityGateStatus): string {
  switch (estimate.basis) {
    case 'empty':
      return 'nothing queued';
    case 'recent-grants':
      return `~${formatSeconds(estimate.seconds)} (${status.queueLength} queued ÷ ${formatRate(estimate.grantsPerMinute)} grants/min, mean of the last ${plural(estimate.minutes, 'complete minute')})`;
    case 'grant-budget':
      return `at least ${formatSeconds(estimate.seconds)} (${status.queueLength} queued at the grant budget of ${formatRate(estimate.grantsPerSecond)}/s; ${estimate.why})`;
    case 'unknown':
      return `unknown (${estimate.why})`;
  }
}

function formatSeconds(seconds: number): string {
  return seconds < 1 ? 'under a second' : formatAge(seconds * 1000);
}

/** 103.25 → "103.3", 5 → "5". */
function formatRate(rate: number): string {
  return String(Number(rate.toFixed(1)));
}

/** A minute as "04:31Z" (UTC, like the runs commands' timestamps). */
function formatClock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}
