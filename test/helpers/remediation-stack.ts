/**
 * The whole remediation stack for a test file: the run's shared Temporal dev server, an in-process
 * simulator, the real AWS SDK clients pointed at it, the shipped policy set with test-speed timings
 * in a temp file, and a real worker on a private task queue — assembled by the same
 * `startRemediationWorker` that `dev` and `worker` use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import YAML from 'yaml';
import type { ActivityDeps } from '../../activities';
import type { ConnectFailureEvent } from '../../events/types';
import { AWS_OPERATIONS } from '../../policies/api-budgets';
import { startSimulator, type RunningSimulator, type SimulatorConfigPatch } from '../../simulator';
import { loadConfig, webhookSettings, type Config } from '../../worker/config';
import { createLogger } from '../../worker/logger';
import { startRemediationWorker, type RemediationWorkerHandle } from '../../worker/remediation-worker';
import {
  REMEDIATION_WORKFLOW_TYPE,
  remediationWorkflowId,
  type RemediationResult,
} from '../../workflows/definitions';
import { testEnv } from './env';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from './temporal';

export const SHIPPED_POLICIES = path.join(__dirname, '..', '..', 'policies', 'policies.yaml');

export interface PolicyTweaks {
  /** `dotted.path` → value, applied to the document (e.g. `defaults.operatorWait`). */
  set?: Record<string, unknown>;
  /** Channels added next to the shipped ones. */
  channels?: Record<string, unknown>;
  /** Policies put before the shipped ones (first match wins), e.g. scenario policies keyed on `errorMatches`. */
  prepend?: Record<string, unknown>[];
}

/** The shipped policies with defaults a test can wait for (ms instead of minutes). */
export function testSpeedPolicies(tweaks: PolicyTweaks = {}): string {
  const doc = YAML.parseDocument(fs.readFileSync(SHIPPED_POLICIES, 'utf8'));
  doc.setIn(['defaults', 'retry'], {
    initialInterval: '200ms',
    backoffCoefficient: 2,
    maximumInterval: '2s',
    maximumAttempts: 4,
    jitter: 0.1,
    honorRetryDelay: true,
  });
  doc.setIn(['defaults', 'deadline'], '2m');
  doc.setIn(['defaults', 'operatorWait'], '10m');
  // Each run escalates on its own unless a test is about incidents (it turns them on).
  doc.setIn(['defaults', 'incident'], false);
  // Tests that are not about rates must not wait on AWS's 2 requests/s (they raise it here and
  // turn the simulator's limits off); rate tests set both to what they test.
  doc.setIn(
    ['apiRateLimits'],
    doc.createNode({ share: 1, operations: Object.fromEntries(AWS_OPERATIONS.map((op) => [op, 1000])) }),
  );
  for (const [name, channel] of Object.entries(tweaks.channels ?? {})) doc.setIn(['channels', name], channel);
  const policies = doc.get('policies') as YAML.YAMLSeq;
  for (const policy of [...(tweaks.prepend ?? [])].reverse()) policies.items.unshift(doc.createNode(policy));
  for (const [keyPath, value] of Object.entries(tweaks.set ?? {})) doc.setIn(keyPath.split('.'), value);
  return doc.toString();
}

/** A scenario policy, chosen by a marker in the event's error text (`scenario:<marker>`). */
export const scenarioPolicy = (marker: string, policy: Record<string, unknown>) => ({
  name: `test-${marker}`,
  when: { errorMatches: `scenario:${marker}\\b` },
  ...policy,
});

/**
 * A wait-for-capacity policy for one instance's quota failures; `capacity` replaces what the
 * tests otherwise share (wait up to 2m, then escalate; the metrics source).
 */
export const capacityPolicy = (name: string, instanceId: string, capacity: Record<string, unknown> = {}) => ({
  name,
  when: { reasonCode: 'ServiceQuotaExceededException', instanceId },
  then: 'wait-for-capacity',
  capacity: { maxWait: '2m', then: 'escalate', source: 'metrics', ...capacity },
});

export interface RemediationStack {
  temporal: TestTemporal;
  simulator: RunningSimulator;
  taskQueue: string;
  policiesFile: string;
  config: Config;
  worker: RemediationWorkerHandle;
  /** Starts the remediation run for an event, as the ingress would. */
  start(event: ConnectFailureEvent): Promise<WorkflowHandle>;
  result(handle: WorkflowHandle): Promise<RemediationResult>;
  /** Another worker process's worth on the same task queue (the caller stops it). */
  launchWorker(identity: string): Promise<RemediationWorkerHandle>;
  /** Stops the worker only (e.g. to simulate a crash); `startWorker` brings a new one. */
  stopWorker(): Promise<void>;
  startWorker(identity?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startRemediationStack(
  options: {
    policiesYaml?: string;
    name?: string;
    depsOverride?: Partial<ActivityDeps>;
    /** Simulator settings; by default AWS's rate limits are off (tests about rates turn them on). */
    simulator?: SimulatorConfigPatch;
    /** Capacity gates the worker caches (0: every gate workflow task replays its history). */
    maxCachedGates?: number;
  } = {},
): Promise<RemediationStack> {
  const temporal = await connectTestTemporal();
  const simulator = await startSimulator({ port: 0, config: { rateLimits: 'off', ...options.simulator } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-stack-'));
  const policiesFile = path.join(dir, 'policies.yaml');
  fs.writeFileSync(policiesFile, options.policiesYaml ?? testSpeedPolicies());
  const taskQueue = uniqueTaskQueue(options.name ?? 'remediation');
  const base = loadConfig({});
  const config: Config = {
    ...base,
    temporal: {
      ...base.temporal,
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue,
      webUiUrl: temporal.uiUrl,
    },
    aws: {
      region: 'us-east-1',
      connectEndpoint: simulator.endpoint,
      eventBridgeEndpoint: simulator.endpoint,
    },
    policiesFile,
    secrets: () => undefined,
    ...(options.maxCachedGates !== undefined ? { maxCachedGates: options.maxCachedGates } : {}),
    // Webhook destinations as the test process's environment states them (global-setup allows
    // loopback, where the tests' receivers listen), the same environment the policy file is
    // validated with.
    webhooks: webhookSettings(process.env),
  };
  const logger = createLogger('error', 'test');
  const launch = (identity?: string) =>
    startRemediationWorker({
      config,
      connection: temporal.nativeConnection,
      client: temporal.client,
      logger,
      workflowBundle: { codePath: testEnv('bundle') },
      ...(identity ? { identity } : {}),
      ...(options.depsOverride ? { depsOverride: options.depsOverride } : {}),
    });
  const stack: RemediationStack = {
    temporal,
    simulator,
    taskQueue,
    policiesFile,
    config,
    worker: await launch(),
    start: (event) =>
      temporal.client.workflow.start(REMEDIATION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: remediationWorkflowId(event.id),
        args: [{ event, receivedVia: 'test' }],
      }),
    result: (handle) => handle.result() as Promise<RemediationResult>,
    launchWorker: (identity) => launch(identity),
    stopWorker: () => stack.worker.stop(),
    startWorker: async (identity) => {
      stack.worker = await launch(identity);
    },
    stop: async () => {
      await stack.worker.stop();
      await simulator.stop();
      await temporal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
