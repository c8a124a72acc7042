/**
 * The capacity gate's state machine, without side effects (capacity-gate.ts wires it to signals,
 * activities and timers): who waits in which order, which permits are out, what overflows, how
 * fast grants may go. Deterministic and pure, so it is unit-tested directly.
 *
 * Order: higher priority first, then longest waiting (`since`), then workflow id. The gate holds at
 * most HOT_LIMIT waiters itself; beyond that, arrivals go to overflow chunks in arrival order —
 * straight to the open tail chunk (runs ask the gate's `capacityIntake` query where to join), so
 * a flood of arrivals never floods the gate — and chunks are drained back, oldest chunk first, as
 * the gate's own queue empties. So priority is strict among the first HOT_LIMIT waiters and within
 * each chunk; across chunks, first come first served. Everything carried across continue-as-new
 * is bounded whatever the queue length.
 */
import type {
  CapacityGateStatus,
  CapacityRequest,
  GateSettings,
  PermitRelease,
  WaiterRow,
} from './definitions';

/** Waiters the gate holds itself; the rest wait in overflow chunks. */
export const HOT_LIMIT = 1_000;
/** Refill from overflow when the gate's own queue falls below this. */
export const HOT_LOW_WATER = HOT_LIMIT / 2;
/** Waiters per overflow chunk (a soft limit: arrivals racing its report of being full still get in). */
export const CHUNK_LIMIT = 1_000;
/** How often the gate asks an open tail chunk that had nothing whether anything arrived. */
export const EMPTY_TAIL_RECHECK_MS = 1_000;
/**
 * Grants per workflow task: far below Temporal's 2,000 pending outgoing signals, and so few that
 * their results, arriving while the next workflow task runs, stay under the server's 100
 * buffered events (more, and it force-fails that task).
 */
export const GRANT_BATCH = 50;
/** Permits out at once, at most (with paced grants, far fewer are ever out). */
export const MAX_PERMITS = 1_000;
/** Pacing burst: grants may run this many seconds ahead of the grant rate. */
const PACE_BURST_SECONDS = 2;
const MAX_COOLDOWN_MS = 30_000;
const TRANSIENT_COOLDOWN_MS = 1_000;
const MINUTE_MS = 60_000;
/** Grants per minute kept for `capacity` (the drain estimate). */
const GRANT_HISTORY_MINUTES = 15;

/** A permit: [permitId, workflowId, ticket, grantedAt, priority, since, checkedAt]. */
type PermitRow = [string, string, number | null, number, number, number, number];

interface ChunkRow {
  chunk: number;
  /** Waiters it holds, as far as the gate knows (its reports and each hand-back correct it). */
  size: number;
  /** Full: no new arrivals go to it. */
  sealed: boolean;
  /** A hand-back is asked for and not answered yet. */
  requested: boolean;
  /** When it last handed back its last waiter (an open tail that may fill again). */
  emptyAt?: number;
}

/** What the gate carries across continue-as-new (bounded: see the header). */
export interface GateStateV2 {
  version: 2;
  settings?: GateSettings;
  /** Policy set hashes seen, oldest first (the newest set wins; a few are enough to tell). */
  setHashes: string[];
  queue: WaiterRow[];
  permits: PermitRow[];
  chunks: ChunkRow[];
  /** Arrivals bound for overflow, not yet handed to a chunk (flushed before continue-as-new). */
  toOverflow: WaiterRow[];
  nextChunk: number;
  window: number;
  cooldownMs: number;
  cooldownUntil: number;
  paceTokens: number;
  paceAt: number;
  stats: Pick<CapacityGateStatus, 'admitted' | 'created' | 'quotaErrors' | 'reclaimed'>;
  grantsPerMinute: [number, number][];
}

export interface Grant {
  permitId: string;
  workflowId: string;
  ticket: number | null;
}

/** Waiters order: priority desc, since asc, workflow id asc. */
function before(a: WaiterRow, b: WaiterRow): boolean {
  if (a[1] !== b[1]) return a[1] > b[1];
  if (a[2] !== b[2]) return a[2] < b[2];
  return a[0] < b[0];
}

export function insertSorted(queue: WaiterRow[], waiter: WaiterRow): void {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(queue[mid]!, waiter)) lo = mid + 1;
    else hi = mid;
  }
  queue.splice(lo, 0, waiter);
}

export function waiterRow(request: CapacityRequest, now: number): WaiterRow {
  return [request.workflowId, request.priority, request.since ?? now, request.ticket ?? null];
}

export function emptyGateState(now: number): GateStateV2 {
  return {
    version: 2,
    setHashes: [],
    queue: [],
    permits: [],
    chunks: [],
    toOverflow: [],
    nextChunk: 1,
    window: 1,
    cooldownMs: 0,
    cooldownUntil: 0,
    paceTokens: 0,
    paceAt: now,
    stats: { admitted: 0, created: 0, quotaErrors: 0, reclaimed: 0 },
    grantsPerMinute: [],
  };
}

export class GateQueue {
  constructor(readonly state: GateStateV2) {}

  // ---- settings: one per instance ------------------------------------------------------------

  /**
   * The newest policy set a gate hears of decides its setting (its hash first seen last); runs
   * of an older set, re-queued later, do not flip it back. Requests without a set (runs from
   * before settings travelled) only fill a gate that has none.
   */
  adoptSettings(request: CapacityRequest): void {
    const s = this.state;
    const settings: GateSettings = request.settings ?? {
      source: request.source,
      ...(request.quota !== undefined ? { quota: request.quota } : {}),
      ...(request.queues ? { queues: request.queues } : {}),
    };
    if (!settings.setHash) {
      if (!s.settings) s.settings = settings;
      return;
    }
    if (s.setHashes.includes(settings.setHash)) return;
    s.setHashes = [...s.setHashes.slice(-7), settings.setHash];
    s.settings = settings;
  }

  // ---- arrivals and departures ---------------------------------------------------------------

  /** Anything may wait in overflow: newcomers then queue behind it, never ahead. */
  get overflowing(): boolean {
    return this.state.toOverflow.length > 0 || this.state.chunks.length > 0;
  }

  /** Queues a run (or refreshes its ticket); where it went. */
  enqueue(request: CapacityRequest, now: number): 'queued' | 'overflow' | 'refreshed' {
    this.adoptSettings(request);
    const s = this.state;
    const waiter = waiterRow(request, now);
    const queued = s.queue.find((w) => w[0] === waiter[0]);
    if (queued) {
      queued[3] = waiter[3];
      return 'refreshed';
    }
    // A run already holding a permit for this wait needs no second place.
    if (s.permits.some((p) => p[1] === waiter[0] && p[2] === waiter[3])) return 'refreshed';
    if (this.overflowing || s.queue.length >= HOT_LIMIT) {
      s.toOverflow.push(waiter);
      return 'overflow';
    }
    insertSorted(s.queue, waiter);
    return 'queued';
  }

  /** Leaves the queue; any permit it held is void. Runs in overflow are dropped when they come back. */
  withdraw(workflowId: string): void {
    const s = this.state;
    s.queue = s.queue.filter((w) => w[0] !== workflowId);
    s.toOverflow = s.toOverflow.filter((w) => w[0] !== workflowId);
    s.permits = s.permits.filter((p) => p[1] !== workflowId);
  }

  /**
   * A permit came back. Quota misses and transient failures keep their place in the queue. False
   * when the gate no longer held it (withdrawn, reclaimed, or a duplicate report).
   */
  release({ permitId, outcome }: PermitRelease, now: number): boolean {
    const s = this.state;
    const index = s.permits.findIndex((p) => p[0] === permitId);
    if (index < 0) return false;
    const [permit] = s.permits.splice(index, 1);
    const [, workflowId, ticket, , priority, since] = permit!;
    if (outcome === 'created') {
      s.stats.created++;
      s.window = Math.min(s.window + 1 / s.window, 100_000);
      s.cooldownMs = 0;
    } else if (outcome === 'quota-exceeded') {
      // Our estimate was wrong: shrink, back off, and give the run its place back.
      s.stats.quotaErrors++;
      s.window = Math.max(1, s.window / 2);
      s.cooldownMs = Math.min(Math.max(s.cooldownMs * 2, 1_000), MAX_COOLDOWN_MS);
      s.cooldownUntil = now + s.cooldownMs;
      insertSorted(s.queue, [workflowId, priority, since, ticket]);
    } else if (outcome === 'transient') {
      s.cooldownUntil = Math.max(s.cooldownUntil, now + TRANSIENT_COOLDOWN_MS);
      insertSorted(s.queue, [workflowId, priority, since, ticket]);
    }
    return true;
  }

  // ---- grants ----------------------------------------------------------------------------------

  get inFlight(): number {
    return this.state.permits.length;
  }

  coolingDown(now: number): boolean {
    return now < this.state.cooldownUntil;
  }

  /** Probe source: free slots by the AIMD window. */
  probeFreeSlots(): number {
    return Math.max(0, Math.floor(this.state.window) - this.inFlight);
  }

  /** Grants the pace allows now (the engine's StartTaskContact budget; unlimited without one). */
  private paceAllows(now: number): number {
    const rate = this.state.settings?.grantsPerSecond;
    if (!rate) return Infinity;
    const s = this.state;
    const burst = Math.max(1, rate * PACE_BURST_SECONDS);
    s.paceTokens = Math.min(burst, s.paceTokens + ((now - s.paceAt) / 1000) * rate);
    s.paceAt = now;
    return Math.floor(s.paceTokens);
  }

  /** Ms until the pace allows the next grant (0 when it does now). */
  paceWaitMs(now: number): number {
    const rate = this.state.settings?.grantsPerSecond;
    if (!rate || this.paceAllows(now) >= 1) return 0;
    return Math.ceil(((1 - this.state.paceTokens) / rate) * 1000);
  }

  /** Up to one batch of grants within `free` slots: permits are created, the caller signals. */
  takeGrants(free: number, now: number): Grant[] {
    const s = this.state;
    const count = Math.min(
      free,
      s.queue.length,
      GRANT_BATCH,
      MAX_PERMITS - this.inFlight,
      this.paceAllows(now),
    );
    if (count <= 0) return [];
    if (Number.isFinite(s.paceTokens) && s.settings?.grantsPerSecond) s.paceTokens -= count;
    const grants = s.queue.splice(0, count).map(([workflowId, priority, since, ticket]) => {
      const permitId = `${workflowId}#${s.stats.admitted++}`;
      s.permits.push([permitId, workflowId, ticket, now, priority, since, now]);
      return { permitId, workflowId, ticket };
    });
    this.countGrants(grants.length, now);
    return grants;
  }

  /** The run behind a grant is gone: nobody to admit. */
  grantUndeliverable(permitId: string): void {
    this.state.permits = this.state.permits.filter((p) => p[0] !== permitId);
  }

  private countGrants(count: number, now: number): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const history = this.state.grantsPerMinute;
    const last = history[history.length - 1];
    if (last && last[0] === minute) last[1] += count;
    else history.push([minute, count]);
    if (history.length > GRANT_HISTORY_MINUTES) history.splice(0, history.length - GRANT_HISTORY_MINUTES);
  }

  // ---- permits of runs that ended --------------------------------------------------------------

  /** Holders of permits out longer than `olderThanMs` and not checked since: ask if they ended. */
  holdersToCheck(now: number, olderThanMs: number): string[] {
    return [...new Set(this.state.permits.filter((p) => now - p[6] >= olderThanMs).map((p) => p[1]))];
  }

  /** Reclaims the permits of runs that ended; the rest are legitimately busy: checked again later. */
  reclaimEnded(checked: string[], ended: string[], now: number): void {
    const gone = new Set(ended);
    const asked = new Set(checked);
    const s = this.state;
    const before = s.permits.length;
    s.permits = s.permits.filter((p) => !gone.has(p[1]));
    s.stats.reclaimed += before - s.permits.length;
    for (const p of s.permits) if (asked.has(p[1])) p[6] = now;
  }

  /** When the oldest unchecked permit comes due for a check. */
  nextHolderCheckAt(olderThanMs: number): number | undefined {
    const oldest = Math.min(...this.state.permits.map((p) => p[6]));
    return Number.isFinite(oldest) ? oldest + olderThanMs : undefined;
  }

  // ---- overflow chunks -------------------------------------------------------------------------

  /** A hand-back is asked for and not answered yet. */
  get awaitingHandBack(): boolean {
    return this.state.chunks.some((c) => c.requested);
  }

  /**
   * Where runs should join: the open tail chunk while anything overflows, with the room it has
   * left as far as the gate knows (undefined: join the gate itself).
   */
  intakeChunk(): { chunk: number; room: number } | undefined {
    const tail = this.state.chunks[this.state.chunks.length - 1];
    if (!tail || tail.sealed || tail.size >= CHUNK_LIMIT) return undefined;
    return { chunk: tail.chunk, room: CHUNK_LIMIT - tail.size };
  }

  /**
   * The next hand-over to overflow: waiters that reached the gate while it overflows, bound for
   * the tail chunk (a new chunk when the tail is full). Bookkeeping is updated as if delivered.
   */
  takeOverflowBatch(): { chunk: number; waiters: WaiterRow[]; isNew: boolean } | undefined {
    const s = this.state;
    if (s.toOverflow.length === 0) return undefined;
    let tail = s.chunks[s.chunks.length - 1];
    let isNew = false;
    if (!tail || tail.sealed || tail.size >= CHUNK_LIMIT) {
      if (tail) tail.sealed = true;
      tail = { chunk: s.nextChunk++, size: 0, sealed: false, requested: false };
      s.chunks.push(tail);
      isNew = true;
    }
    const waiters = s.toOverflow.splice(0, Math.max(1, CHUNK_LIMIT - tail.size));
    tail.size += waiters.length;
    delete tail.emptyAt;
    return { chunk: tail.chunk, waiters, isNew };
  }

  /**
   * While anything overflows, runs must have an open tail chunk to join (else they would all land
   * on the gate): a new, empty one when the tail is full. Returns its number.
   */
  openTailIfNeeded(): number | undefined {
    const s = this.state;
    const tail = s.chunks[s.chunks.length - 1];
    if (!tail || !(tail.sealed || tail.size >= CHUNK_LIMIT)) return undefined;
    tail.sealed = true;
    const opened = { chunk: s.nextChunk++, size: 0, sealed: false, requested: false };
    s.chunks.push(opened);
    return opened.chunk;
  }

  /** Chunks that filled up and must be told no more arrivals come. */
  chunksToSeal(): number[] {
    return this.state.chunks.filter((c) => !c.sealed && c.size >= CHUNK_LIMIT).map((c) => c.chunk);
  }

  markSealed(chunk: number): void {
    const row = this.state.chunks.find((c) => c.chunk === chunk);
    if (row) row.sealed = true;
  }

  /** A chunk's own count of what it holds (runs join it directly); a full one takes no more. */
  chunkReported(chunk: number, size: number): void {
    const row = this.state.chunks.find((c) => c.chunk === chunk);
    if (!row) return;
    if (!row.requested) row.size = size;
    if (size > 0) delete row.emptyAt;
    if (size >= CHUNK_LIMIT) row.sealed = true;
  }

  /** Ask the oldest chunk for waiters when the gate's own queue runs low. */
  refillRequest(now: number): { chunk: number; count: number } | undefined {
    const s = this.state;
    const head = s.chunks[0];
    if (!head || head.requested || s.queue.length >= HOT_LOW_WATER) return undefined;
    // An emptied open tail may have taken arrivals since: ask again now and then, not constantly.
    if (head.size === 0 && head.emptyAt !== undefined && now - head.emptyAt < EMPTY_TAIL_RECHECK_MS)
      return undefined;
    head.requested = true;
    return { chunk: head.chunk, count: HOT_LIMIT - s.queue.length };
  }

  /** When an emptied open tail is due to be asked again (for the gate's timer). */
  nextTailRecheckAt(): number | undefined {
    const head = this.state.chunks[0];
    return head?.emptyAt !== undefined && !head.requested ? head.emptyAt + EMPTY_TAIL_RECHECK_MS : undefined;
  }

  /**
   * Waiters a chunk handed back join the queue in their order. A drained chunk that takes no more
   * arrivals is retired (the caller seals it: it ends once sealed and empty); a drained open tail
   * stays, since runs may still be joining it.
   */
  admitFromOverflow(
    chunk: number,
    waiters: WaiterRow[],
    remaining: number,
    now: number,
  ): { retire?: number } {
    const s = this.state;
    for (const waiter of waiters) insertSorted(s.queue, waiter);
    const row = s.chunks.find((c) => c.chunk === chunk);
    if (!row) return {};
    row.requested = false;
    row.size = remaining;
    if (remaining > 0) return {};
    const isOpenTail = row === s.chunks[s.chunks.length - 1] && !row.sealed;
    if (isOpenTail) {
      row.emptyAt = now;
      return {};
    }
    s.chunks = s.chunks.filter((c) => c !== row);
    return { retire: chunk };
  }

  /** Closes an emptied open tail (the gate goes idle): later arrivals go to the gate again. */
  retireEmptyTail(): number | undefined {
    const s = this.state;
    const only = s.chunks.length === 1 ? s.chunks[0] : undefined;
    if (!only || only.size > 0 || only.requested || only.emptyAt === undefined) return undefined;
    s.chunks = [];
    return only.chunk;
  }

  // ---- what the gate shows ---------------------------------------------------------------------

  /** Nothing waits and nothing is out (an emptied open tail chunk aside). */
  get idle(): boolean {
    const s = this.state;
    const onlyEmptyTail =
      s.chunks.length === 0 ||
      (s.chunks.length === 1 && s.chunks[0]!.size === 0 && s.chunks[0]!.emptyAt !== undefined);
    return s.queue.length === 0 && s.permits.length === 0 && s.toOverflow.length === 0 && onlyEmptyTail;
  }

  overflowLength(): number {
    return this.state.toOverflow.length + this.state.chunks.reduce((n, c) => n + c.size, 0);
  }

  position(workflowId: string): { position?: number; inOverflow?: boolean } {
    const s = this.state;
    if (s.permits.some((p) => p[1] === workflowId)) return { position: 0 };
    const index = s.queue.findIndex((w) => w[0] === workflowId);
    if (index >= 0) return { position: index + 1 };
    // Held in a chunk, or unknown: either way, at least everyone in the gate's queue is ahead.
    return this.overflowing ? { position: s.queue.length + 1, inOverflow: true } : {};
  }
}

/** A first-gate state (legacy/capacity-gate-v1.ts) taken over by continue-as-new, in its order. */
export function fromV1State(
  v1: {
    source: { source: 'metrics' | 'probe'; quota?: number; queues?: string[] };
    queue: { workflowId: string; priority: number }[];
    permits: { permitId: string; workflowId: string; grantedAt: number; waiter: { priority: number } }[];
    window: number;
    cooldownMs: number;
    cooldownUntil: number;
    stats: GateStateV2['stats'];
  },
  now: number,
): GateStateV2 {
  const state = emptyGateState(now);
  state.settings = { ...v1.source };
  state.window = v1.window;
  state.cooldownMs = v1.cooldownMs;
  state.cooldownUntil = v1.cooldownUntil;
  state.stats = { ...v1.stats };
  const queue = new GateQueue(state);
  // Their FIFO order becomes waiting times a millisecond apart, oldest first.
  v1.queue.forEach((w, i) =>
    queue.enqueue(
      {
        workflowId: w.workflowId,
        priority: w.priority,
        source: v1.source.source,
        since: now - v1.queue.length + i,
      },
      now,
    ),
  );
  state.permits = v1.permits.map((p) => [
    p.permitId,
    p.workflowId,
    null,
    p.grantedAt,
    p.waiter.priority,
    now,
    p.grantedAt,
  ]);
  return state;
}
