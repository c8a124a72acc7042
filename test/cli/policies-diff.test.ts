/**
 * `connect-remediator policies diff` against the real dev server: 300 remediation runs of three
 * kinds of failure, started as the ingress starts them on a task queue no worker polls (diff reads
 * only their inputs), in a namespace of their own so other test files' runs never count. A new
 * policy file that escalates throttling changes exactly the throttling runs. Acceptance of issue 26.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { google } from '@temporalio/proto';
import type { ConnectFailureEvent } from '../../events/types';
import { mapConcurrent } from '../../ingress/map-concurrent';
import { startRemediation } from '../../ingress/start-remediation';
import { ensureSearchAttributes } from '../../worker/search-attribute-registration';
import { REMEDIATION_WORKFLOW_TYPE } from '../../workflows/definitions';
import { testEnv } from '../helpers/env';
import { failureEvent, loadSampleEvent } from '../helpers/events';
import { runCli } from '../helpers/processes';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { REPO_ROOT, SHIPPED_POLICIES } from '../policies/fixtures';

jest.setTimeout(120_000);

const PER_KIND = 100;
const SHIPPED = path.relative(REPO_ROOT, SHIPPED_POLICIES);

let temporal: TestTemporal;
let namespace: string;
let client: Client;
const ids = { quota: [] as string[], throttling: [] as string[], flow: [] as string[] };
let escalateThrottling: string;

const kinds: Record<keyof typeof ids, () => ConnectFailureEvent> = {
  quota: () =>
    failureEvent({
      reasonCode: 'ServiceQuotaExceededException',
      error: 'Active tasks quota exceeded',
      additionalInfo: JSON.stringify({ retryable: false }),
    }),
  throttling: () =>
    failureEvent({
      reasonCode: 'ThrottlingException',
      error: 'Rate exceeded',
      additionalInfo: JSON.stringify({ retryable: true, retryDelay: 120 }),
    }),
  flow: () => failureEvent(loadSampleEvent().detail),
};

beforeAll(async () => {
  temporal = await connectTestTemporal();
  namespace = `policies-diff-${randomUUID().slice(0, 8)}`;
  await temporal.connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: google.protobuf.Duration.fromObject({ seconds: 86_400 }),
  });
  await ensureSearchAttributes(temporal.connection, namespace);
  client = new Client({ connection: temporal.connection, namespace });
  const target = {
    taskQueue: uniqueTaskQueue('policies-diff-unpolled'),
    namespace,
    webUiUrl: temporal.uiUrl,
  };
  // A new namespace and its attributes reach every part of the server within a few seconds.
  await eventually(
    () =>
      client.workflowService
        .countWorkflowExecutions({ namespace, query: 'ConnectReasonCode = "x"' })
        .then(() => true)
        .catch(() => false),
    'the namespace and its search attributes to be usable',
  );

  const events = (Object.keys(kinds) as (keyof typeof ids)[]).flatMap((kind) =>
    Array.from({ length: PER_KIND }, () => ({ kind, event: kinds[kind]() })),
  );
  await mapConcurrent(events, 20, async ({ kind, event }) => {
    const started = await startRemediation(client, target, event, 'cli');
    ids[kind].push(started.workflowId);
  });
  await eventually(
    async () =>
      Number(
        (
          await client.workflowService.countWorkflowExecutions({
            namespace,
            query: `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}'`,
          })
        ).count,
      ) ===
      3 * PER_KIND,
    'all 300 runs in visibility',
  );

  const shipped = fs.readFileSync(SHIPPED_POLICIES, 'utf8');
  const anchor = '  # Rate limits and failures inside AWS';
  expect(shipped).toContain(anchor);
  escalateThrottling = path.join(fs.mkdtempSync(path.join(testEnv('tmp'), 'policies-diff-')), 'new.yaml');
  fs.writeFileSync(
    escalateThrottling,
    shipped.replace(
      anchor,
      [
        '  - name: throttling-escalates',
        '    when: { reasonCode: ThrottlingException }',
        '    then: escalate',
        '',
        anchor,
      ].join('\n'),
    ),
  );
});

afterAll(() => temporal?.close());

const diff = (...args: string[]) =>
  runCli(['policies', 'diff', ...args], { address: temporal.address, namespace, uiUrl: temporal.uiUrl });

interface JsonPair {
  changed: boolean;
  count: number;
  old: { label: string };
  new: { label: string };
  differs: string[];
  examples: { workflowId: string; url: string }[];
  items?: string[];
}

test('a new file that escalates throttling changes exactly the 100 throttling runs, exit 1', async () => {
  const { code, output } = await diff(SHIPPED, escalateThrottling, '--since', '1h', '--json');
  const report = JSON.parse(output) as {
    compared: number;
    changed: number;
    unchanged: number;
    temporalCalls: { listPages: number; historyReads: number };
    pairs: JsonPair[];
    skipped: unknown[];
  };
  expect(report).toMatchObject({ compared: 300, changed: 100, unchanged: 200, skipped: [] });
  const changed = report.pairs.filter((pair) => pair.changed);
  expect(changed).toHaveLength(1);
  expect(changed[0]).toMatchObject({
    count: 100,
    old: { label: 'transient (retry)' },
    new: { label: 'throttling-escalates (escalate)' },
    differs: ['policy', 'strategy', 'schedule'],
  });
  expect([...changed[0]!.items!].sort()).toEqual([...ids.throttling].sort());
  expect(changed[0]!.examples).toHaveLength(3);
  for (const example of changed[0]!.examples) {
    expect(ids.throttling).toContain(example.workflowId);
    expect(example.url).toMatch(
      new RegExp(`^${temporal.uiUrl}/namespaces/${namespace}/workflows/${example.workflowId}/[0-9a-f-]+$`),
    );
  }
  expect(
    report.pairs
      .filter((pair) => !pair.changed)
      .map((pair) => [pair.old.label, pair.count])
      .sort(),
  ).toEqual([
    ['flow-misconfigured (escalate)', 100],
    ['task-quota (wait-for-capacity)', 100],
  ]);
  // One list page for 300 runs, one history read per run.
  expect(report.temporalCalls).toEqual({ listPages: 1, historyReads: 300 });
  expect(code).toBe(1);

  // The same, for people: each pair's count, what differs, examples with their links.
  const text = await diff(SHIPPED, escalateThrottling, '--since', '1h');
  expect(text.output).toMatch(
    /^300 run\(s\) started since .+ \(--since 1h\), read with 1 list page\(s\) and 300 history read\(s\)$/m,
  );
  expect(text.output).toContain('CHANGED  100 run(s)  transient (retry) → throttling-escalates (escalate)');
  expect(text.output).toMatch(/^ {2}strategy +retry → escalate$/m);
  expect(text.output).toMatch(/^ {2}schedule +8 attempt\(s\): 10s, 20s, .* → none: the policy escalates$/m);
  expect(text.output).toMatch(
    new RegExp(`^ {2}e\\.g\\. +remediate-\\S+ {2}${temporal.uiUrl}/namespaces/${namespace}/workflows/`, 'm'),
  );
  expect(text.output).toContain('same     100 run(s)  flow-misconfigured (escalate)');
  expect(text.output).toContain('same     100 run(s)  task-quota (wait-for-capacity)');
  expect(text.output.trimEnd().split('\n').at(-1)).toBe('100 of 300 run(s) would be treated differently');
  expect(text.code).toBe(1);
});

test('an identical file changes nothing: exit 0', async () => {
  const { code, output } = await diff(SHIPPED, SHIPPED, '--since', '1h');
  expect(output.trimEnd().split('\n').at(-1)).toBe('no run would be treated differently (300 compared)');
  expect(code).toBe(0);
});

test('--limit bounds the runs read, and says the window may hold more', async () => {
  const { code, output } = await diff(SHIPPED, SHIPPED, '--since', '1h', '--limit', '40', '--json');
  const report = JSON.parse(output) as {
    compared: number;
    temporalCalls: { listPages: number; historyReads: number };
    source: { limitReached: boolean };
  };
  expect(report.compared).toBe(40);
  expect(report.temporalCalls).toEqual({ listPages: 1, historyReads: 40 });
  expect(report.source.limitReached).toBe(true);
  expect(code).toBe(0);
});

test('diff never changes a run: all 300 are still running, their histories as they started', async () => {
  const running = await client.workflowService.countWorkflowExecutions({
    namespace,
    query: `WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
  });
  expect(Number(running.count)).toBe(300);
  for (const workflowId of [ids.quota[0]!, ids.throttling[0]!, ids.flow[0]!]) {
    const description = await client.workflow.getHandle(workflowId).describe();
    // WorkflowExecutionStarted and WorkflowTaskScheduled: nothing was sent to the run.
    expect(description.historyLength).toBe(2);
  }
});

test('a window with no runs compares nothing and exits 0', async () => {
  const { code, output } = await diff(SHIPPED, escalateThrottling, '--since', '1ms');
  expect(output).toContain('0 run(s) started since');
  expect(output.trimEnd().split('\n').at(-1)).toBe('no run would be treated differently (0 compared)');
  expect(code).toBe(0);
});

test('runs that cannot be read (no such namespace) are exit 2, with the reason', async () => {
  const { code, output } = await runCli(['policies', 'diff', SHIPPED, escalateThrottling, '--since', '1h'], {
    address: temporal.address,
    namespace: `${namespace}-none`,
  });
  expect(output).toMatch(/policies diff: cannot read the runs from Temporal: .*not found/i);
  expect(code).toBe(2);
});
