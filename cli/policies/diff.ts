/**
 * `policies diff <old> <new>`: which failures would be treated differently under the new policy
 * file — those of the remediation runs started in a window (`--since`), read back from Temporal,
 * or those of cases files (`--cases`). Exit status 0 when nothing changes, 1 when something does
 * (a CI gate), 2 when a file cannot be loaded or Temporal cannot be read.
 */
import { DecisionDiff } from '../../policies/decision-diff';
import type { TemporalConfig } from '../../worker/config';
import { webUiRunUrl } from '../../worker/config';
import { withClient } from '../../worker/temporal-connection';
import { runsQuery } from '../runs';
import { displayPath } from './display';
import { diffJson, formatDiffReport, type DiffReport, type DiffSource, type ItemRef } from './diff-report';
import { terminalProgress } from '../../worker/terminal-progress';
import { EXIT_CHANGED, EXIT_ERROR, EXIT_OK, loadCasesFiles, loadPolicies } from './run-cases';
import { HISTORY_READ_PARALLELISM, readWindowRuns, type SkippedRun, type TemporalCalls } from './window-runs';

export const DEFAULT_DIFF_LIMIT = 10_000;

export interface DiffOptions {
  oldFile: string;
  newFile: string;
  /** The window, as written (`7d`) and in ms. */
  since?: { text: string; ms: number };
  cases?: string[];
  limit: number;
  json: boolean;
}

export async function policiesDiff(options: DiffOptions, temporal: TemporalConfig): Promise<number> {
  if (options.since && options.cases?.length) {
    console.error('policies diff: give either --since (compare over recent runs) or --cases, not both');
    return EXIT_ERROR;
  }
  if (!options.since && !options.cases?.length) {
    console.error(
      'policies diff: nothing to compare over: give --since <duration> (runs started within it, e.g. 7d) or --cases <file…>',
    );
    return EXIT_ERROR;
  }
  const [before, after] = [await loadPolicies(options.oldFile), await loadPolicies(options.newFile)];
  if (!before || !after) return EXIT_ERROR;
  const diff = new DecisionDiff<ItemRef>(before.set, after.set);
  const started = performance.now();

  let source: DiffSource;
  let skipped: SkippedRun[] = [];
  let temporalCalls: TemporalCalls | undefined;
  if (options.since) {
    const now = new Date();
    const query = runsQuery({ sinceMs: options.since.ms }, now);
    const progress = terminalProgress();
    try {
      const read = await withClient(temporal, (client) =>
        readWindowRuns(client, {
          query,
          limit: options.limit,
          onEvent: (run, event) =>
            diff.add({ ref: { kind: 'run', ...run, url: runUrl(temporal, run) }, event }),
          onProgress: ({ listed, read }) =>
            progress.update(
              `policies diff: ${listed} run(s) listed, ${read} read, ${diff.changedCount} changed`,
            ),
        }),
      );
      skipped = read.skipped;
      temporalCalls = read.calls;
      source = {
        kind: 'runs',
        since: options.since.text,
        from: new Date(now.getTime() - options.since.ms).toISOString(),
        query,
        limit: options.limit,
        limitReached: read.limitReached,
        historyReadParallelism: HISTORY_READ_PARALLELISM,
      };
    } catch (err) {
      console.error(`policies diff: cannot read the runs from Temporal: ${(err as Error).message}`);
      return EXIT_ERROR;
    } finally {
      progress.done();
    }
  } else {
    const loaded = await loadCasesFiles(options.cases!);
    if (!loaded) return EXIT_ERROR;
    for (const { file, cases } of loaded)
      for (const testCase of cases)
        diff.add({
          ref: { kind: 'case', name: testCase.name, file, line: testCase.line },
          event: testCase.event,
        });
    source = { kind: 'cases', files: loaded.map(({ file }) => file) };
  }

  const report: DiffReport = {
    old: { file: displayPath(options.oldFile), hash: before.set.hash },
    new: { file: displayPath(options.newFile), hash: after.set.hash },
    source,
    compared: diff.compared,
    changed: diff.changedCount,
    unchanged: diff.compared - diff.changedCount,
    skipped,
    ...(temporalCalls ? { temporalCalls } : {}),
    elapsedMs: Math.round(performance.now() - started),
    pairs: diff.result(),
  };
  console.log(options.json ? JSON.stringify(diffJson(report), null, 2) : formatDiffReport(report).join('\n'));
  return report.changed ? EXIT_CHANGED : EXIT_OK;
}

/** The run itself (not the latest run of its workflow id) in the Web UI. */
function runUrl(temporal: TemporalConfig, run: { workflowId: string; runId: string }): string {
  return `${webUiRunUrl(temporal, run.workflowId)}/${encodeURIComponent(run.runId)}`;
}
