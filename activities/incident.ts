/**
 * Joining an incident: the run's escalation goes to the incident of its cause — the event fields
 * its policy groups by — started on demand (signal-with-start, so thousands of runs of one broken
 * rule start exactly one incident and each join is one signal). The incident's id is derived from
 * the cause, so a run of the same cause finds it again; once it closed, the next one opens anew.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { instanceIdFromArn } from '../events/arn';
import type { ConnectFailureEvent } from '../events/types';
import type { ChannelConfig, IncidentSettings } from '../policies/types';

/** The incident workflow's names, handed in by the worker (activities do not import workflows). */
export interface IncidentContract {
  workflowType: string;
  joinSignal: string;
}

export interface IncidentDeps {
  temporal: { client: Client; taskQueue: string; incident: IncidentContract };
  /** Web UI link to the runs a visibility query finds. */
  runsUrl: (query: string) => string;
}

export interface JoinIncidentInput {
  event: ConnectFailureEvent;
  workflowId: string;
  reason: string;
  policy: {
    name: string;
    setHash: string;
    escalateTo: ChannelConfig[];
    fallback?: ChannelConfig;
    operatorWaitMs?: number;
    incident: IncidentSettings;
  };
}

/** The event's values of the grouped fields: the incident's cause. */
export function incidentKey(
  event: ConnectFailureEvent,
  groupBy: IncidentSettings['groupBy'],
): Record<string, string> {
  const values: Record<IncidentSettings['groupBy'][number], string> = {
    instanceId: instanceIdFromArn(event.detail.instanceArn) ?? 'unknown',
    ruleId: event.detail.ruleId,
    actionType: event.detail.actionType,
    reasonCode: event.detail.reasonCode,
    triggerEvent: event.detail.triggerEvent,
  };
  return Object.fromEntries([...groupBy].sort().map((field) => [field, values[field]]));
}

export function incidentId(key: Record<string, string>): string {
  return `incident-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 20)}`;
}

/** The search attribute runs carry to be listed as the incident's (see workflows/search-attributes.ts). */
export const INCIDENT_RUNS_QUERY = (id: string) => `RemediationIncident = "${id}"`;

export function createIncidentActivities(deps: IncidentDeps) {
  return {
    /** Joins (or opens) the incident of the run's cause; returns its id. */
    async joinIncident({
      event,
      workflowId,
      reason,
      policy,
    }: JoinIncidentInput): Promise<{ incidentId: string }> {
      const key = incidentKey(event, policy.incident.groupBy);
      const id = incidentId(key);
      const instanceId = instanceIdFromArn(event.detail.instanceArn) ?? '';
      await deps.temporal.client.workflow.signalWithStart(deps.temporal.incident.workflowType, {
        workflowId: id,
        taskQueue: deps.temporal.taskQueue,
        args: [
          {
            incidentId: id,
            key,
            policy,
            event,
            instanceId,
            runsUrl: deps.runsUrl(INCIDENT_RUNS_QUERY(id)),
          },
        ],
        signal: deps.temporal.incident.joinSignal,
        signalArgs: [
          { workflowId, eventId: event.id, error: event.detail.error, reason, at: new Date().toISOString() },
        ],
        staticSummary: `Incident: ${Object.values(key).join(' / ')}`,
      });
      return { incidentId: id };
    },
  };
}
