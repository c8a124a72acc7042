/**
 * The task-capacity gate's side effects:
 *
 * - `admissionRound` (GetCurrentMetricData task queue): the instance's one capacity setting from
 *   the worker's policy file, its open tasks (GetCurrentMetricData over its queues), and — free
 *   slots allowing — the waiting runs taken from its waiting room (waiting-room.ts);
 * - `admitWaiter` (StartTaskContact task queue): one taken run's re-issue, answered to the run;
 * - `ensureCapacityGate` (local activity): starts the instance's gate unless it runs.
 *
 * Reading and taking happen in one activity so that what is taken fits what was just read.
 */
import {
  GetCurrentMetricDataCommand,
  paginateListQueues,
  type ConnectClient,
  type CurrentMetricName,
} from '@aws-sdk/client-connect';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { setTimeout as delay } from 'node:timers/promises';
import { instanceIdFromArn } from '../events/arn';
import { errorSummaryOf, type ErrorSummary } from '../events/aws-failure';
import { capacitySettingsPolicy } from '../policies/instance-capacity';
import { BUILTIN_CAPACITY } from '../policies/builtin-defaults';
import type { AppliedQuotaReader } from './applied-quota';
import { callAws } from './aws-failures';
import type { PolicySource } from './policy';
import type { ReissueResult } from './reissue';
import { actionOfRule, type RuleReader } from './rules';
import { WaitingRoom, type TakenWaiter, type WaitingRoomContract } from './waiting-room';

/**
 * Tasks that count against the active-tasks quota: waiting in queue, scheduled for later, and
 * being worked (slots in use). Real Connect needs the queues to filter on.
 */
export const OPEN_TASK_METRICS: CurrentMetricName[] = [
  'CONTACTS_IN_QUEUE',
  'CONTACTS_SCHEDULED',
  'SLOTS_ACTIVE',
];

/** Tasks wait in standard queues and in agents' own queues (a task transferred to an agent). */
const TASK_QUEUE_TYPES = ['STANDARD', 'AGENT'] as const;

/** GetCurrentMetricData takes at most 100 queues per call. */
export const QUEUES_PER_METRICS_CALL = 100;

/** Queue ids are listed again this often (queues change rarely; one ListQueues per instance). */
const QUEUE_LIST_TTL_MS = 5 * 60_000;

/** A round may wait this long before reading (Temporal timers under a second fire late). */
const MAX_READ_DELAY_MS = 1_000;

/** How long this process trusts that an instance's gate runs (a start is a no-op meanwhile). */
const GATE_SEEN_TTL_MS = 1_000;
/**
 * How long a taken run may take to read news it has not read (an operator's decision) before the
 * gate hands its turn back. Covers a worker that has just come back: the run's workflow task waits
 * out its dead worker's sticky queue (10 s by the SDK's default) before any worker gets it.
 */
const NEWS_GRACE_MS = 15_000;

/** The instance's one capacity setting (see policies/instance-capacity.ts), as a gate uses it. */
export interface GateSettings {
  source: 'metrics' | 'probe';
  quota?: number;
  /** Where the quota came from: the file, CloudWatch (`quota: auto`), or the fallback. */
  quotaFrom?: 'policy' | 'cloudwatch' | 'fallback';
  queues?: string[];
  /** Admissions per second at most: the engine's StartTaskContact budget. */
  grantsPerSecond?: number;
  setHash?: string;
  /** The policy whose capacity block set it (none: the built-in setting). */
  policy?: string;
}

export interface AdmissionRoundInput {
  instanceId: string;
  /** The remediation task queue (the waiting room's name derives from it). */
  taskQueue: string;
  /** Admissions the gate may start now (its batch and the StartTaskContact budget). */
  maxTake: number;
  /** Re-issues the gate has out: they hold capacity Connect's count may not show yet. */
  inFlight: number;
  /** Free slots by the gate's probe window (probe source, or metrics that cannot be read). */
  probeSlots: number;
  /** Listen this long for a first waiter when the room is empty (0: take only what is there). */
  listenMs: number;
  /** Read no earlier than this (epoch ms, at most a second away). */
  notBefore?: number;
}

export interface AdmissionRound {
  settings: GateSettings;
  /** Tasks open on the instance, when read. */
  openTasks?: number;
  /** Why metrics could not be read (the round used the probe window instead). */
  metricsUnreadable?: string;
  /** Free slots the round found (after the gate's re-issues in flight). */
  free: number;
  /** The room's backlog as Temporal last reported it (approximate, seconds old). */
  waiting?: number;
  taken: TakenWaiter[];
  /** Fewer waiters than asked for were there: the room is empty for now. */
  roomEmpty: boolean;
}

/** What one admission came to (the run's waiting task carries the full answer). */
export type AdmissionOutcome =
  | { kind: 'created'; workflowId: string; contactId: string }
  /** AWS refused the re-issue: the gate reads the error like the run does. */
  | { kind: 'refused'; workflowId: string; error: ErrorSummary }
  /** The run's operator decided while it waited: nothing was re-issued. */
  | { kind: 'cancelled'; workflowId: string }
  /** The run was gone (ended, or its waiting task timed out and queued again). */
  | { kind: 'gone'; workflowId: string }
  /** The run had news it did not read in the gate's grace (a decision, most often): it queues again. */
  | { kind: 'handed-back'; workflowId: string };

export interface CapacityGateContract extends WaitingRoomContract {
  workflowType: string;
  workflowId(instanceId: string): string;
  /** The gates' own task queue, from the main one. */
  gatesTaskQueue(mainTaskQueue: string): string;
  /** The failure type of a waiter handed back for want of capacity. */
  handBackFailureType: string;
}

export interface CapacityDeps {
  connect: ConnectClient;
  policies: PolicySource;
  quotas?: AppliedQuotaReader;
  /** The rule's definition, read once a minute per rule in this process. */
  rules: RuleReader;
  /** The re-issue itself (activities/reissue.ts), for the run it is done for. */
  startTask(
    request: TakenWaiter['request'],
    workflowId: string,
    task: object | undefined,
  ): Promise<ReissueResult>;
  temporal: { client: Client; taskQueue: string; capacityGate: CapacityGateContract };
}

export function createCapacityActivities(deps: CapacityDeps) {
  const gate = deps.temporal.capacityGate;
  const client = deps.temporal.client;
  const room = new WaitingRoom(client, gate);
  const queueIds = new Map<string, { ids: string[]; at: number }>();
  const gatesSeen = new Map<string, number>();

  async function instanceQueueIds(instanceId: string, configured?: string[]): Promise<string[]> {
    if (configured?.length) return configured;
    const hit = queueIds.get(instanceId);
    if (hit && Date.now() - hit.at < QUEUE_LIST_TTL_MS) return hit.ids;
    const ids: string[] = [];
    await callAws('ListQueues', async () => {
      for await (const page of paginateListQueues(
        { client: deps.connect },
        { InstanceId: instanceId, QueueTypes: [...TASK_QUEUE_TYPES] },
      )) {
        for (const q of page.QueueSummaryList ?? []) if (q.Id) ids.push(q.Id);
      }
    });
    queueIds.set(instanceId, { ids, at: Date.now() });
    return ids;
  }

  async function openTasksOf(instanceId: string, queues: string[]): Promise<number> {
    let open = 0;
    for (let i = 0; i < queues.length; i += QUEUES_PER_METRICS_CALL) {
      const response = await callAws('GetCurrentMetricData', () =>
        deps.connect.send(
          new GetCurrentMetricDataCommand({
            InstanceId: instanceId,
            Filters: { Channels: ['TASK'], Queues: queues.slice(i, i + QUEUES_PER_METRICS_CALL) },
            CurrentMetrics: OPEN_TASK_METRICS.map((Name) => ({ Name, Unit: 'COUNT' })),
          }),
        ),
      );
      for (const result of response.MetricResults ?? []) {
        for (const c of result.Collections ?? []) open += c.Value ?? 0;
      }
    }
    return Math.round(open);
  }

  /** The instance's setting by the worker's current policy file; `quota: auto` read from CloudWatch. */
  async function settingsOf(instanceId: string): Promise<GateSettings> {
    const { set } = deps.policies.current();
    const owner = capacitySettingsPolicy(set, instanceId);
    const capacity = owner?.capacity ?? BUILTIN_CAPACITY;
    const settings: GateSettings = {
      source: capacity.source,
      ...(capacity.quota !== undefined ? { quota: capacity.quota, quotaFrom: 'policy' as const } : {}),
      ...(capacity.queues?.length ? { queues: capacity.queues } : {}),
      grantsPerSecond: set.apiBudgets.StartTaskContact,
      setHash: set.hash,
      ...(owner ? { policy: owner.name } : {}),
    };
    if (capacity.quotaAuto && capacity.source === 'metrics' && deps.quotas) {
      const applied = await deps.quotas.quotaOf(instanceId);
      if (applied !== undefined) Object.assign(settings, { quota: applied, quotaFrom: 'cloudwatch' });
      else settings.quotaFrom = 'fallback';
    }
    return settings;
  }

  /** Free slots by Connect's count, or by the gate's probe window when it cannot be read. */
  async function freeSlots(input: AdmissionRoundInput, settings: GateSettings) {
    if (settings.source !== 'metrics' || settings.quota === undefined) return { free: input.probeSlots };
    try {
      const openTasks = await openTasksOf(
        input.instanceId,
        await instanceQueueIds(input.instanceId, settings.queues),
      );
      return { openTasks, free: Math.max(0, settings.quota - openTasks - input.inFlight) };
    } catch (err) {
      // Permissions or an outage: probe until the metrics can be read again.
      const why = err instanceof ApplicationFailure ? `${err.type} (${err.message})` : (err as Error).message;
      return { free: input.probeSlots, metricsUnreadable: why };
    }
  }

  return {
    async admissionRound(input: AdmissionRoundInput): Promise<AdmissionRound> {
      if (input.notBefore !== undefined) {
        await delay(Math.max(0, Math.min(input.notBefore - Date.now(), MAX_READ_DELAY_MS)));
      }
      // An empty room: wait for the first waiter before reading (there is nothing to read for).
      const stopped = () => Context.current().cancellationSignal.aborted;
      const held =
        input.listenMs > 0
          ? await room.take(input.taskQueue, input.instanceId, 1, { ms: input.listenMs, stopped })
          : [];
      const settings = await settingsOf(input.instanceId);
      const waiting = await room.backlog(input.taskQueue, input.instanceId);
      if (input.listenMs > 0 && held.length === 0) {
        return {
          settings,
          free: 0,
          taken: [],
          roomEmpty: true,
          ...(waiting !== undefined ? { waiting } : {}),
        };
      }
      const read = await freeSlots(input, settings);
      const allowed = Math.min(read.free, input.maxTake);
      // Listened for, but no capacity after all: the run queues again at once.
      for (const waiter of held.slice(allowed)) await room.handBack(waiter, gate.handBackFailureType);
      const wanted = Math.max(0, allowed - held.length);
      const more = await room.take(input.taskQueue, input.instanceId, wanted);
      return {
        settings,
        ...read,
        ...(waiting !== undefined ? { waiting } : {}),
        taken: [...held.slice(0, allowed), ...more],
        roomEmpty: wanted > 0 && more.length < wanted,
      };
    },

    /**
     * One taken run's re-issue: unless the run stopped waiting (its operator decided), the rule
     * (read once a minute per rule in this process) and StartTaskContact, then the run's waiting
     * task answered with the result or with AWS's refusal. A throttled call is retried in place.
     */
    async admitWaiter({ waiter }: { instanceId: string; waiter: TakenWaiter }): Promise<AdmissionOutcome> {
      const { workflowId } = waiter;
      const state = await room.waiterState(waiter, NEWS_GRACE_MS);
      if (state === 'stopped') {
        return (await room.cancelled(waiter))
          ? { kind: 'cancelled', workflowId }
          : { kind: 'gone', workflowId };
      }
      if (state === 'unread-news') {
        // Its worker is down or far behind: the run reads its news before its turn comes again.
        return (await room.handBack(waiter, gate.handBackFailureType))
          ? { kind: 'handed-back', workflowId }
          : { kind: 'gone', workflowId };
      }
      const { event } = waiter.request;
      let result: ReissueResult;
      try {
        const rule = await deps.rules.read(
          instanceIdFromArn(event.detail.instanceArn) ?? '',
          event.detail.ruleId,
        );
        const action = actionOfRule(rule, event.detail.actionType);
        result = await deps.startTask(waiter.request, workflowId, action.task);
      } catch (err) {
        if (!(err instanceof ApplicationFailure) || !err.nonRetryable) throw err; // retried in place
        await room.refuse(waiter, err);
        return { kind: 'refused', workflowId, error: errorSummaryOf(err) };
      }
      // A run that stopped waiting meanwhile gets the same task again by ClientToken when it retries.
      return (await room.answer(waiter, result))
        ? { kind: 'created', workflowId, contactId: result.resultId }
        : { kind: 'gone', workflowId };
    },

    /** Local activity: starts the instance's gate unless it runs (a no-op start otherwise). */
    async ensureCapacityGate({ instanceId }: { instanceId: string }): Promise<void> {
      const seenAt = gatesSeen.get(instanceId);
      if (seenAt !== undefined && Date.now() - seenAt < GATE_SEEN_TTL_MS) return;
      await client.workflow.start(gate.workflowType, {
        workflowId: gate.workflowId(instanceId),
        taskQueue: gate.gatesTaskQueue(deps.temporal.taskQueue),
        args: [{ instanceId, taskQueue: deps.temporal.taskQueue }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Task-capacity gate for Connect instance ${instanceId}`,
      });
      gatesSeen.set(instanceId, Date.now());
    },
  };
}
