/**
 * The two ways capacity comes back during a storm, and the limits that bound how fast it can drain.
 *
 * - steady (default): every task lives `--lifetime` ms, so capacity trickles back one task at a
 *   time — the quota bounds the drain at N × lifetime ÷ Q.
 * - bulk-free (`--bulk-free`): what ops actually do in an incident. The tasks open before the storm
 *   are stale and never expire; once every run has queued, someone bulk-closes the oldest Q, and
 *   again each time the re-issued tasks fill the quota back up. Capacity always arrives Q at a
 *   time, which is the hard case for a gate: Q permits at once, Q re-issues at once, against the
 *   account's StartTaskContact and DescribeRule rate limits. The quota no longer bounds the drain
 *   (it frees the moment it is full); the rate limits do.
 */
import type { RateLimit, SimulatorAdminClient, SimulatorConfigPatch } from '../../simulator';
import { addStormInstance, fillToQuota, type StormInstance } from '../../simulator/quota-storm';
import type { StormOptions } from './options';

/** The operations a re-issue calls once each: DescribeRule, then StartTaskContact. */
export const REISSUE_OPERATIONS = ['StartTaskContact', 'DescribeRule'] as const;

export function simulatorSettings(options: StormOptions): SimulatorConfigPatch {
  return {
    // Bulk-free: no task ends by itself, before the storm or after; only bulk frees end them.
    taskLifetimeMs: options.bulkFree ? null : options.lifetime,
    requestLogSize: 1000,
  };
}

export type ReissueLimits = Record<(typeof REISSUE_OPERATIONS)[number], RateLimit | null>;

/**
 * `--rate n`: n/s, burst 2n, for both re-issue operations; without it AWS's defaults stay. Applied
 * before each path, so each starts with full buckets. Returns the limits in force.
 */
export async function applyRateLimits(
  admin: SimulatorAdminClient,
  options: StormOptions,
): Promise<ReissueLimits> {
  if (options.rate !== undefined) {
    const limit = { rate: options.rate, burst: Math.max(1, Math.round(2 * options.rate)) };
    await admin.configure({ rateLimits: { StartTaskContact: limit, DescribeRule: limit } });
  }
  const { rateLimits } = await admin.config();
  return { StartTaskContact: rateLimits.StartTaskContact, DescribeRule: rateLimits.DescribeRule };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export interface IdealDrain {
  /** Steady scenario: N tasks, Q at a time, each open `lifetime`. Null with --bulk-free. */
  quotaBoundIdealSeconds: number | null;
  /** N re-issues at the engine's budget (rate × share) of the slower re-issue operation. */
  rateBoundIdealSeconds: number | null;
}

export function idealDrain(options: StormOptions, limits: ReissueLimits): IdealDrain {
  const rates = REISSUE_OPERATIONS.map((op) => limits[op]?.rate).filter((r) => r !== undefined);
  return {
    quotaBoundIdealSeconds: options.bulkFree
      ? null
      : round((options.events * options.lifetime) / options.quota / 1000),
    rateBoundIdealSeconds:
      rates.length === 0 ? null : round(options.events / (Math.min(...rates) * options.share)),
  };
}

/** Drain time over the binding one of the two ideals (the larger); null when neither applies. */
export function drainToIdealRatio(drainSeconds: number, ideal: IdealDrain): number | null {
  const bound = Math.max(ideal.quotaBoundIdealSeconds ?? 0, ideal.rateBoundIdealSeconds ?? 0);
  return bound > 0 ? round(drainSeconds / bound) : null;
}

export interface BulkFreer {
  bulkFrees(): number;
  stop(): Promise<void>;
}

/** How often the bulk freer looks at the instance (admin API: not rate limited, not counted). */
const BULK_FREE_POLL_MS = 200;

/**
 * Completes the oldest Q open tasks at once whenever the instance is full and runs still wait
 * (`stillWaiting` is asked only then, so it may be a query). Call it once every run has queued.
 */
export function startBulkFreer(
  admin: SimulatorAdminClient,
  instance: StormInstance,
  quota: number,
  stillWaiting: () => Promise<boolean>,
  log: (line: string) => void,
): BulkFreer {
  let frees = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const { openTasks } = await admin.instance(instance.instanceId);
        if (openTasks >= quota && (await stillWaiting()) && !stopped) {
          const completed = await admin.completeOldestTasks({
            instanceId: instance.instanceId,
            count: quota,
          });
          frees += 1;
          log(`bulk free ${frees}: completed the ${completed.length} oldest tasks`);
        }
      } catch (err) {
        // A missed look only delays the next free by one poll; the storm must not lose its freer.
        log(`bulk freer: ${(err as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, BULK_FREE_POLL_MS));
    }
  })();
  return {
    bulkFrees: () => frees,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Calls `describe` every 10 s and logs its line; a slow describe skips a beat instead of piling up. */
export function startProgress(describe: () => Promise<string>, log: (line: string) => void): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    describe()
      .then(log, (err: unknown) => log(`progress unavailable: ${(err as Error).message}`))
      .finally(() => (busy = false));
  }, 10_000);
  return () => clearInterval(timer);
}

/** The storm's instance: created, then filled to quota (that is why the rule actions failed). */
export async function fullInstance(
  endpoint: string,
  admin: SimulatorAdminClient,
  quota: number,
): Promise<StormInstance> {
  const instance = await addStormInstance(admin, quota);
  await fillToQuota(endpoint, instance, quota);
  return instance;
}
