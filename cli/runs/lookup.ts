/** Finds a remediation run by workflow id, with errors that say what was wrong with the id. */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { REMEDIATION_WORKFLOW_TYPE } from '../../workflows/definitions';

export class RunLookupError extends Error {
  override name = 'RunLookupError';
}

export async function describeRemediationRun(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription> {
  let description: WorkflowExecutionDescription;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new RunLookupError(
        `no run with workflow id "${workflowId}" in namespace "${client.options.namespace}" (remediation runs are named remediate-<event id>; see \`runs list\`)`,
      );
    throw err;
  }
  if (description.type !== REMEDIATION_WORKFLOW_TYPE)
    throw new RunLookupError(
      `"${workflowId}" is a ${description.type} run, not a remediation run (${REMEDIATION_WORKFLOW_TYPE})`,
    );
  return description;
}
