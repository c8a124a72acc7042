/**
 * The engine's share of AWS's API rate limits. AWS limits each API per account and Region, shared
 * by every caller — the contact centre's own integrations too — so the engine takes only a share
 * of each operation's limit (`apiRateLimits.share`, default 0.5), and ops write the limits AWS
 * raised for their account under `apiRateLimits.operations`. The worker turns each budget into a
 * server-side rate limit on that operation's task queue (worker/rate-limited-workers.ts). Pure.
 */
import { BUILTIN_API_SHARE } from './builtin-defaults';

/** Every AWS operation the engine calls, each on its own rate-limited activity task queue. */
export const AWS_OPERATIONS = [
  'StartTaskContact',
  'DescribeRule',
  'GetCurrentMetricData',
  'ListQueues',
  'PutEvents',
] as const;
export type AwsOperation = (typeof AWS_OPERATIONS)[number];

/**
 * AWS's default rates, requests per second (Amazon Connect service quotas, "API throttling
 * quotas": 2/s for most operations, 5/s for GetCurrentMetricData). PutEvents' limit depends on the
 * Region (400/s to 10,000/s): the lowest documented value, far above what the engine needs.
 */
export const AWS_DEFAULT_RATES: Readonly<Record<AwsOperation, number>> = {
  StartTaskContact: 2,
  DescribeRule: 2,
  GetCurrentMetricData: 5,
  ListQueues: 2,
  PutEvents: 400,
};

export interface ApiRateLimits {
  /** Fraction (0, 1] of each operation's limit the engine may use. */
  share: number;
  /** The account's limits, requests per second: AWS's defaults unless ops wrote a raised one. */
  rates: Record<AwsOperation, number>;
}

/** Requests per second the engine may send, per operation (summed over all its workers). */
export type ApiBudgets = Record<AwsOperation, number>;

export function apiRateLimits(file?: {
  share?: number;
  operations?: Partial<Record<AwsOperation, number>>;
}): ApiRateLimits {
  return {
    share: file?.share ?? BUILTIN_API_SHARE,
    rates: { ...AWS_DEFAULT_RATES, ...file?.operations },
  };
}

export function apiBudgets(limits: ApiRateLimits): ApiBudgets {
  const budgets = {} as ApiBudgets;
  for (const operation of AWS_OPERATIONS) budgets[operation] = limits.rates[operation] * limits.share;
  return budgets;
}
