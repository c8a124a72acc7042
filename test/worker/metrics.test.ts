/**
 * Worker metrics: the `worker` process serves the Temporal SDK's Prometheus exporter on
 * WORKER_METRICS_HOST:WORKER_METRICS_PORT (127.0.0.1:9464 unless told otherwise, `off` disables).
 * The process is spawned as an operator starts it, against the run's dev server and an in-process
 * simulator, scraped, and stopped with SIGTERM. Tests and benchmarks never bind a metrics port:
 * they install the Runtime without one.
 */
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../dev/temporal-dev-server';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { ConfigError, loadConfig } from '../../worker/config';
import { testEnv } from '../helpers/env';
import { spawnCli, type CliProcess } from '../helpers/processes';
import { uniqueTaskQueue } from '../helpers/temporal';

jest.setTimeout(180_000);

const POLICIES_FILE = path.join(__dirname, '..', '..', 'policies', 'policies.yaml');

describe('WORKER_METRICS_PORT / WORKER_METRICS_HOST', () => {
  test.each<[string, Record<string, string>, object | undefined]>([
    [
      'unset: 9464 on loopback',
      {},
      { host: '127.0.0.1', port: 9464, bindAddress: '127.0.0.1:9464', url: 'http://127.0.0.1:9464/metrics' },
    ],
    [
      'a port and every interface (in a container)',
      { WORKER_METRICS_PORT: '9100', WORKER_METRICS_HOST: '0.0.0.0' },
      { host: '0.0.0.0', port: 9100, bindAddress: '0.0.0.0:9100', url: 'http://0.0.0.0:9100/metrics' },
    ],
    [
      'IPv6 loopback, bracketed',
      { WORKER_METRICS_HOST: '[::1]' },
      { host: '::1', port: 9464, bindAddress: '[::1]:9464', url: 'http://[::1]:9464/metrics' },
    ],
    [
      'IPv6 any, unbracketed',
      { WORKER_METRICS_HOST: '::', WORKER_METRICS_PORT: '9100' },
      { host: '::', port: 9100, bindAddress: '[::]:9100', url: 'http://[::]:9100/metrics' },
    ],
    ['off: no exporter, no port', { WORKER_METRICS_PORT: 'off' }, undefined],
    ['OFF, as anyone would write it', { WORKER_METRICS_PORT: 'OFF' }, undefined],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig({ HOME: '/nonexistent', ...env }).workerMetrics).toEqual(expected);
  });

  test.each<[string, Record<string, string>, string]>([
    [
      '0 (the exporter would pick a port nobody can find)',
      { WORKER_METRICS_PORT: '0' },
      'WORKER_METRICS_PORT: expected a TCP port 1..65535, or "off" to serve no metrics; got "0"',
    ],
    [
      'not a number',
      { WORKER_METRICS_PORT: 'nine' },
      'WORKER_METRICS_PORT: expected a TCP port 1..65535, or "off" to serve no metrics; got "nine"',
    ],
    [
      'out of range',
      { WORKER_METRICS_PORT: '70000' },
      'WORKER_METRICS_PORT: expected a TCP port 1..65535, or "off" to serve no metrics; got "70000"',
    ],
    [
      'a host name (the exporter binds a socket address)',
      { WORKER_METRICS_HOST: 'localhost' },
      'WORKER_METRICS_HOST: expected an IP address such as 127.0.0.1, 0.0.0.0 or ::; got "localhost"',
    ],
  ])('refused with a clear error: %s', (_name, env, message) => {
    const load = () => loadConfig({ HOME: '/nonexistent', ...env });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});

describe('the worker process', () => {
  let simulator: RunningSimulator;
  let worker: CliProcess | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await simulator?.stop();
  });

  const workerEnv = (taskQueue: string, metricsPort: number) => ({
    TEMPORAL_ADDRESS: testEnv('address'),
    TEMPORAL_NAMESPACE: testEnv('namespace'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKER_METRICS_PORT: String(metricsPort),
    POLICIES_FILE,
    CONNECT_ENDPOINT: simulator.endpoint,
    EVENTBRIDGE_ENDPOINT: simulator.endpoint,
  });

  test("serves the SDK's Prometheus metrics while polling, and stops cleanly on SIGTERM", async () => {
    const taskQueue = uniqueTaskQueue('metrics');
    const port = await freePort();
    worker = spawnCli(['worker'], workerEnv(taskQueue, port));
    await worker.waitFor(/polling task queue/);
    const url = `http://127.0.0.1:${port}/metrics`;
    await worker.waitFor(new RegExp(`metrics on ${url.replace(/[.]/g, '\\.')}`));

    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = await response.text();
    // The SDK's own worker metrics, labelled with this worker's task queue.
    const labelled = (name: string) =>
      new RegExp(`^${name}\\{[^}]*task_queue="${taskQueue}"[^}]*\\} \\d+`, 'm');
    expect(body).toMatch(labelled('temporal_num_pollers'));
    expect(body).toMatch(labelled('temporal_worker_task_slots_available'));
    expect(body).toMatch(labelled('temporal_worker_start_total'));
    expect(body).toMatch(/^# TYPE temporal_num_pollers gauge$/m);

    const pid = worker.child.pid!;
    worker.child.kill('SIGTERM');
    const { code, signal } = await worker.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(worker.output()).toContain('stopped worker');
    // Nothing is left behind: the process is gone, and so is its exporter.
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await expect(fetch(url)).rejects.toThrow();
  });

  test('a metrics port already taken stops the worker with the reason, before it polls', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      worker = spawnCli(['worker'], workerEnv(uniqueTaskQueue('metrics-taken'), port));
      const { code } = await worker.exited;
      expect(code).toBe(1);
      expect(worker.output()).toContain(
        `cannot serve worker metrics on 127.0.0.1:${port} (set WORKER_METRICS_PORT to a free port, or to "off")`,
      );
      expect(worker.output()).not.toContain('polling task queue');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
