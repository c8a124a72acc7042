/**
 * `capacity [instanceId]` → the visibility query for running gate workflows. Pure: the instance id
 * is checked before it is quoted into the query, so an argument can never change the query's shape.
 */
import { instanceIdFromArn } from '../../events/arn';
import { CAPACITY_GATE_WORKFLOW_TYPE, capacityGateWorkflowId } from '../../workflows/definitions';

// As in an instance ARN's resource part: a UUID in practice.
const INSTANCE_ID = /^[0-9a-zA-Z-]{1,100}$/;

/** An instance id, or its ARN (arn:aws:connect:<region>:<account>:instance/<id>) → the id. */
export function parseInstanceId(value: string): string {
  const id = instanceIdFromArn(value) ?? value;
  if (!INSTANCE_ID.test(id))
    throw new Error(
      `expected an Amazon Connect instance id (e.g. cb54730f-5aac-4376-b2f4-7c822889931e) or instance ARN; got "${value}"`,
    );
  return id;
}

/** Running capacity gates: every instance's, or the one of `instanceId`. */
export function capacityGatesQuery(instanceId?: string): string {
  const clauses = [`WorkflowType = '${CAPACITY_GATE_WORKFLOW_TYPE}'`, `ExecutionStatus = 'Running'`];
  if (instanceId !== undefined)
    clauses.push(`WorkflowId = '${capacityGateWorkflowId(parseInstanceId(instanceId))}'`);
  return clauses.join(' AND ');
}

/** The instance a gate workflow id stands for (task-capacity-<instanceId>). */
export function instanceIdOfGate(workflowId: string): string {
  const prefix = capacityGateWorkflowId('');
  return workflowId.startsWith(prefix) ? workflowId.slice(prefix.length) : workflowId;
}
