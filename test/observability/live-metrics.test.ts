/**
 * The metrics as a scraper sees them: a `worker` and an `ingress` started as operators start them
 * (CLI processes, metrics ports on), driven through every path that records an engine metric — a
 * task-quota storm on a metrics-source gate and on a probing gate, an undeliverable escalation whose
 * operator wait runs out, an incident nobody answers, a throttled re-issue, duplicate and invalid
 * deliveries to the ingress — then scraped. Prometheus's own linter (`promtool check metrics`) must
 * find nothing in either output, every metric of the catalogue must be there with its type and its
 * labels, all snake_case, and every metric the alert rules (ops/prometheus/) and the dashboard
 * (ops/grafana/) read must be one of those the two processes export.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promtoolCheckMetrics } from '../../bench/storm/metrics-scrape';
import { freePort } from '../../dev/temporal-dev-server';
import type { ConnectFailureEvent } from '../../events/types';
import { startSimulator, type RunningSimulator } from '../../simulator';
import {
  addStormInstance,
  fillToQuota,
  quotaFailureEvent,
  type StormInstance,
} from '../../simulator/quota-storm';
import { ENGINE_METRICS } from '../../workflows/metric-catalogue';
import { testEnv } from '../helpers/env';
import { spawnCli, type CliProcess } from '../helpers/processes';
import { capacityPolicy, scenarioPolicy, testSpeedPolicies } from '../helpers/remediation-stack';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import {
  dashboardExpressions,
  metricNamesIn,
  recordingRuleNames,
  ruleExpressions,
} from '../helpers/promql-metric-names';
import { eventually } from '../helpers/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

jest.setTimeout(300_000);

/** The SDK's counter of failed workflow tasks, which the workflow-task alerts read. */
const FAILED_WORKFLOW_TASKS = 'temporal_workflow_task_execution_failed_total';

interface Scraped {
  /** Metric family → its `# TYPE`. */
  types: Map<string, string>;
  /** Metric family → label names seen on its samples. */
  labels: Map<string, Set<string>>;
  body: string;
}

/** The metrics the worker must export once every path ran, that `scraped` does not have. */
const missingOn = (scraped: Scraped): string[] =>
  [...Object.keys(ENGINE_METRICS), FAILED_WORKFLOW_TASKS].filter((name) => !scraped.types.has(name));

/** Reads the text exposition format: families by `# TYPE`, samples' label names by family. */
function parseExposition(body: string): Scraped {
  const types = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  for (const line of body.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    const family = [...types.keys()].find(
      (name) => sample[1] === name || /^_(bucket|sum|count)$/.test(sample[1]!.slice(name.length)),
    );
    const names = [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]!);
    const set = labels.get(family ?? sample[1]!) ?? new Set<string>();
    names.forEach((n) => set.add(n));
    labels.set(family ?? sample[1]!, set);
  }
  return { types, labels, body };
}

async function scrape(url: string): Promise<Scraped> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** `promtool check metrics` reads the exposition on stdin and prints one line per problem. */
async function promtoolProblems(body: string): Promise<string> {
  const problems = await promtoolCheckMetrics(body);
  if (!problems) throw new Error('promtool is not on PATH (bash scripts/install-promtool.sh)');
  return problems.join('\n');
}

const stopProcess = async (p: CliProcess | undefined) => {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
};

describe('the worker and the ingress, scraped after every metric-recording path ran', () => {
  let simulator: RunningSimulator;
  let gone: WebhookReceiver;
  let dir: string;
  let metered: StormInstance;
  let probed: StormInstance;
  let worker: CliProcess | undefined;
  let ingress: CliProcess | undefined;
  let workerUrl: string;
  let ingressUrl: string;
  let taskQueue: string;
  let temporal: TestTemporal;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, config: { rateLimits: 'off' } });
    gone = await startWebhookReceiver();
    gone.respondWith(404); // a channel that can never deliver as configured
    metered = await addStormInstance(simulator.admin, 1);
    probed = await addStormInstance(simulator.admin, 1);
    await fillToQuota(simulator.endpoint, metered, 1);
    await fillToQuota(simulator.endpoint, probed, 1);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-live-metrics-'));
    const policiesFile = path.join(dir, 'policies.yaml');
    fs.writeFileSync(
      policiesFile,
      testSpeedPolicies({
        channels: { 'gone-hook': { type: 'webhook', url: gone.url } },
        prepend: [
          scenarioPolicy('gone', { then: 'escalate', escalateTo: ['gone-hook'], operatorWait: '1s' }),
          scenarioPolicy('incident', {
            then: 'escalate',
            escalateTo: ['gone-hook'],
            operatorWait: '1s',
            incident: { window: '1s' },
          }),
          scenarioPolicy('throttled', { then: 'retry' }),
          capacityPolicy('metered-storm', metered.instanceId, { quota: 1 }),
          // Probing admits one run into the full quota: AWS refuses it (a quota error after admission).
          capacityPolicy('probed-storm', probed.instanceId, { quota: 1, source: 'probe' }),
        ],
      }),
    );
    temporal = await connectTestTemporal();
    taskQueue = uniqueTaskQueue('live-metrics');
    const env = {
      TEMPORAL_ADDRESS: testEnv('address'),
      TEMPORAL_NAMESPACE: testEnv('namespace'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      POLICIES_FILE: policiesFile,
      CONNECT_ENDPOINT: simulator.endpoint,
      EVENTBRIDGE_ENDPOINT: simulator.endpoint,
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'error',
    };
    const metricsPort = await freePort();
    worker = spawnCli(['worker'], { ...env, WORKER_METRICS_PORT: String(metricsPort) });
    await worker.waitFor(/polling task queue/, 180_000);
    workerUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const ingressPort = await freePort();
    ingress = spawnCli(['ingress'], { ...env, INGRESS_PORT: String(ingressPort) });
    await ingress.waitFor(/listening on/);
    ingressUrl = `http://127.0.0.1:${ingressPort}`;
  });
  afterAll(async () => {
    await stopProcess(ingress);
    await stopProcess(worker);
    await temporal?.close();
    await gone?.close();
    await simulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string) =>
    fetch(`${ingressUrl}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const scenarioEvent = (
    instance: StormInstance,
    marker: string,
    reasonCode: string,
  ): ConnectFailureEvent => {
    const event = quotaFailureEvent(instance, 1);
    event.detail.reasonCode = reasonCode;
    event.detail.error = `scenario:${marker} happened`;
    event.detail.additionalInfo = JSON.stringify({ retryable: true, retryDelay: 0.1 });
    return event;
  };

  test('every engine metric is exported with its type and labels, and promtool finds no problem', async () => {
    // A throttled re-issue first (AWS answers ThrottlingException once, then creates the task).
    await simulator.admin.injectFaults({
      errors: [{ operation: 'StartTaskContact', error: 'ThrottlingException', count: 1 }],
    });
    const events = [
      scenarioEvent(metered, 'throttled', 'ThrottlingException'),
      quotaFailureEvent(metered, 1),
      quotaFailureEvent(metered, 1),
      quotaFailureEvent(probed, 1),
      scenarioEvent(metered, 'gone', 'ResourceNotFoundException'),
      scenarioEvent(probed, 'incident', 'ResourceNotFoundException'),
    ];
    // A workflow task that fails (a type no worker has): the SDK's failed-task counter the
    // workflow-task alerts read exists only once a task has failed.
    const failing = await temporal.client.workflow.start('noSuchWorkflowType', {
      taskQueue,
      workflowId: `live-metrics-failing-${taskQueue}`,
      args: [],
    });
    const accepted = await post(JSON.stringify(events));
    expect(accepted.status).toBe(202);
    expect((await post(JSON.stringify(events[0]))).status).toBeLessThan(300); // a redelivery
    expect((await post('{"not": "an event"}')).status).toBe(400);
    // Capacity frees on the metered instance: its gate admits the waiting runs one by one.
    const freeing = setInterval(
      () => void simulator.admin.completeOldestTasks({ instanceId: metered.instanceId, count: 1 }),
      500,
    );
    let worked: Scraped;
    try {
      worked = await eventually(
        async () => {
          const scraped = await scrape(workerUrl);
          return missingOn(scraped).length === 0 ? scraped : undefined;
        },
        'every engine metric on the worker endpoint',
        240_000,
      ).catch(async (err: Error) => {
        const scraped = await scrape(workerUrl);
        throw new Error(`${err.message}; still missing: ${missingOn(scraped).join(', ')}`);
      });
    } finally {
      clearInterval(freeing);
      await failing.terminate('the live-metrics test needed one failed workflow task').catch(() => undefined);
    }
    expect(worked.labels.get(FAILED_WORKFLOW_TASKS)).toEqual(
      new Set(['namespace', 'service_name', 'task_queue', 'workflow_type', 'failure_reason']),
    );
    expect(worked.body).toMatch(
      new RegExp(`${FAILED_WORKFLOW_TASKS}\\{[^}]*workflow_type="noSuchWorkflowType"[^}]*\\} [1-9]`),
    );

    for (const [name, spec] of Object.entries(ENGINE_METRICS)) {
      expect({ name, type: worked.types.get(name) }).toEqual({ name, type: spec.type });
      const labels = worked.labels.get(name)!;
      for (const label of spec.labels)
        expect({ name, labels: [...labels] }).toEqual({ name, labels: expect.arrayContaining([label]) });
      if (spec.recordedBy === 'workflow')
        expect({ name, labels: [...labels] }).toEqual({
          name,
          labels: expect.arrayContaining(['namespace', 'task_queue', 'workflow_type']),
        });
    }
    // Prometheus's naming rules: snake_case labels everywhere, counters end in _total.
    for (const [name, labels] of worked.labels)
      for (const label of labels)
        expect({ name, label }).toEqual({ name, label: expect.stringMatching(/^[a-z_][a-z0-9_]*$/) });
    for (const [name, type] of worked.types) if (type === 'counter') expect(name).toMatch(/_total$/);

    expect(await promtoolProblems(worked.body)).toBe('');
    const ingressScrape = await scrape(`${ingressUrl}/metrics`);
    expect([...ingressScrape.types.keys()]).toEqual(
      expect.arrayContaining([
        'connect_remediator_ingress_events_received_total',
        'connect_remediator_ingress_events_rejected_total',
        'connect_remediator_ingress_request_duration_seconds',
      ]),
    );
    expect(await promtoolProblems(ingressScrape.body)).toBe('');

    // What ops plug in reads only what the processes really export (`up` is Prometheus's own).
    const exported = new Set(['up']);
    for (const scraped of [worked, ingressScrape])
      for (const line of scraped.body.split('\n')) {
        const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
        if (sample) exported.add(sample[1]!);
      }
    const recorded = new Set(recordingRuleNames());
    const queries = [
      ...ruleExpressions().map((r) => ({ where: `${r.file} ${r.name}`, expr: r.expr })),
      ...dashboardExpressions().map((q) => ({ where: `dashboard panel ${q.panel}`, expr: q.expr })),
    ];
    expect(queries.length).toBeGreaterThan(40);
    const unknown = queries.flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !exported.has(name) && !recorded.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  test('promtool does report a problem when there is one (the check above can fail)', async () => {
    const bad = '# HELP requests Requests\n# TYPE requests counter\nrequests{taskQueue="q"} 1\n';
    expect(await promtoolProblems(bad)).toMatch(/_total/);
  });
});
