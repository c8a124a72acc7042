/**
 * The registry `npm run bench -- <name>` dispatches on. A new benchmark is one module exporting
 * `run` (see benchmark.ts) plus one line here.
 */
import type { BenchmarkEntry } from './benchmark';
import * as ingest from './ingest';

export const BENCHMARKS: Record<string, BenchmarkEntry> = {
  ingest: {
    description:
      'events/s through POST /events vs client.workflow.start directly, same run (--events N, --concurrency C)',
    benchmark: ingest,
  },
};
