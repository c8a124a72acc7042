/**
 * The comparison, which exists nowhere but here: N independent loops, each calling
 * StartTaskContact and backing off exponentially on a quota error or a throttle, as a per-failure
 * retry Lambda would. Same simulator, rate limits, quota and scenario as the gate's path, in this
 * process, on a fresh instance.
 */
import { StartTaskContactCommand, type ConnectClient } from '@aws-sdk/client-connect';
import type { RunningSimulator } from '../../simulator';
import { connectCallFigures, requestCounts } from './connect-calls';
import type { StormOptions } from './options';
import {
  drainToIdealRatio,
  fullInstance,
  startBulkFreer,
  startProgress,
  type BulkFreer,
  type IdealDrain,
} from './scenario';
import { progressCounts } from '../../worker/terminal-progress';

/** Each failure retried on its own exponential backoff (1s, 2s, 4s … 30s, ±20%). */
export const NAIVE_BACKOFF = { initialMs: 1000, coefficient: 2, maximumMs: 30_000, jitter: 0.2 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number) => Math.round(n * 1000) / 1000;

export async function runNaivePath(
  options: StormOptions,
  sim: RunningSimulator,
  connect: ConnectClient,
  ideal: IdealDrain,
  log: (line: string) => void,
  progress: (status: string) => void = () => undefined,
) {
  const instance = await fullInstance(sim.endpoint, sim.admin, options.quota);
  const before = await requestCounts(sim.admin);
  log(`naive: ${options.events} independent retry loops`);
  const startedAt = Date.now();
  let done = 0;
  let firstAttempts = 0;
  const stopProgress = startProgress(async () => {
    const { openTasks } = await sim.admin.instance(instance.instanceId);
    return `naive: ${done}/${options.events} recovered, ${openTasks}/${options.quota} tasks open`;
  }, log);
  let freer: BulkFreer | undefined;
  const ticker = setInterval(
    () => progress(`naive: ${progressCounts(done, options.events, startedAt)} recovered`),
    1000,
  );
  try {
    const loops = Promise.all(
      Array.from({ length: options.events }, async (_, i) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await connect.send(
              new StartTaskContactCommand({
                InstanceId: instance.instanceId,
                ContactFlowId: instance.contactFlowId,
                Name: `naive ${i}`,
                ClientToken: `naive-${i}-${instance.instanceId}`,
              }),
            );
            done++;
            return;
          } catch (err) {
            const name = (err as Error).name;
            if (name !== 'ServiceQuotaExceededException' && name !== 'ThrottlingException') throw err;
            if (attempt === 1) firstAttempts++;
            const base = Math.min(
              NAIVE_BACKOFF.maximumMs,
              NAIVE_BACKOFF.initialMs * NAIVE_BACKOFF.coefficient ** (attempt - 1),
            );
            await sleep(base * (1 + NAIVE_BACKOFF.jitter * (2 * Math.random() - 1)));
          }
        }
      }),
    );
    // Bulk free, as on the gate's path: the first free once every loop has failed once (the
    // naive equivalent of "every run has queued"), the drain timed from it.
    let loopsFailed = false;
    loops.catch(() => (loopsFailed = true)); // rethrown by `await loops` below
    let drainFrom = startedAt;
    if (options.bulkFree) {
      while (firstAttempts + done < options.events && !loopsFailed) await sleep(100);
      drainFrom = Date.now();
      freer = startBulkFreer(sim.admin, instance, options.quota, async () => done < options.events, log);
    }
    await loops;
    const drainSeconds = (Date.now() - drainFrom) / 1000;
    await freer?.stop();
    const after = await requestCounts(sim.admin);
    return {
      backoff: NAIVE_BACKOFF,
      recovered: done,
      drainSeconds,
      tasksPerSecond: done > 0 ? round(done / drainSeconds) : 0,
      drainToIdealRatio: drainToIdealRatio(drainSeconds, ideal),
      ...(freer ? { bulkFrees: freer.bulkFrees() } : {}),
      ...connectCallFigures(before, after, done),
      peakOpenTasks: (await sim.admin.instance(instance.instanceId)).peakOpenTasks,
    };
  } finally {
    clearInterval(ticker);
    stopProgress();
    await freer?.stop();
  }
}
