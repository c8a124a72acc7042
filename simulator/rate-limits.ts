/**
 * AWS's API rate limits, as token buckets: one bucket per operation for the simulator's account and
 * Region, shared by every caller and every Connect instance (AWS throttles per account and Region,
 * not per instance). A bucket holds `burst` tokens, starts full and refills at `rate` tokens per
 * second; a call takes one token or is throttled. A throttled call never reaches the service.
 *
 * Defaults are AWS's documented defaults:
 * - Amazon Connect, "API throttling quotas" in the service quotas page of the Administrator Guide
 *   (https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html) and the
 *   API Reference's "Throttling limits" (5/s burst 8 for GetCurrentMetricData, 2/s burst 5 for the
 *   rest unless listed); StopContact is listed at 10/s burst 15 (Service Quotas code L-650BD10F).
 * - EventBridge PutEvents: see PUT_EVENTS_TPS_BY_REGION.
 */
import type { RateLimit, RateLimits, RateLimitsSetting, SimulatedOperation } from './types';
import { SIMULATED_OPERATIONS } from './types';

/** Amazon Connect's default rate limits, per account and Region. */
export const CONNECT_RATE_LIMITS = {
  StartTaskContact: { rate: 2, burst: 5 },
  StopContact: { rate: 10, burst: 15 },
  DescribeRule: { rate: 2, burst: 5 },
  GetCurrentMetricData: { rate: 5, burst: 8 },
  ListQueues: { rate: 2, burst: 5 },
} as const satisfies Record<Exclude<SimulatedOperation, 'PutEvents' | 'GetMetricData'>, RateLimit>;

/**
 * CloudWatch GetMetricData: 50 transactions per second by default (CloudWatch's service quotas,
 * "GetMetricData"); AWS documents no burst, so one second's worth.
 */
export const CLOUDWATCH_RATE_LIMITS = {
  GetMetricData: { rate: 50, burst: 50 },
} as const satisfies Record<'GetMetricData', RateLimit>;

/**
 * "PutEvents throttle limit in transactions per second" (Service Quotas code L-9B653E91), from the
 * EventBridge User Guide's quotas page (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html,
 * source awsdocs/amazon-eventbridge-user-guide doc_source/eb-quota.md). Regions not listed there
 * get PUT_EVENTS_TPS_ELSEWHERE ("each of the other supported Regions").
 */
export const PUT_EVENTS_TPS_BY_REGION: Readonly<Record<string, number>> = {
  'us-east-1': 10_000,
  'us-east-2': 2_400,
  'us-west-1': 1_200,
  'us-west-2': 10_000,
  'ap-east-1': 600,
  'ap-northeast-1': 1_200,
  'ap-northeast-2': 600,
  'ap-south-1': 600,
  'ap-southeast-1': 1_200,
  'ap-southeast-2': 1_200,
  'ca-central-1': 600,
  'eu-central-1': 2_400,
  'eu-north-1': 600,
  'eu-south-2': 2_400,
  'eu-west-1': 10_000,
  'eu-west-2': 1_200,
  'eu-west-3': 600,
  'sa-east-1': 600,
};
export const PUT_EVENTS_TPS_ELSEWHERE = 400;

/**
 * AWS's default limits in a Region. AWS documents no burst for PutEvents: the simulator allows one
 * second's worth (burst = rate).
 */
export function defaultRateLimits(region: string): RateLimits {
  const putEvents = PUT_EVENTS_TPS_BY_REGION[region] ?? PUT_EVENTS_TPS_ELSEWHERE;
  return {
    ...CONNECT_RATE_LIMITS,
    PutEvents: { rate: putEvents, burst: putEvents },
    ...CLOUDWATCH_RATE_LIMITS,
  };
}

/** Tokens for one operation: up to `burst`, refilled at `rate` per second, starting full. */
class TokenBucket {
  private tokens: number;

  constructor(
    private readonly limit: RateLimit,
    private lastRefillMs: number,
  ) {
    this.tokens = limit.burst;
  }

  tryTake(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.lastRefillMs);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsedMs * this.limit.rate) / 1000);
    this.lastRefillMs = Math.max(this.lastRefillMs, nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const sameLimit = (a: RateLimit | null, b: RateLimit | null) =>
  a === b || (a !== null && b !== null && a.rate === b.rate && a.burst === b.burst);

/**
 * The limits in force: AWS's defaults for the Region, overridden per operation by the settings
 * (null = unlimited). Overrides survive a Region change; operations without one follow the Region.
 */
export class RateLimiter {
  private overrides: Partial<Record<SimulatedOperation, RateLimit | null>> = {};
  private limits: RateLimits;
  private readonly buckets = new Map<SimulatedOperation, TokenBucket>();

  constructor(region: string, setting: RateLimitsSetting | undefined, nowMs: number) {
    this.limits = defaultRateLimits(region);
    this.reset(region, setting, nowMs);
  }

  /** The limits in force, per operation (null = unlimited). */
  effective(): RateLimits {
    return Object.fromEntries(
      SIMULATED_OPERATIONS.map((operation) => {
        const limit = this.limits[operation];
        return [operation, limit === null ? null : { ...limit }];
      }),
    ) as RateLimits;
  }

  /**
   * Applies settings (and the Region they are for). Every operation the settings name, and every
   * one whose limit changed, starts again with a full bucket.
   */
  configure(region: string, setting: RateLimitsSetting | undefined, nowMs: number): RateLimits {
    let named: readonly SimulatedOperation[] = [];
    if (setting === 'off') {
      this.overrides = Object.fromEntries(SIMULATED_OPERATIONS.map((operation) => [operation, null]));
      named = SIMULATED_OPERATIONS;
    } else if (setting === 'aws') {
      this.overrides = {};
      named = SIMULATED_OPERATIONS;
    } else if (setting !== undefined) {
      this.overrides = { ...this.overrides, ...setting };
      named = Object.keys(setting) as SimulatedOperation[];
    }
    const previous = this.limits;
    this.limits = { ...defaultRateLimits(region), ...this.overrides };
    for (const operation of SIMULATED_OPERATIONS) {
      if (named.includes(operation) || !sameLimit(previous[operation], this.limits[operation])) {
        this.refill(operation, nowMs);
      }
    }
    return this.effective();
  }

  /** AWS's defaults for the Region, then `setting`; every bucket full. */
  reset(region: string, setting: RateLimitsSetting | undefined, nowMs: number): RateLimits {
    this.overrides = {};
    this.configure(region, 'aws', nowMs);
    return this.configure(region, setting, nowMs);
  }

  /** Takes a token for a call; false = the call is throttled. */
  tryTake(operation: SimulatedOperation, nowMs: number): boolean {
    const bucket = this.buckets.get(operation);
    return bucket === undefined || bucket.tryTake(nowMs);
  }

  private refill(operation: SimulatedOperation, nowMs: number): void {
    const limit = this.limits[operation];
    if (limit === null) this.buckets.delete(operation);
    else this.buckets.set(operation, new TokenBucket(limit, nowMs));
  }
}
