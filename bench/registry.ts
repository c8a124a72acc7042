/**
 * The registry `npm run bench -- <name>` dispatches on. A new benchmark is one module exporting
 * `run` (see benchmark.ts) plus one line here.
 */
import type { BenchmarkEntry } from './benchmark';
import * as ingest from './ingest';
import * as policiesDiff from './policies-diff';
import * as quotaStorm from './quota-storm';
import * as workerStart from './worker-start';

export const BENCHMARKS: Record<string, BenchmarkEntry> = {
  ingest: {
    description:
      'events/s through POST /events vs client.workflow.start directly, same run (--events N, --concurrency C)',
    benchmark: ingest,
  },
  'policies-diff': {
    description:
      '`policies diff` over N runs in the window (started on an unpolled task queue): wall time and Temporal calls against one list page per 1,000 runs and one history read per run (--runs N, --concurrency C)',
    benchmark: policiesDiff,
  },
  'quota-storm': {
    description:
      'N quota failures at once on quota Q under API rate limits: capacity gate vs a naive per-run backoff loop (--events N, --quota Q, --lifetime ms | --bulk-free, --rate n, --share f, --source metrics|probe, --no-naive); --throttled: N throttles retried on backoff instead (what the retry path costs)',
    benchmark: quotaStorm,
  },
  'worker-start': {
    description:
      'worker cold start from the TypeScript sources (tsx, bundling at start) vs `npm run build`: time to the first poll and peak RSS, median of N starts each (--starts N, --sample-ms ms)',
    benchmark: workerStart,
  },
};
