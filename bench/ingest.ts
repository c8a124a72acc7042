/**
 * Ingest throughput: N distinct events POSTed through the ingress (in this process, on a private
 * dev server) with bounded concurrency, and N other events started directly — the floor — with the
 * same start call and options the ingress uses (startRemediation = client.workflow.start with id
 * policy, search attributes and summary), so the ratio is the cost of HTTP, auth and validation.
 * No worker polls the task queue: this measures accepting events, not remediating them.
 *
 * The two paths alternate in rounds (ingress-direct, direct-ingress, …) and each path's rate is its
 * events over its summed time: on a shared 2-core machine, background load that arrives mid-run
 * then weighs on both paths alike instead of on whichever phase happened to run second.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import pino from 'pino';
import type { ConnectFailureEvent } from '../events/types';
import { positiveInt } from './options';
import { startIngress } from '../ingress';
import { mapConcurrent } from '../ingress/map-concurrent';
import { startRemediation, type StartTarget } from '../ingress/start-remediation';
import { startBenchTemporal } from './temporal';

interface IngestOptions {
  events: number;
  concurrency: number;
  warmup: number;
  rounds: number;
}

function parseOptions(args: string[]): IngestOptions {
  return new Command('ingest')
    .option('--events <n>', 'events per path', positiveInt, 2000)
    .option('--concurrency <c>', 'requests in flight', positiveInt, 32)
    .option('--warmup <n>', 'unmeasured events per path first (JIT, connections)', positiveInt, 200)
    .option('--rounds <r>', 'alternations of the two paths (events split evenly)', positiveInt, 10)
    .exitOverride()
    .parse(args, { from: 'user' })
    .opts<IngestOptions>();
}

/** The AWS sample event with a fresh id: every event is distinct, so every start really starts. */
function benchEvent(id: string): ConnectFailureEvent {
  const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/cb54730f-5aac-4376-b2f4-7c822889931e';
  return {
    version: '0',
    id,
    source: 'aws.connect',
    'detail-type': 'Amazon Connect Rules Action Execution Failed',
    account: '123456789012',
    time: '2022-01-05T01:30:42Z',
    region: 'us-east-1',
    resources: [instanceArn],
    detail: {
      ruleId: '7410c94b-21c2-4db0-a707-c6d751edbe8f',
      actionType: 'CREATE_TASK',
      triggerEvent: 'THIRD_PARTY',
      instanceArn,
      reasonCode: 'ResourceNotFoundException',
      error: 'ContactFlowId provided does not belong to connect instance',
      additionalInfo: JSON.stringify({
        message: 'Not Found',
        code: 'ResourceNotFoundException',
        statusCode: 404,
        time: '2022-01-03T20:23:07.073Z',
        requestId: '048e4403-71c1-47d6-96fc-825744f518e7',
        retryable: false,
        retryDelay: 28.217537834500316,
      }),
    },
  };
}

const eventsFor = (label: string, count: number) =>
  Array.from({ length: count }, (_, i) => benchEvent(`bench-${label}-${i}-${randomUUID()}`));

/** POSTs one event over a keep-alive connection, as an EventBridge API destination would. */
function postOnce(agent: http.Agent, url: URL, apiKey: string, event: ConnectFailureEvent): Promise<number> {
  const body = JSON.stringify(event);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'x-api-key': apiKey,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A start slower than the ingress's deadline answers 503; EventBridge would retry, so do we. */
const RETRY_PAUSE_MS = 1000;

async function deliver(
  agent: http.Agent,
  url: URL,
  apiKey: string,
  event: ConnectFailureEvent,
): Promise<number> {
  for (let retries = 0; ; retries++) {
    const status = await postOnce(agent, url, apiKey, event);
    if (status === 202) return retries;
    if (status !== 503 || retries >= 5) throw new Error(`ingress answered ${status} for ${event.id}`);
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
  }
}

function percentile(sortedMs: number[], p: number): number {
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return Math.round(sortedMs[Math.max(0, index)]! * 10) / 10;
}

/** Accumulates one path's time and latencies over several rounds. */
class PathTimer {
  private seconds = 0;
  private count = 0;
  /** This process's CPU (user + system) while the path ran: what the path costs us, load aside. */
  private cpuMicros = 0;
  readonly latencies: number[] = [];

  async run<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await mapConcurrent(items, concurrency, async (item) => {
      const t0 = performance.now();
      await fn(item);
      this.latencies.push(performance.now() - t0);
    });
    const cpu = process.cpuUsage(cpuBefore);
    this.cpuMicros += cpu.user + cpu.system;
    this.seconds += (performance.now() - started) / 1000;
    this.count += items.length;
  }

  get cpuMsPerEvent(): number {
    return Math.round(this.cpuMicros / this.count) / 1000;
  }

  get rate(): number {
    return Math.round((this.count / this.seconds) * 10) / 10;
  }

  percentileMs(p: number): number {
    return percentile(
      [...this.latencies].sort((a, b) => a - b),
      p,
    );
  }
}

export async function run(args: string[], log: (line: string) => void): Promise<Record<string, unknown>> {
  const options = parseOptions(args);
  const temporal = await startBenchTemporal(log);
  const apiKey = randomUUID();
  const target: StartTarget = {
    taskQueue: `bench-ingest-${randomUUID().slice(0, 8)}`,
    namespace: temporal.namespace,
    webUiUrl: 'http://localhost:8233',
  };
  // The production logger at its default level (errors would go to stderr, never into the result).
  const logger = pino({ name: 'ingress', level: 'info' }, pino.destination(2));
  const ingress = await startIngress({
    client: temporal.client,
    temporal: target,
    ingress: { host: '127.0.0.1', port: 0, apiKey, apiKeyHeader: 'x-api-key' },
    logger,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const eventsUrl = new URL(`${ingress.url}/events`);
  try {
    let ingressRetries = 0;
    const viaIngress = async (event: ConnectFailureEvent) => {
      ingressRetries += await deliver(agent, eventsUrl, apiKey, event);
    };
    const direct = async (event: ConnectFailureEvent) => {
      const outcome = await startRemediation(temporal.client, target, event, 'cli');
      if (outcome.status !== 'started') throw new Error(`direct start of ${event.id}: ${outcome.status}`);
    };

    log(`warm-up: ${options.warmup} events each way`);
    await new PathTimer().run(eventsFor('warm-ingress', options.warmup), options.concurrency, viaIngress);
    await new PathTimer().run(eventsFor('warm-direct', options.warmup), options.concurrency, direct);

    const ingressTimer = new PathTimer();
    const directTimer = new PathTimer();
    const paths = [
      { timer: ingressTimer, label: 'ingress', start: viaIngress },
      { timer: directTimer, label: 'direct', start: direct },
    ];
    log(`${options.events} events each way, ${options.concurrency} in flight, ${options.rounds} rounds`);
    for (let round = 0; round < options.rounds; round++) {
      const size =
        Math.floor(options.events / options.rounds) + (round < options.events % options.rounds ? 1 : 0);
      for (const path of round % 2 === 0 ? paths : [...paths].reverse()) {
        await path.timer.run(eventsFor(`${path.label}-${round}`, size), options.concurrency, path.start);
      }
      log(`round ${round + 1}: ingress ${ingressTimer.rate}/s, direct ${directTimer.rate}/s so far`);
    }

    return {
      events: options.events,
      concurrency: options.concurrency,
      ingressRate: ingressTimer.rate,
      directRate: directTimer.rate,
      ratio: Math.round((ingressTimer.rate / directTimer.rate) * 1000) / 1000,
      ingressP50Ms: ingressTimer.percentileMs(50),
      ingressP99Ms: ingressTimer.percentileMs(99),
      directP50Ms: directTimer.percentileMs(50),
      directP99Ms: directTimer.percentileMs(99),
      ingressRetries,
      ingressCpuMsPerEvent: ingressTimer.cpuMsPerEvent,
      directCpuMsPerEvent: directTimer.cpuMsPerEvent,
      rounds: options.rounds,
    };
  } finally {
    agent.destroy();
    await ingress.close();
    await temporal.stop();
  }
}
