/**
 * The capacity gate's state machine (workflows/capacity-gate-state.ts), without a server: order,
 * overflow, paced and batched grants, the outcomes of a permit, reclaiming from ended runs, the
 * one setting per instance, and taking over a first-gate queue. Pure.
 */
import {
  CHUNK_LIMIT,
  EMPTY_TAIL_RECHECK_MS,
  emptyGateState,
  fromV1State,
  GateQueue,
  GRANT_BATCH,
  HOT_LIMIT,
} from '../../workflows/capacity-gate-state';
import type { CapacityRequest } from '../../workflows/definitions';

const T0 = 1_700_000_000_000;
const request = (workflowId: string, extra: Partial<CapacityRequest> = {}): CapacityRequest => ({
  workflowId,
  priority: 0,
  source: 'metrics',
  quota: 50,
  ...extra,
});
const ids = (gate: GateQueue) => gate.state.queue.map((w) => w[0]);

describe('order', () => {
  test('higher priority first, then longest waiting, then workflow id', () => {
    const gate = new GateQueue(emptyGateState(T0));
    gate.enqueue(request('c', { since: T0 + 2 }), T0);
    gate.enqueue(request('b', { since: T0 + 1 }), T0);
    gate.enqueue(request('vip', { since: T0 + 9, priority: 5 }), T0);
    gate.enqueue(request('a', { since: T0 + 1 }), T0);
    expect(ids(gate)).toEqual(['vip', 'a', 'b', 'c']);
  });

  test('a re-queued run keeps its place (quota miss, transient failure); a withdrawn one leaves', () => {
    const gate = new GateQueue(emptyGateState(T0));
    for (const [i, id] of ['r1', 'r2', 'r3'].entries()) gate.enqueue(request(id, { since: T0 + i }), T0);
    const [first, second] = gate.takeGrants(2, T0);
    gate.enqueue(request('r4', { since: T0 + 10 }), T0);
    gate.release({ permitId: first!.permitId, workflowId: 'r1', outcome: 'quota-exceeded' }, T0 + 100);
    gate.release({ permitId: second!.permitId, workflowId: 'r2', outcome: 'transient' }, T0 + 100);
    expect(ids(gate)).toEqual(['r1', 'r2', 'r3', 'r4']);
    gate.withdraw('r3');
    expect(ids(gate)).toEqual(['r1', 'r2', 'r4']);
    expect(gate.state.stats.quotaErrors).toBe(1);
    expect(gate.coolingDown(T0 + 500)).toBe(true); // both back off before the next grant
  });

  test('a run queued again for the same wait is not queued twice', () => {
    const gate = new GateQueue(emptyGateState(T0));
    expect(gate.enqueue(request('r1', { ticket: 1 }), T0)).toBe('queued');
    expect(gate.enqueue(request('r1', { ticket: 1 }), T0)).toBe('refreshed');
    gate.takeGrants(1, T0);
    expect(gate.enqueue(request('r1', { ticket: 1 }), T0)).toBe('refreshed');
    expect(gate.state.queue).toHaveLength(0);
  });
});

describe('grants', () => {
  test('never more than the free slots, one batch per call', () => {
    const gate = new GateQueue(emptyGateState(T0));
    for (let i = 0; i < 500; i++) gate.enqueue(request(`r${i}`, { since: T0 + i }), T0);
    expect(gate.takeGrants(3, T0)).toHaveLength(3);
    expect(gate.takeGrants(10_000, T0)).toHaveLength(GRANT_BATCH);
    expect(gate.inFlight).toBe(3 + GRANT_BATCH);
  });

  test('paced at the StartTaskContact budget, with a two-second burst', () => {
    const gate = new GateQueue(emptyGateState(T0));
    for (let i = 0; i < 100; i++) {
      gate.enqueue(
        request(`r${i}`, {
          since: T0 + i,
          settings: { source: 'metrics', quota: 1000, grantsPerSecond: 5, setHash: 'h1' },
        }),
        T0,
      );
    }
    expect(gate.takeGrants(1000, T0)).toHaveLength(0); // the bucket starts empty
    expect(gate.takeGrants(1000, T0 + 1_000)).toHaveLength(5);
    expect(gate.paceWaitMs(T0 + 1_000)).toBe(200);
    expect(gate.takeGrants(1000, T0 + 11_000)).toHaveLength(10); // burst: 2 s worth, not 10 s
  });

  test('grants are counted per minute for the drain estimate', () => {
    const gate = new GateQueue(emptyGateState(T0));
    for (let i = 0; i < 10; i++) gate.enqueue(request(`r${i}`, { since: T0 + i }), T0);
    gate.takeGrants(4, T0);
    gate.takeGrants(2, T0 + 61_000);
    const minute = Math.floor(T0 / 60_000) * 60_000;
    expect(gate.state.grantsPerMinute).toEqual([
      [minute, 4],
      [minute + 60_000, 2],
    ]);
  });
});

describe('permits of runs that ended', () => {
  test('only ended runs lose their permit; busy ones are checked again later', () => {
    const gate = new GateQueue(emptyGateState(T0));
    gate.enqueue(request('busy'), T0);
    gate.enqueue(request('gone'), T0);
    gate.takeGrants(2, T0);
    expect(gate.holdersToCheck(T0 + 60_000, 300_000)).toEqual([]);
    const due = gate.holdersToCheck(T0 + 300_000, 300_000);
    expect(due.sort()).toEqual(['busy', 'gone']);
    gate.reclaimEnded(due, ['gone'], T0 + 300_000);
    expect(gate.state.permits.map((p) => p[1])).toEqual(['busy']);
    expect(gate.state.stats.reclaimed).toBe(1);
    expect(gate.holdersToCheck(T0 + 400_000, 300_000)).toEqual([]); // just checked: not yet again
    expect(gate.nextHolderCheckAt(300_000)).toBe(T0 + 600_000);
  });
});

describe('overflow', () => {
  test('beyond HOT_LIMIT, arrivals wait in chunks, in arrival order, and come back oldest chunk first', () => {
    const gate = new GateQueue(emptyGateState(T0));
    const total = HOT_LIMIT + 2 * CHUNK_LIMIT + 10;
    for (let i = 0; i < total; i++) gate.enqueue(request(`r${i}`, { since: T0 + i }), T0);
    expect(gate.state.queue).toHaveLength(HOT_LIMIT);
    const batches = [];
    for (let b = gate.takeOverflowBatch(); b; b = gate.takeOverflowBatch()) batches.push(b);
    expect(batches.map((b) => [b.chunk, b.waiters.length, b.isNew])).toEqual([
      [1, CHUNK_LIMIT, true],
      [2, CHUNK_LIMIT, true],
      [3, 10, true],
    ]);
    expect(batches[0]!.waiters[0]![0]).toBe(`r${HOT_LIMIT}`);
    expect(gate.overflowLength()).toBe(2 * CHUNK_LIMIT + 10);
    // While anything overflows, a newcomer queues behind it even if the gate has room.
    while (gate.takeGrants(HOT_LIMIT, T0).length) {
      // drain the gate's own queue, a batch at a time
    }
    expect(gate.enqueue(request('late', { since: T0 + total }), T0)).toBe('overflow');
    // The gate asks the oldest chunk once; its waiters come back in order.
    expect(gate.refillRequest(T0)).toEqual({ chunk: 1, count: HOT_LIMIT });
    expect(gate.refillRequest(T0)).toBeUndefined();
    const back = batches[0]!.waiters.slice(0, 900);
    expect(gate.admitFromOverflow(1, back, 100, T0)).toEqual({});
    expect(gate.state.queue[0]![0]).toBe(`r${HOT_LIMIT}`);
    expect(gate.admitFromOverflow(1, batches[0]!.waiters.slice(900), 0, T0)).toEqual({ retire: 1 });
    expect(gate.state.chunks.map((c) => c.chunk)).toEqual([2, 3]);
  });

  test('runs join the open tail chunk directly; a full one takes no more; an emptied tail is asked again now and then', () => {
    const gate = new GateQueue(emptyGateState(T0));
    expect(gate.intakeChunk()).toBeUndefined(); // nothing overflows: join the gate
    for (let i = 0; i < HOT_LIMIT + 1; i++) gate.enqueue(request(`r${i}`, { since: T0 + i }), T0);
    gate.takeOverflowBatch();
    expect(gate.intakeChunk()).toEqual({ chunk: 1, room: CHUNK_LIMIT - 1 });
    gate.chunkReported(1, CHUNK_LIMIT); // direct arrivals filled it
    expect(gate.intakeChunk()).toBeUndefined(); // the next arrival at the gate opens chunk 2
    gate.enqueue(request('next', { since: T0 + 5_000 }), T0);
    expect(gate.takeOverflowBatch()).toMatchObject({ chunk: 2, isNew: true });
    expect(gate.intakeChunk()).toEqual({ chunk: 2, room: CHUNK_LIMIT - 1 });

    // Drain: chunk 1 is retired when empty; the open tail (2) stays, asked again at most every second.
    while (gate.takeGrants(HOT_LIMIT, T0).length) {
      // drain the gate's own queue
    }
    expect(gate.refillRequest(T0)).toMatchObject({ chunk: 1 });
    expect(gate.admitFromOverflow(1, [], 0, T0)).toEqual({ retire: 1 });
    expect(gate.refillRequest(T0)).toMatchObject({ chunk: 2 });
    expect(gate.admitFromOverflow(2, [['next', 0, T0 + 5_000, null]], 0, T0)).toEqual({});
    expect(gate.intakeChunk()).toEqual({ chunk: 2, room: CHUNK_LIMIT });
    expect(gate.refillRequest(T0 + 500)).toBeUndefined();
    expect(gate.nextTailRecheckAt()).toBe(T0 + EMPTY_TAIL_RECHECK_MS);
    expect(gate.refillRequest(T0 + EMPTY_TAIL_RECHECK_MS)).toMatchObject({ chunk: 2 });
    gate.admitFromOverflow(2, [], 0, T0 + EMPTY_TAIL_RECHECK_MS);
    // When the storm is over (every permit back), the empty tail is closed and arrivals come to
    // the gate again.
    for (const [permitId, workflowId] of [...gate.state.permits]) {
      gate.release({ permitId, workflowId, outcome: 'created' }, T0);
    }
    while (gate.takeGrants(HOT_LIMIT, T0).length) {
      for (const [permitId, workflowId] of [...gate.state.permits]) {
        gate.release({ permitId, workflowId, outcome: 'created' }, T0);
      }
    }
    expect(gate.idle).toBe(true);
    expect(gate.retireEmptyTail()).toBe(2);
    expect(gate.intakeChunk()).toBeUndefined();
    expect(gate.enqueue(request('after'), T0)).toBe('queued');
  });

  test('what the gate carries stays small however many wait', () => {
    const gate = new GateQueue(emptyGateState(T0));
    for (let i = 0; i < 50_000; i++) {
      gate.enqueue(
        request(`remediate-${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`, {
          since: T0 + i,
          ticket: 1,
        }),
        T0,
      );
      if (i % 1000 === 999) while (gate.takeOverflowBatch());
    }
    gate.takeGrants(GRANT_BATCH, T0); // some permits out, too
    expect(gate.overflowLength() + gate.state.queue.length).toBe(50_000 - GRANT_BATCH);
    expect(Buffer.byteLength(JSON.stringify(gate.state))).toBeLessThan(256 * 1024);
  });
});

describe('one setting per instance', () => {
  const settings = (setHash: string, quota: number) => ({ source: 'metrics' as const, quota, setHash });

  test('the newest policy set wins; runs of an older set re-queued later do not flip it back', () => {
    const gate = new GateQueue(emptyGateState(T0));
    gate.enqueue(request('a', { settings: settings('old', 2500) }), T0);
    gate.enqueue(request('b', { settings: settings('new', 4000) }), T0);
    gate.enqueue(request('c', { settings: settings('old', 2500) }), T0);
    expect(gate.state.settings).toMatchObject({ quota: 4000, setHash: 'new' });
  });

  test('runs from before settings travelled only fill a gate that has none', () => {
    const gate = new GateQueue(emptyGateState(T0));
    gate.enqueue(request('legacy', { quota: 100 }), T0);
    expect(gate.state.settings).toMatchObject({ quota: 100 });
    gate.enqueue(request('a', { settings: settings('h', 4000) }), T0);
    gate.enqueue(request('legacy2', { quota: 100 }), T0);
    expect(gate.state.settings).toMatchObject({ quota: 4000 });
  });
});

test('a first gate’s state is taken over in its order, with its permits', () => {
  const state = fromV1State(
    {
      source: { source: 'metrics', quota: 3 },
      queue: [
        { workflowId: 'first', priority: 0 },
        { workflowId: 'second', priority: 0 },
      ],
      permits: [{ permitId: 'p#1', workflowId: 'holder', grantedAt: T0, waiter: { priority: 0 } }],
      window: 2,
      cooldownMs: 0,
      cooldownUntil: 0,
      stats: { admitted: 1, created: 0, quotaErrors: 0, reclaimed: 0 },
    },
    T0 + 1000,
  );
  const gate = new GateQueue(state);
  expect(ids(gate)).toEqual(['first', 'second']);
  expect(gate.inFlight).toBe(1);
  gate.release({ permitId: 'p#1', workflowId: 'holder', outcome: 'created' }, T0 + 2000);
  expect(gate.state.stats.created).toBe(1);
});
