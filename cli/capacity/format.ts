/**
 * The lines `capacity` prints: one block per gate — what it is doing, what limits it (source,
 * quota, open tasks), what waits (the waiting room's backlog), what it admits (re-issues out,
 * grants per minute, the budget and the policy it came from), its counters, and how long the
 * waiting runs would take to drain. Pure; a field the gate has not read yet is said to be missing.
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

/**
 * The one-line answer when no gate runs (exit status 0: no storm is not an error). A gate starts
 * with the first run that waits for capacity on its instance and then runs for good.
 */
export function formatNoGate(namespace: string, instanceId?: string): string {
  return instanceId !== undefined
    ? `no capacity gate runs for instance ${instanceId} in namespace "${namespace}" (none has started: no task-quota failure has waited for capacity there)`
    : `no capacity gate runs in namespace "${namespace}" (none has started: no task-quota failure has waited for capacity)`;
}

export function formatGateReport(report: GateReport, now: Date): string[] {
  const header = `instance ${report.instanceId}  (workflow ${report.workflowId})`;
  const { status } = report;
  if (!status) return [header, field('status', `no answer: ${report.problem ?? 'unknown reason'}`)];
  const source = status.settings?.source ?? 'not read yet';
  const quota = status.settings?.quota;
  const { admitted, created, quotaErrors, transientErrors, failed, cancelled } = status.stats;
  return [
    header,
    field('doing', status.mode),
    field('source', sourceText(source, quota, status.window, status.metricsUnreadable)),
    field('open tasks', openTasksText(status.lastOpenTasks, quota, source)),
    field('waiting', waitingText(status)),
    field('in flight', plural(status.inFlight, 're-issue')),
    field('grants/minute', grantsText(status.grantsPerMinute, now.getTime())),
    field('grant budget', budgetText(status)),
    field('setting from', settingFromText(status)),
    field(
      'counters',
      `admitted ${admitted}, created ${created}, quota errors ${quotaErrors}, transient ${transientErrors}, failed ${failed}, withdrawn ${cancelled}`,
    ),
    field('drain estimate', report.drainEstimate ? drainText(report.drainEstimate, status) : 'unknown'),
  ];
}

const field = (label: string, value: string) => `  ${label.padEnd(LABEL_WIDTH)}  ${value}`;

function sourceText(source: string, quota: number | undefined, window: number, unreadable?: string): string {
  const parts = [source];
  if (quota !== undefined) parts.push(`quota ${quota}`);
  if (unreadable) parts.push(`metrics unreadable (${unreadable}): probing`);
  if (source === 'probe' || unreadable) parts.push(`window ${formatRate(window)}`);
  return parts.join(', ');
}

function openTasksText(open: number | undefined, quota: number | undefined, source: string): string {
  if (open === undefined)
    return source === 'probe' ? 'not read (the probe source reads no metrics)' : 'not read yet';
  if (quota === undefined) return String(open);
  return `${open} of ${quota}${open >= quota ? ' (full)' : ''}`;
}

function waitingText(status: CapacityGateStatus): string {
  if (status.waiting === undefined) return 'not known (the server reports no task-queue backlog)';
  return `about ${plural(status.waiting, 'run')} in the waiting room (Temporal's backlog count, seconds old)`;
}

function grantsText(history: CapacityGateStatus['grantsPerMinute'], now: number): string {
  const minutes = grantMinutes(history, now, SHOWN_MINUTES);
  if (minutes.length === 0) return 'none yet';
  return minutes.map((m) => `${formatClock(m.start)} ${m.grants}${m.complete ? '' : ' so far'}`).join(', ');
}

function budgetText(status: CapacityGateStatus): string {
  if (!status.settings) return 'not read yet';
  const budget = status.settings.grantsPerSecond;
  return budget === undefined ? 'not set' : `${formatRate(budget)}/s`;
}

function settingFromText(status: CapacityGateStatus): string {
  if (!status.settings) return 'not read yet';
  const { policy, setHash } = status.settings;
  const parts = [policy && `policy ${policy}`, setHash && `policy set ${setHash}`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'the built-in setting (no wait-for-capacity policy)';
}

export function drainText(estimate: DrainEstimate, status: CapacityGateStatus): string {
  switch (estimate.basis) {
    case 'empty':
      return 'nothing waiting';
    case 'recent-grants':
      return `~${formatSeconds(estimate.seconds)} (${status.waiting ?? 0} waiting ÷ ${formatRate(estimate.grantsPerMinute)} grants/min, mean of the last ${plural(estimate.minutes, 'complete minute')})`;
    case 'grant-budget':
      return `at least ${formatSeconds(estimate.seconds)} (${status.waiting ?? 0} waiting at the grant budget of ${formatRate(estimate.grantsPerSecond)}/s; ${estimate.why})`;
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
