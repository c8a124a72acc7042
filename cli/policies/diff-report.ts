/**
 * What `policies diff` prints: per pair (old treatment → new treatment) the count, the facets that
 * differ and a few examples — runs with their Web UI links, or cases with where they are written —
 * as text, or as one JSON document (`--json`) with every changed run's id.
 */
import { FACETS, type DecisionFacets, type Facet } from '../../policies/decision-facets';
import type { DiffPair } from '../../policies/decision-diff';
import { formatTimestamp } from '../runs/format-time';
import type { SkippedRun, TemporalCalls } from './window-runs';

export type ItemRef =
  | { kind: 'run'; workflowId: string; runId: string; url: string }
  | { kind: 'case'; name: string; file: string; line: number };

export type DiffSource =
  | {
      kind: 'runs';
      since: string;
      from: string;
      query: string;
      limit: number;
      limitReached: boolean;
      /** History reads in flight at most. */
      historyReadParallelism: number;
    }
  | { kind: 'cases'; files: string[] };

export interface DiffReport {
  old: { file: string; hash: string };
  new: { file: string; hash: string };
  source: DiffSource;
  compared: number;
  changed: number;
  unchanged: number;
  skipped: SkippedRun[];
  /** Runs only: the Temporal calls the command made. */
  temporalCalls?: TemporalCalls;
  elapsedMs: number;
  pairs: DiffPair<ItemRef>[];
}

const texts = (facets: DecisionFacets) =>
  Object.fromEntries(FACETS.map((name) => [name, facets[name].text])) as Record<Facet, string>;

/** The JSON document: facets as text, ids of every changed item, examples of every pair. */
export function diffJson(report: DiffReport): Record<string, unknown> {
  const { pairs, ...rest } = report;
  return {
    ...rest,
    pairs: pairs.map((pair) => ({
      changed: pair.changed,
      count: pair.count,
      old: { label: pair.beforeLabel, facets: texts(pair.before) },
      new: { label: pair.afterLabel, facets: texts(pair.after) },
      differs: pair.differs,
      examples: pair.examples,
      ...(pair.changed ? { items: pair.all.map(refId) } : {}),
    })),
  };
}

const refId = (ref: ItemRef) => (ref.kind === 'run' ? ref.workflowId : ref.name);
const noun = (source: DiffSource) => (source.kind === 'runs' ? 'run(s)' : 'case(s)');

export function formatDiffReport(report: DiffReport): string[] {
  const { source } = report;
  const lines = [
    `policies diff: ${report.old.file} (hash ${report.old.hash}) → ${report.new.file} (hash ${report.new.hash})`,
  ];
  if (source.kind === 'runs') {
    const calls = report.temporalCalls!;
    lines.push(
      `${report.compared} run(s) started since ${formatTimestamp(source.from)} (--since ${source.since}), read with ${calls.listPages} list page(s) and ${calls.historyReads} history read(s)`,
    );
    if (source.limitReached)
      lines.push(`stopped at --limit ${source.limit}: older runs in the window, if any, were not compared`);
  } else {
    lines.push(`${report.compared} case(s) from ${source.files.join(', ')}`);
  }
  if (report.skipped.length) {
    lines.push(`${report.skipped.length} run(s) skipped:`);
    for (const run of report.skipped.slice(0, 5)) lines.push(`  ${run.workflowId}: ${run.reason}`);
    if (report.skipped.length > 5)
      lines.push(`  … and ${report.skipped.length - 5} more (--json lists them all)`);
  }
  lines.push('');
  for (const pair of report.pairs.filter((p) => p.changed)) {
    lines.push(`CHANGED  ${pair.count} ${noun(source)}  ${pair.beforeLabel} → ${pair.afterLabel}`);
    const width = Math.max('e.g.'.length, ...pair.differs.map((facet) => facet.length));
    for (const facet of pair.differs)
      lines.push(`  ${facet.padEnd(width)}  ${pair.before[facet].text} → ${pair.after[facet].text}`);
    pair.examples.forEach((ref, i) =>
      lines.push(`  ${(i === 0 ? 'e.g.' : '').padEnd(width)}  ${describeRef(ref)}`),
    );
    lines.push('');
  }
  // Unchanged treatments by name: those differing only in, say, AWS's retryDelay are one line here.
  const same = new Map<string, number>();
  for (const pair of report.pairs.filter((p) => !p.changed))
    same.set(pair.beforeLabel, (same.get(pair.beforeLabel) ?? 0) + pair.count);
  for (const [label, count] of [...same].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    lines.push(`same     ${count} ${noun(source)}  ${label}`);
  if (same.size) lines.push('');
  lines.push(
    report.changed
      ? `${report.changed} of ${report.compared} ${noun(source)} would be treated differently`
      : `no ${source.kind === 'runs' ? 'run' : 'case'} would be treated differently (${report.compared} compared)`,
  );
  return lines;
}

function describeRef(ref: ItemRef): string {
  return ref.kind === 'run' ? `${ref.workflowId}  ${ref.url}` : `${ref.name}  (${ref.file}:${ref.line})`;
}
