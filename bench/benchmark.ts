/** What every benchmark module exports; bench/run.ts prints its result as one JSON line. */
export interface Benchmark {
  /**
   * `args`: what follows the benchmark name on the command line. Log lines go to `log` (stderr);
   * `progress` replaces the one live status line (drawn only when stderr is a terminal).
   */
  run(
    args: string[],
    log: (line: string) => void,
    progress: (status: string) => void,
  ): Promise<Record<string, unknown>>;
}

export interface BenchmarkEntry {
  description: string;
  benchmark: Benchmark;
}
