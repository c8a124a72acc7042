/** What every benchmark module exports; bench/run.ts prints its result as one JSON line. */
export interface Benchmark {
  /** `args`: what follows the benchmark name on the command line. Progress goes to `log` (stderr). */
  run(args: string[], log: (line: string) => void): Promise<Record<string, unknown>>;
}

export interface BenchmarkEntry {
  description: string;
  benchmark: Benchmark;
}
