/**
 * One failure event, one trace: a worker and an ingress started as operators start them (CLI
 * processes) with an OTLP endpoint pointing at an in-process receiver; the spans from the ingress
 * request to the AWS call share one trace id. Without an endpoint nothing is exported.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { replayHistories } from '../../bench/storm/replay';
import { freePort } from '../../dev/temporal-dev-server';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { testEnv } from '../helpers/env';
import { spawnCli, type CliProcess } from '../helpers/processes';
import { testSpeedPolicies } from '../helpers/remediation-stack';
import { connectTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/wait';

jest.setTimeout(240_000);

interface ReceivedSpan {
  name: string;
  traceId: string;
  service: string;
}

/** OTLP/HTTP JSON receiver on 127.0.0.1: every span posted to /v1/traces. */
async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests++;
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: { name: string; traceId: string }[] }[];
          }[];
        };
        for (const rs of doc.resourceSpans) {
          const service =
            rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans) spans.push({ name: s.name, traceId: s.traceId, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const stopProcess = async (p: CliProcess | undefined) => {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
};

describe('traces', () => {
  let simulator: RunningSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  const processes: CliProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, config: { rateLimits: 'off' } });
    receiver = await startReceiver();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-traces-'));
    fs.writeFileSync(path.join(dir, 'policies.yaml'), testSpeedPolicies());
  });
  afterAll(async () => {
    for (const p of processes) await stopProcess(p);
    await receiver?.close();
    await simulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = (taskQueue: string, extra: Record<string, string>) => ({
    TEMPORAL_ADDRESS: testEnv('address'),
    TEMPORAL_NAMESPACE: testEnv('namespace'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    POLICIES_FILE: path.join(dir, 'policies.yaml'),
    CONNECT_ENDPOINT: simulator.endpoint,
    EVENTBRIDGE_ENDPOINT: simulator.endpoint,
    AWS_REGION: 'us-east-1',
    WORKER_METRICS_PORT: 'off',
    LOG_LEVEL: 'error',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    ...extra,
  });

  async function runOneEvent(taskQueue: string, extra: Record<string, string>, id: string) {
    const worker = spawnCli(['worker'], env(taskQueue, extra));
    processes.push(worker);
    await worker.waitFor(/polling task queue/, 180_000);
    const port = await freePort();
    const ingress = spawnCli(['ingress'], env(taskQueue, { ...extra, INGRESS_PORT: String(port) }));
    processes.push(ingress);
    await ingress.waitFor(/listening on/);
    const event = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'seed-failure-event.json'), 'utf8'),
    ) as { id: string; detail: { reasonCode: string } };
    event.id = id;
    // Throttled: the policy re-issues the task (StartTaskContact). The seed rule's flow is in another
    // instance, so AWS refuses it and the run escalates; the test answers it to end the run.
    event.detail.reasonCode = 'ThrottlingException';
    const response = await fetch(`http://127.0.0.1:${port}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(202);
    return { worker, ingress };
  }

  test('one failure event: ingress, workflow, policy resolution, StartTaskContact and its AWS call in one trace', async () => {
    const taskQueue = uniqueTaskQueue('traces');
    const tracingEnv = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    };
    const eventId = `traced-${Date.now()}`;
    const { worker, ingress } = await runOneEvent(taskQueue, tracingEnv, eventId);
    // A workflow span is exported when the run ends: once it has escalated, an operator resolves it.
    await eventually(
      async () => receiver.spans.some((s) => s.name === 'RunActivity:notifyChannel'),
      'the run to escalate (its notifyChannel span)',
      60_000,
    );
    const answer = spawnCli(
      ['runs', 'signal', `remediate-${eventId}`, 'resolve', '--note', 'trace test'],
      env(taskQueue, {}),
    );
    expect((await answer.exited).code).toBe(0);
    const wanted = [
      'POST /events',
      'StartWorkflow:remediateFailedAction',
      'RunWorkflow:remediateFailedAction',
      'RunActivity:resolvePolicy',
      'RunActivity:startTaskContact',
      'Connect.StartTaskContact',
    ];
    const deadline = Date.now() + 60_000;
    const traceOf = () => {
      const byTrace = new Map<string, Set<string>>();
      for (const s of receiver.spans)
        byTrace.set(s.traceId, (byTrace.get(s.traceId) ?? new Set()).add(s.name));
      return [...byTrace.values()].filter((names) => wanted.every((n) => names.has(n)));
    };
    while (traceOf().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(traceOf()).toHaveLength(1);
    // The ingress span is the root of that trace: no other trace holds a remediation's spans.
    const root = receiver.spans.find((s) => s.name === 'POST /events')!;
    expect(receiver.spans.filter((s) => s.name === 'RunWorkflow:remediateFailedAction')).toEqual([
      expect.objectContaining({ traceId: root.traceId, service: 'connect-remediator-worker' }),
    ]);
    expect(root.service).toBe('connect-remediator-ingress');
    await stopProcess(ingress);
    await stopProcess(worker);

    // Recorded by a traced worker, replayed by an untraced one (a fleet may mix them).
    const temporal = await connectTestTemporal();
    try {
      const history = await temporal.client.workflow.getHandle(`remediate-${eventId}`).fetchHistory();
      expect(await replayHistories([{ workflowId: `remediate-${eventId}`, history }])).toMatchObject({
        replayed: 1,
        replayFailures: 0,
      });
    } finally {
      await temporal.close();
    }
  });

  test('no endpoint: tracing is off and nothing is exported', async () => {
    const before = receiver.requests();
    const { worker, ingress } = await runOneEvent(uniqueTaskQueue('untraced'), {}, `untraced-${Date.now()}`);
    expect(worker.output()).toContain('traces off');
    expect(ingress.output()).toContain('traces off');
    await new Promise((r) => setTimeout(r, 3000));
    await stopProcess(ingress);
    await stopProcess(worker);
    expect(receiver.requests()).toBe(before);
  });
});
