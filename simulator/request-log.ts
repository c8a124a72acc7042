/** Every AWS call the simulator answered: a capped log of the newest, and running counts per operation. */
import { RingBuffer } from './ring-buffer';
import type { OperationCounts, RequestLogEntry, RequestsInSecond, SimulatedOperation } from './types';

export class RequestLog {
  private readonly entries: RingBuffer<RequestLogEntry>;
  private readonly counts = new Map<string, OperationCounts>();
  /** Calls that arrived and are not answered yet (held by injected latency, say), per operation. */
  private readonly unanswered = new Map<string, number>();
  private seq = 0;

  constructor(capacity: number) {
    this.entries = new RingBuffer(capacity);
  }

  record(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const logged = { seq: ++this.seq, ...entry };
    this.entries.push(logged);
    let counts = this.counts.get(entry.operation);
    if (!counts)
      this.counts.set(entry.operation, (counts = { total: 0, succeeded: 0, failed: 0, errors: {} }));
    counts.total += 1;
    if (entry.error === undefined) counts.succeeded += 1;
    else {
      counts.failed += 1;
      counts.errors[entry.error] = (counts.errors[entry.error] ?? 0) + 1;
    }
    return logged;
  }

  /**
   * A call arrived; the returned function marks it answered. Tests use the count to act while a
   * call is at "AWS" (a crash test kills the caller then), not merely started by the caller.
   */
  arrived(operation: string): () => void {
    this.unanswered.set(operation, (this.unanswered.get(operation) ?? 0) + 1);
    return () => {
      const left = (this.unanswered.get(operation) ?? 1) - 1;
      if (left > 0) this.unanswered.set(operation, left);
      else this.unanswered.delete(operation);
    };
  }

  /** Unanswered calls per operation; operations with none are left out. */
  inProgress(): Record<string, number> {
    return Object.fromEntries(this.unanswered);
  }

  newest(count?: number): RequestLogEntry[] {
    return this.entries.toArray(count);
  }

  /**
   * Calls per second of arrival (of one operation, or all), oldest first, computed from the entries
   * the log still holds; seconds without calls are left out.
   */
  perSecond(operation?: SimulatedOperation): RequestsInSecond[] {
    const seconds = new Map<number, RequestsInSecond>();
    for (const entry of this.entries.toArray()) {
      if (operation !== undefined && entry.operation !== operation) continue;
      const second = Math.floor(entry.atMs / 1000);
      let bucket = seconds.get(second);
      if (!bucket) seconds.set(second, (bucket = { second, total: 0, throttled: 0 }));
      bucket.total += 1;
      if (entry.error === 'ThrottlingException') bucket.throttled += 1;
    }
    return [...seconds.values()].sort((a, b) => a.second - b.second);
  }

  countsByOperation(): Record<string, OperationCounts> {
    return Object.fromEntries(
      [...this.counts].map(([operation, counts]) => [operation, { ...counts, errors: { ...counts.errors } }]),
    );
  }

  resize(capacity: number): void {
    this.entries.resize(capacity);
  }

  clear(): void {
    // Unanswered calls stay counted: they are still in progress and will mark themselves answered.
    this.entries.clear();
    this.counts.clear();
    this.seq = 0;
  }
}
