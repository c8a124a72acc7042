/** The quota-storm benchmark's command line. */
import { Command, InvalidArgumentError } from 'commander';
import { fraction, positiveInt, positiveNumber } from '../options';

export interface StormOptions {
  events: number;
  quota: number;
  /** Steady scenario: how long each task stays open (ms). Ignored with --bulk-free. */
  lifetime: number;
  source: 'metrics' | 'probe';
  naive: boolean;
  /**
   * Requests/s of StartTaskContact and DescribeRule, in the simulator and in the policy file;
   * undefined (`--rate aws`): AWS's default limits.
   */
  rate?: number;
  /** The engine's share of each rate limit (policy `apiRateLimits.share`). */
  share: number;
  bulkFree: boolean;
  /**
   * The N failures are throttles (retryable) on an instance with room for all of them: each run
   * retries on its own backoff (the shipped `transient` policy) — the retry path, not the gate.
   */
  throttled: boolean;
  /** Bulk-free scenario: how long to wait for all runs to queue before the first bulk free (s). */
  queueTimeout: number;
  /** How the product runs: its processes started one by one, or the embedded stack (`dev`). */
  via: 'processes' | 'dev';
  /** `processes`: restart the worker twice mid-storm (SIGTERM at a third, SIGKILL at two thirds). */
  restartWorker: boolean;
  /** Capacity gates the worker caches (WORKER_MAX_CACHED_GATES); 0 replays every gate task. */
  gateCache?: number;
  /** Remediation runs whose histories are read, counted and replayed (all gate runs always are). */
  sample: number;
}

/**
 * The defaults make a run of a few minutes (events posted, drained, histories replayed, then the
 * naive loop): N = 300 ≫ Q = 50 at 10 requests/s. AWS's own rate (1.8/s for StartTaskContact) and
 * N = 2,000 are the long variants docs/performance.md prices ("Running time").
 */
export const STORM_DEFAULTS = { events: 300, quota: 50, rate: 10 } as const;

function rateOption(value: string): number | undefined {
  return value === 'aws' ? undefined : positiveNumber(value);
}

export function parseStormOptions(args: string[]): StormOptions {
  return new Command('quota-storm')
    .option('--events <n>', 'failure events at once (N)', positiveInt, STORM_DEFAULTS.events)
    .option('--quota <q>', 'active-tasks quota of the instance (Q)', positiveInt, STORM_DEFAULTS.quota)
    .option('--lifetime <ms>', 'steady scenario: how long each task stays open', positiveInt, 2000)
    .option(
      '--source <source>',
      'gate capacity source: metrics | probe',
      (v: string) => {
        if (v !== 'metrics' && v !== 'probe') throw new InvalidArgumentError('expected metrics or probe');
        return v;
      },
      'metrics',
    )
    .option(
      '--rate <n>',
      "StartTaskContact and DescribeRule rate limit, requests/s (burst 2n), in the simulator and the policy's apiRateLimits; `aws`: AWS's defaults (1.8/s StartTaskContact, slow: see docs/performance.md)",
      rateOption,
      STORM_DEFAULTS.rate,
    )
    .option(
      '--share <f>',
      "the engine's share of each rate limit (policy apiRateLimits.share)",
      fraction,
      0.9,
    )
    .option(
      '--bulk-free',
      'stale tasks never expire; the oldest Q are completed at once whenever the quota is full and runs wait',
      false,
    )
    .option(
      '--queue-timeout <s>',
      '--bulk-free: longest wait for all N runs to queue at the gate before the first bulk free',
      positiveInt,
      600,
    )
    .option(
      '--throttled',
      'the N failures are ThrottlingException on an instance with free capacity (quota raised to N): the retry path, no gate and no naive loop',
      false,
    )
    .option('--no-naive', 'skip the naive per-run backoff loop')
    .option(
      '--via <how>',
      'processes: simulator, worker and ingress started one by one; dev: `connect-remediator dev` (npm start)',
      (v: string) => {
        if (v !== 'processes' && v !== 'dev') throw new InvalidArgumentError('expected processes or dev');
        return v;
      },
      'processes',
    )
    .option(
      '--restart-worker',
      '--via processes: SIGTERM the worker a third of the way, SIGKILL it at two thirds',
      false,
    )
    .option(
      '--gate-cache <n>',
      'capacity gates the worker caches (0: every gate workflow task replays)',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new InvalidArgumentError('expected a whole number, 0 or more');
        return n;
      },
    )
    .option('--sample <n>', 'remediation runs whose histories are read and replayed', positiveInt, 200)
    .exitOverride()
    .parse(args, { from: 'user' })
    .opts<StormOptions>();
}
