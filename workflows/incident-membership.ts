/**
 * A run's side of an incident (workflows/incident.ts): escalations of one cause join one incident
 * instead of notifying the channels themselves. Joining is retried until it succeeds (visibly, as
 * a pending activity): the run must reach its incident, whose answer then arrives as the run's own
 * decision.
 */
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RemediationActivities } from '../activities';
import type { ConnectFailureEvent } from '../events/types';
import type { ResolvedPolicy } from '../policies/types';
import type { EscalationRecord } from './definitions';
import { RemediationIncident } from './search-attributes';

const { joinIncident } = proxyActivities<RemediationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

/** Joins the incident of the run's cause; the record names it as the escalation's one "channel". */
export async function joinIncidentOfCause(
  event: ConnectFailureEvent,
  policy: ResolvedPolicy,
  record: EscalationRecord,
): Promise<string> {
  const { name, setHash, escalateTo, fallback, operatorWaitMs, incident } = policy;
  const { incidentId } = await joinIncident.executeWithOptions(
    { summary: 'Join the incident of this cause' },
    [
      {
        event,
        workflowId: workflowInfo().workflowId,
        reason: record.reason,
        policy: {
          name,
          setHash,
          escalateTo,
          ...(fallback ? { fallback } : {}),
          ...(operatorWaitMs !== undefined ? { operatorWaitMs } : {}),
          incident: incident!,
        },
      },
    ],
  );
  record.channels.push({
    name: incidentId,
    type: 'incident',
    ok: true,
    detail: `joined incident ${incidentId}`,
  });
  upsertSearchAttributes([{ key: RemediationIncident, value: incidentId }]);
  return incidentId;
}
