/**
 * The capacity gate's books, without side effects (capacity-gate.ts wires them to activities and
 * timers): how fast it may admit (the StartTaskContact budget as a token bucket), how many it may
 * admit when it cannot read Connect's metrics (an AIMD window on re-issue outcomes), when it backs
 * off after AWS said the quota was full, and what it tells people (counts, grants per minute).
 *
 * The books hold no waiter: the waiting runs are tasks in the instance's waiting-room task queue,
 * which Temporal keeps durable and ordered (see docs/capacity-gate.md). So what the gate carries
 * across continue-as-new is the same few hundred bytes whether ten runs wait or a hundred thousand.
 * Deterministic and pure, so it is unit-tested directly.
 */
import type { GateSettings } from '../activities/capacity';
import type { GateStats } from './capacity-definitions';

/** What an admitted re-issue came to, as the books count it. */
export type SettledKind =
  'created' | 'quota-exceeded' | 'transient' | 'failed' | 'cancelled' | 'gone' | 'handed-back';

/** Pacing burst: admissions may run this many seconds ahead of the grant rate. */
const PACE_BURST_SECONDS = 2;
/** Back-off after AWS refused a re-issue for a full quota: doubles up to this. */
const MAX_COOLDOWN_MS = 30_000;
const QUOTA_COOLDOWN_MS = 1_000;
/** After a transient AWS answer (throttling, 5xx), a short pause before admitting more. */
const TRANSIENT_COOLDOWN_MS = 1_000;
/** The probe window never grows past this (a quota is at most a few tens of thousands). */
const MAX_WINDOW = 100_000;
const MINUTE_MS = 60_000;
/** Minutes of grants kept for `capacity` (its drain estimate and chart). */
const GRANT_HISTORY_MINUTES = 15;

export interface GrantsInMinute {
  /** Start of the minute (epoch ms). */
  minute: number;
  grants: number;
}

/** What the gate carries across continue-as-new. */
export interface GateBooks {
  /** The instance's capacity setting, from the worker's policy file at the latest round. */
  settings?: GateSettings;
  /** Probe source: re-issues the gate may have out at once (grows on success, halves on a refusal). */
  window: number;
  cooldownMs: number;
  /** No admission before this (epoch ms). */
  cooldownUntil: number;
  /** Token bucket of the StartTaskContact budget. */
  pace: { tokens: number; at: number };
  stats: GateStats;
  grantsPerMinute: GrantsInMinute[];
}

export function newBooks(now: number): GateBooks {
  return {
    window: 1,
    cooldownMs: 0,
    cooldownUntil: 0,
    pace: { tokens: 0, at: now },
    stats: { admitted: 0, created: 0, quotaErrors: 0, transientErrors: 0, failed: 0, cancelled: 0 },
    grantsPerMinute: [],
  };
}

export function coolingDown(books: GateBooks, now: number): boolean {
  return now < books.cooldownUntil;
}

/** Probe source (or metrics that cannot be read): free slots by the window. */
export function probeSlots(books: GateBooks, inFlight: number): number {
  return Math.max(0, Math.floor(books.window) - inFlight);
}

function refill(books: GateBooks, now: number): number {
  const rate = books.settings?.grantsPerSecond;
  if (!rate) return Infinity;
  const burst = Math.max(1, rate * PACE_BURST_SECONDS);
  books.pace.tokens = Math.min(burst, books.pace.tokens + ((now - books.pace.at) / 1000) * rate);
  books.pace.at = now;
  return books.pace.tokens;
}

/** Admissions the budget allows now (Infinity without a budget). */
export function paceAllows(books: GateBooks, now: number): number {
  const tokens = refill(books, now);
  return Number.isFinite(tokens) ? Math.floor(tokens) : Infinity;
}

/** Ms until the budget allows one more admission (0 when it does now). */
export function paceWaitMs(books: GateBooks, now: number): number {
  const rate = books.settings?.grantsPerSecond;
  const tokens = refill(books, now);
  if (!rate || tokens >= 1) return 0;
  return Math.ceil(((1 - tokens) / rate) * 1000);
}

/** `count` runs were taken from the waiting room and are being re-issued. */
export function admitted(books: GateBooks, count: number, now: number): void {
  if (count <= 0) return;
  if (books.settings?.grantsPerSecond) books.pace.tokens -= count;
  books.stats.admitted += count;
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const history = books.grantsPerMinute;
  const last = history[history.length - 1];
  if (last && last.minute === minute) last.grants += count;
  else history.push({ minute, grants: count });
  if (history.length > GRANT_HISTORY_MINUTES) history.splice(0, history.length - GRANT_HISTORY_MINUTES);
}

/** What one admitted re-issue came to: the window, the back-off and the counts follow it. */
export function settled(books: GateBooks, kind: SettledKind, now: number): void {
  const { stats } = books;
  switch (kind) {
    case 'created':
      stats.created++;
      books.window = Math.min(books.window + 1 / books.window, MAX_WINDOW);
      books.cooldownMs = 0;
      return;
    case 'quota-exceeded':
      // The estimate was wrong (another caller took the slot, or metrics lag): shrink, back off.
      stats.quotaErrors++;
      books.window = Math.max(1, books.window / 2);
      books.cooldownMs = Math.min(Math.max(books.cooldownMs * 2, QUOTA_COOLDOWN_MS), MAX_COOLDOWN_MS);
      books.cooldownUntil = Math.max(books.cooldownUntil, now + books.cooldownMs);
      return;
    case 'transient':
      stats.transientErrors++;
      books.cooldownUntil = Math.max(books.cooldownUntil, now + TRANSIENT_COOLDOWN_MS);
      return;
    case 'failed':
      stats.failed++;
      return;
    case 'cancelled':
    case 'gone':
    case 'handed-back':
      stats.cancelled++;
      return;
  }
}
