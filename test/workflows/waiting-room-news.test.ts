/**
 * How the gate sees a taken run before re-issuing for it (WaitingRoom.waiterState), against the
 * real dev server: waiting; with news it has not read (a pending workflow task — here a signal
 * sent while no worker ran) held for the grace and then reported; read once a worker is back.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { WaitingRoom, type TakenWaiter } from '../../activities/waiting-room';
import { waitingRoomTaskQueue } from '../../workflows/capacity-definitions';
import { failureEvent } from '../helpers/events';
import {
  connectTestTemporal,
  createTestWorker,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

let temporal: TestTemporal;
let room: WaitingRoom;
const taskQueue = uniqueTaskQueue('room-news');
const instanceId = 'room-news-instance';

beforeAll(async () => {
  temporal = await connectTestTemporal();
  room = new WaitingRoom(temporal.client, { roomTaskQueue: waitingRoomTaskQueue });
});
afterAll(() => temporal.close());

async function running(worker: Worker, body: () => Promise<void>): Promise<void> {
  const run = worker.run();
  try {
    await body();
  } finally {
    worker.shutdown();
    await run;
  }
}

// An operator's decision arrives as the `decide` Update (the CLI) or as a signal (the Web UI).
const sendNews = {
  signal: async (handle: WorkflowHandle) => {
    await handle.signal('news-nobody-handles');
    return { answered: Promise.resolve() };
  },
  // Not answered until a worker reads it (and refuses it: the fixture has no handler).
  update: async (handle: WorkflowHandle) => {
    const answer = handle.executeUpdate('news-nobody-handles').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the server has it
    return { answered: answer }; // wrapped: an async function would wait for it
  },
};

test.each(Object.keys(sendNews) as (keyof typeof sendNews)[])(
  'a run with unread news (%s) is held for the grace, reported, then seen waiting once it has read it',
  async (kind) => {
    const event = failureEvent();
    let waiter: TakenWaiter | undefined;
    const handle = await temporal.client.workflow.start('waitInRoom', {
      taskQueue,
      workflowId: `room-news-${event.id}`,
      args: [{ instanceId, taskQueue, events: [event] }],
    });
    await running(await createTestWorker(temporal, { taskQueue }), async () => {
      [waiter] = await room.take(taskQueue, instanceId, 1, { ms: 20_000, stopped: () => false });
      expect(waiter?.request.event.id).toBe(event.id);
      expect(await room.waiterState(waiter!, 0)).toBe('waiting');
    });

    // No worker: the news waits in a pending workflow task the run cannot read.
    const { answered } = await sendNews[kind](handle);
    const heldFrom = Date.now();
    expect(await room.waiterState(waiter!, 1_500)).toBe('unread-news');
    expect(Date.now() - heldFrom).toBeGreaterThanOrEqual(1_500);

    await running(await createTestWorker(temporal, { taskQueue }), async () => {
      // The run reads it (nothing in it ends the wait) well inside the grace: still waiting.
      expect(await room.waiterState(waiter!, 20_000)).toBe('waiting');
      await answered;
      expect(await room.answer(waiter!, { resultId: 'contact-1' })).toBe(true);
      expect(await handle.result()).toEqual(['contact-1']);
    });
    // Ended: whatever the grace, it no longer waits.
    expect(await room.waiterState(waiter!, 20_000)).toBe('stopped');
  },
  120_000,
);
