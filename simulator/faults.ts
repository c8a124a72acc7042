/**
 * Fault injection: the next N calls of an operation fail with a chosen AWS error, the next N
 * PutEvents entries fail with a chosen ErrorCode, and answers are delayed. Everything is O(1)-ish
 * per call so a quota storm pays nothing for unused faults. (Rate limits are not faults: AWS
 * enforces them all the time; see rate-limits.ts.)
 */
import type { FaultSpec, FaultsView, PutEventsEntryErrorCode, SimulatedOperation } from './types';

export interface CallFault {
  error: string;
  message?: string;
}

export class FaultInjector {
  private errors: FaultsView['errors'] = [];
  private entryErrors: FaultsView['entryErrors'] = [];
  private readonly latency = new Map<SimulatedOperation, number>();

  apply(spec: FaultSpec): void {
    for (const fault of spec.errors ?? []) {
      this.errors.push({ ...fault, count: fault.count ?? 1 });
    }
    for (const fault of spec.entryErrors ?? []) {
      this.entryErrors.push({ ...fault, count: fault.count ?? 1 });
    }
    for (const [operation, ms] of entriesOf(spec.latencyMs)) {
      if (ms === null || ms === 0) this.latency.delete(operation);
      else this.latency.set(operation, ms);
    }
  }

  clear(): void {
    this.errors = [];
    this.entryErrors = [];
    this.latency.clear();
  }

  latencyFor(operation: SimulatedOperation): number {
    return this.latency.get(operation) ?? 0;
  }

  /** The injected error this call must fail with, if any. */
  takeCallFault(operation: SimulatedOperation): CallFault | undefined {
    const index = this.errors.findIndex((fault) => fault.operation === operation);
    if (index >= 0) {
      const fault = this.errors[index]!;
      fault.count -= 1;
      if (fault.count <= 0) this.errors.splice(index, 1);
      return { error: fault.error, ...(fault.message !== undefined ? { message: fault.message } : {}) };
    }
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
      latencyMs: Object.fromEntries(this.latency),
    };
  }
}

function entriesOf<V>(record: Partial<Record<SimulatedOperation, V>> | undefined): [SimulatedOperation, V][] {
  return Object.entries(record ?? {}) as [SimulatedOperation, V][];
}
