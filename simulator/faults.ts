/**
 * Fault injection: the next N calls of an operation fail with a chosen AWS error, the next N
 * PutEvents entries fail with a chosen ErrorCode, calls above a rate are throttled, and answers are
 * delayed. Everything is O(1)-ish per call so a quota storm pays nothing for unused faults.
 */
import type { FaultSpec, FaultsView, PutEventsEntryErrorCode, SimulatedOperation } from './types';

/** A token bucket holding up to one second of calls: bursts up to `tps`, then `tps` per second. */
class RateLimit {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    readonly tps: number,
    nowMs: number,
  ) {
    this.tokens = Math.max(1, tps);
    this.lastRefillMs = nowMs;
  }

  tryTake(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.lastRefillMs);
    this.tokens = Math.min(Math.max(1, this.tps), this.tokens + (elapsedMs * this.tps) / 1000);
    this.lastRefillMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface CallFault {
  error: string;
  message?: string;
}

export const THROTTLED_MESSAGE = 'Rate exceeded';

export class FaultInjector {
  private errors: FaultsView['errors'] = [];
  private entryErrors: FaultsView['entryErrors'] = [];
  private readonly rateLimits = new Map<SimulatedOperation, RateLimit>();
  private readonly latency = new Map<SimulatedOperation, number>();

  apply(spec: FaultSpec, nowMs: number): void {
    for (const fault of spec.errors ?? []) {
      this.errors.push({ ...fault, count: fault.count ?? 1 });
    }
    for (const fault of spec.entryErrors ?? []) {
      this.entryErrors.push({ ...fault, count: fault.count ?? 1 });
    }
    for (const [operation, tps] of entriesOf(spec.throttleTps)) {
      if (tps === null) this.rateLimits.delete(operation);
      else this.rateLimits.set(operation, new RateLimit(tps, nowMs));
    }
    for (const [operation, ms] of entriesOf(spec.latencyMs)) {
      if (ms === null || ms === 0) this.latency.delete(operation);
      else this.latency.set(operation, ms);
    }
  }

  clear(): void {
    this.errors = [];
    this.entryErrors = [];
    this.rateLimits.clear();
    this.latency.clear();
  }

  latencyFor(operation: SimulatedOperation): number {
    return this.latency.get(operation) ?? 0;
  }

  /** The error this call must fail with, if any: an injected error first, then the rate limit. */
  takeCallFault(operation: SimulatedOperation, nowMs: number): CallFault | undefined {
    const index = this.errors.findIndex((fault) => fault.operation === operation);
    if (index >= 0) {
      const fault = this.errors[index]!;
      fault.count -= 1;
      if (fault.count <= 0) this.errors.splice(index, 1);
      return { error: fault.error, ...(fault.message !== undefined ? { message: fault.message } : {}) };
    }
    const limit = this.rateLimits.get(operation);
    if (limit && !limit.tryTake(nowMs)) return { error: 'ThrottlingException', message: THROTTLED_MESSAGE };
    return undefined;
  }

  /** The ErrorCode the next otherwise-valid PutEvents entry must fail with, if any. */
  takeEntryFault(): { errorCode: PutEventsEntryErrorCode; errorMessage?: string } | undefined {
    const fault = this.entryErrors[0];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.entryErrors.shift();
    return {
      errorCode: fault.errorCode,
      ...(fault.errorMessage ? { errorMessage: fault.errorMessage } : {}),
    };
  }

  view(): FaultsView {
    return {
      errors: this.errors.map((fault) => ({ ...fault })),
      entryErrors: this.entryErrors.map((fault) => ({ ...fault })),
      throttleTps: Object.fromEntries(
        [...this.rateLimits].map(([operation, limit]) => [operation, limit.tps]),
      ),
      latencyMs: Object.fromEntries(this.latency),
    };
  }
}

function entriesOf<V>(record: Partial<Record<SimulatedOperation, V>> | undefined): [SimulatedOperation, V][] {
  return Object.entries(record ?? {}) as [SimulatedOperation, V][];
}
