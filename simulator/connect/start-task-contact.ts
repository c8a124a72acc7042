/**
 * StartTaskContact as Amazon Connect behaves: ClientToken idempotency, the flow must belong to the
 * instance, the 12-tasks-per-PreviousContactId chain limit and the active-tasks quota. The two quota
 * errors share a name in AWS, which documents no message for either: the messages below are the
 * simulator's own (for people and tests). The engine tells them apart by the request instead.
 */
import { randomUUID } from 'node:crypto';
import { connectError } from '../aws-errors';
import type { SimulatorState } from '../state';
import type { StartTaskContactRequestRecord } from '../types';
import { StartTaskContactBody, type StartTaskContactInput } from './request-schemas';
import { requireInstance } from './lookup';
import { parseConnectBody } from './parse';

const FLOW_SOURCES = ['ContactFlowId', 'QuickConnectId', 'TaskTemplateId'] as const;
const SIX_DAYS_MS = 6 * 24 * 60 * 60 * 1000;
/** Clock skew tolerated before a ScheduledTime counts as "in the past". */
const SCHEDULE_SKEW_MS = 60_000;

export const FLOW_NOT_IN_INSTANCE = 'ContactFlowId provided does not belong to connect instance';

export function activeTasksQuotaMessage(instanceId: string, open: number, quota: number): string {
  return `Active tasks quota exceeded for instance ${instanceId}: ${open} open tasks, quota ${quota}`;
}

export function linkedTasksLimitMessage(limit: number): string {
  return `Cannot create more than ${limit} tasks linked to the same PreviousContactId`;
}

export function startTaskContact(state: SimulatorState, rawBody: unknown): { ContactId: string } {
  const input = parseConnectBody(StartTaskContactBody, rawBody);
  checkFlowSource(input);
  const nowMs = state.now();
  const scheduledForMs = checkScheduledTime(input, nowMs);
  const instance = requireInstance(state, input.InstanceId);
  const instanceId = instance.id;

  if (input.ClientToken !== undefined) {
    const earlier = state.tasks.findByClientToken(
      instanceId,
      input.ClientToken,
      nowMs,
      state.config.clientTokenTtlMs,
    );
    if (earlier) return { ContactId: earlier.contactId };
  }

  const flowId = input.ContactFlowId;
  // The simulator models contact flows only; a quick connect or task template never resolves.
  if (flowId === undefined) {
    const field = input.QuickConnectId !== undefined ? 'QuickConnectId' : 'TaskTemplateId';
    throw connectError('ResourceNotFoundException', `${field} provided does not belong to connect instance`);
  }
  if (!instance.flows.has(flowId)) throw connectError('ResourceNotFoundException', FLOW_NOT_IN_INSTANCE);

  const limit = state.config.linkedTasksLimit;
  if (
    input.PreviousContactId !== undefined &&
    state.tasks.linkedCount(instanceId, input.PreviousContactId) >= limit
  ) {
    throw connectError('ServiceQuotaExceededException', linkedTasksLimitMessage(limit));
  }
  const open = state.tasks.openCount(instanceId);
  const quota = state.activeTaskQuotaOf(instance);
  if (open >= quota) {
    throw connectError('ServiceQuotaExceededException', activeTasksQuotaMessage(instanceId, open, quota));
  }

  const contactId = randomUUID();
  state.tasks.add({
    contactId,
    instanceId,
    queueId: state.instances.queueForFlow(instance, flowId),
    createdBy: 'StartTaskContact',
    createdAtMs: nowMs,
    ...(scheduledForMs !== undefined ? { scheduledForMs } : {}),
    request: toRecord(input, instanceId),
  });
  return { ContactId: contactId };
}

function checkFlowSource(input: StartTaskContactInput): void {
  const given = FLOW_SOURCES.filter((field) => input[field] !== undefined);
  if (given.length === 0) {
    throw connectError(
      'InvalidRequestException',
      'Exactly one of ContactFlowId, QuickConnectId or TaskTemplateId is required',
    );
  }
  if (given.length > 1) {
    throw connectError(
      'InvalidRequestException',
      `Only one of ContactFlowId, QuickConnectId or TaskTemplateId may be given, got ${given.join(' and ')}`,
    );
  }
}

function checkScheduledTime(input: StartTaskContactInput, nowMs: number): number | undefined {
  if (input.ScheduledTime === undefined) return undefined;
  const atMs = input.ScheduledTime * 1000;
  if (!Number.isFinite(atMs) || atMs < nowMs - SCHEDULE_SKEW_MS || atMs > nowMs + SIX_DAYS_MS) {
    throw connectError(
      'InvalidParameterException',
      'ScheduledTime must not be in the past and must be within 6 days in the future',
    );
  }
  return atMs;
}

function toRecord(input: StartTaskContactInput, instanceId: string): StartTaskContactRequestRecord {
  const record: StartTaskContactRequestRecord = { InstanceId: instanceId, Name: input.Name };
  const optional = [
    'Description',
    'ContactFlowId',
    'QuickConnectId',
    'TaskTemplateId',
    'Attributes',
    'References',
    'ClientToken',
    'PreviousContactId',
    'RelatedContactId',
    'ScheduledTime',
    'SegmentAttributes',
    'Attachments',
  ] as const;
  for (const field of optional) {
    if (input[field] !== undefined) Object.assign(record, { [field]: input[field] });
  }
  return record;
}
