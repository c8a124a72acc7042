/**
 * `policies diff` over N runs in the window: N remediation runs of three kinds of failure (task
 * quota, throttling, a missing contact flow) are started on a private dev server, on a task queue
 * no worker polls — the command reads only their inputs — and then `bin/connect-remediator
 * policies diff` is run as ops run it, a child process, comparing the shipped policies with a copy
 * that escalates throttling. Reported: its wall time (node start-up included) and its own reading
 * time, and the Temporal calls it made against the bound to meet: one list page per 1,000 runs and
 * one history read per run. The result is checked (every throttling run changed, nothing else)
 * before it is reported.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { ConnectFailureEvent } from '../events/types';
import { mapConcurrent } from '../ingress/map-concurrent';
import { startRemediation, type StartTarget } from '../ingress/start-remediation';
import { REMEDIATION_WORKFLOW_TYPE } from '../workflows/definitions';
import { positiveInt } from './options';
import { startBenchTemporal, type BenchTemporal } from './temporal';

const PROJECT_ROOT = path.join(__dirname, '..');
const CLI = path.join(PROJECT_ROOT, 'bin', 'connect-remediator');
const SHIPPED_POLICIES = path.join(PROJECT_ROOT, 'policies', 'policies.yaml');
/** What `policies diff` reads per list page (the server's default maximum), for the bound. */
const RUNS_PER_LIST_PAGE = 1000;
const VISIBILITY_TIMEOUT_MS = 300_000;

interface Options {
  runs: number;
  concurrency: number;
}

function parseOptions(args: string[]): Options {
  return new Command('policies-diff')
    .option('--runs <n>', 'runs in the window', positiveInt, 10_000)
    .option('--concurrency <c>', 'starts in flight while the runs are created', positiveInt, 32)
    .exitOverride()
    .parse(args, { from: 'user' })
    .opts<Options>();
}

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/cb54730f-5aac-4376-b2f4-7c822889931e';
const KINDS = [
  {
    reasonCode: 'ServiceQuotaExceededException',
    error: 'Active tasks quota exceeded',
    info: { retryable: false },
  },
  { reasonCode: 'ThrottlingException', error: 'Rate exceeded', info: { retryable: true, retryDelay: 120 } },
  {
    reasonCode: 'ResourceNotFoundException',
    error: 'ContactFlowId provided does not belong to connect instance',
    info: { retryable: false, retryDelay: 28.2 },
  },
] as const;

function benchEvent(index: number): ConnectFailureEvent {
  const kind = KINDS[index % KINDS.length]!;
  return {
    version: '0',
    id: `bench-diff-${index}-${randomUUID()}`,
    source: 'aws.connect',
    'detail-type': 'Amazon Connect Rules Action Execution Failed',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [INSTANCE_ARN],
    detail: {
      ruleId: '7410c94b-21c2-4db0-a707-c6d751edbe8f',
      actionType: 'CREATE_TASK',
      triggerEvent: 'THIRD_PARTY',
      instanceArn: INSTANCE_ARN,
      reasonCode: kind.reasonCode,
      error: kind.error,
      additionalInfo: JSON.stringify(kind.info),
    },
  };
}

/** The shipped policies with throttling sent straight to escalation (above `transient`). */
function writeNewPolicies(dir: string): string {
  const anchor = '  # Rate limits and failures inside AWS';
  const shipped = fs.readFileSync(SHIPPED_POLICIES, 'utf8');
  if (!shipped.includes(anchor))
    throw new Error(`policies.yaml no longer contains ${JSON.stringify(anchor)}`);
  const file = path.join(dir, 'escalate-throttling.yaml');
  const policy = [
    '  - name: throttling-escalates',
    '    when: { reasonCode: ThrottlingException }',
    '    then: escalate',
  ];
  fs.writeFileSync(file, shipped.replace(anchor, [...policy, '', anchor].join('\n')));
  return file;
}

async function startRuns(temporal: BenchTemporal, options: Options, log: (line: string) => void) {
  const target: StartTarget = {
    taskQueue: `bench-policies-diff-unpolled-${randomUUID().slice(0, 8)}`,
    namespace: temporal.namespace,
    webUiUrl: 'http://localhost:8233',
  };
  let started = 0;
  const ticker = setInterval(() => log(`${started} of ${options.runs} runs started`), 10_000);
  const t0 = performance.now();
  try {
    await mapConcurrent(
      Array.from({ length: options.runs }, (_, i) => i),
      options.concurrency,
      async (i) => {
        const outcome = await startRemediation(temporal.client, target, benchEvent(i), 'cli');
        if (outcome.status !== 'started') throw new Error(`start ${i}: ${outcome.status}`);
        started++;
      },
    );
  } finally {
    clearInterval(ticker);
  }
  return { seconds: (performance.now() - t0) / 1000 };
}

async function waitForVisibility(temporal: BenchTemporal, runs: number): Promise<void> {
  const until = Date.now() + VISIBILITY_TIMEOUT_MS;
  for (;;) {
    const { count } = await temporal.client.workflowService.countWorkflowExecutions({
      namespace: temporal.namespace,
      query: `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}'`,
    });
    if (Number(count) >= runs) return;
    if (Date.now() > until) throw new Error(`visibility lists ${count} of ${runs} runs after 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The command as ops run it: its own process, configured by TEMPORAL_ADDRESS / _NAMESPACE only. */
function runDiff(temporal: BenchTemporal, args: string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')),
  );
  const t0 = performance.now();
  const child = spawn(CLI, ['policies', 'diff', ...args], {
    env: { ...env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string; wallSeconds: number }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) =>
        resolve({ code, stdout, stderr, wallSeconds: (performance.now() - t0) / 1000 }),
      );
    },
  );
}

interface DiffJson {
  compared: number;
  changed: number;
  elapsedMs: number;
  source: { historyReadParallelism: number };
  temporalCalls: { listPages: number; historyReads: number };
  pairs: { changed: boolean; count: number; new: { label: string } }[];
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(args: string[], log: (line: string) => void): Promise<Record<string, unknown>> {
  const options = parseOptions(args);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-policies-diff-'));
  const temporal = await startBenchTemporal(log);
  try {
    log(`starting ${options.runs} runs on an unpolled task queue, ${options.concurrency} in flight`);
    const starts = await startRuns(temporal, options, log);
    log(`started in ${round(starts.seconds, 1)} s; waiting for visibility to list them all`);
    await waitForVisibility(temporal, options.runs);

    const newPolicies = writeNewPolicies(dir);
    log(`policies diff over ${options.runs} runs`);
    const diff = await runDiff(temporal, [
      SHIPPED_POLICIES,
      newPolicies,
      '--since',
      '1d',
      '--limit',
      String(options.runs),
      '--json',
    ]);
    if (diff.code !== 1) throw new Error(`policies diff exited ${diff.code}, expected 1:\n${diff.stderr}`);
    const report = JSON.parse(diff.stdout) as DiffJson;
    const throttling = Math.floor((options.runs + 1) / KINDS.length);
    const changed = report.pairs.filter((pair) => pair.changed);
    if (
      report.compared !== options.runs ||
      report.changed !== throttling ||
      changed.length !== 1 ||
      changed[0]!.new.label !== 'throttling-escalates (escalate)'
    )
      throw new Error(
        `policies diff compared ${report.compared} and changed ${report.changed} (expected ${options.runs} and ${throttling}): ${JSON.stringify(report.pairs.map(({ changed: c, count, new: n }) => ({ c, count, n })))}`,
      );

    const bound = { listPages: Math.ceil(options.runs / RUNS_PER_LIST_PAGE), historyReads: options.runs };
    const calls = report.temporalCalls;
    return {
      runs: options.runs,
      startsPerSecond: round(options.runs / starts.seconds, 1),
      wallSeconds: round(diff.wallSeconds),
      readAndDecideSeconds: round(report.elapsedMs / 1000),
      runsPerSecond: round(options.runs / diff.wallSeconds, 1),
      listPages: calls.listPages,
      historyReads: calls.historyReads,
      bound,
      withinBound: calls.listPages <= bound.listPages && calls.historyReads <= bound.historyReads,
      historyReadsInFlight: report.source.historyReadParallelism,
      changed: report.changed,
      exitCode: diff.code,
    };
  } finally {
    await temporal.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
