/**
 * Counts every AWS call the worker makes (connect_remediator_aws_requests_total), as a middleware on
 * the SDK client's own stack, like the call spans (worker/aws-call-spans.ts). By operation and
 * outcome — `ok` or AWS's error name (ThrottlingException, LimitExceededException, …) — so a
 * throttling storm, or an operation running at its rate budget, shows without tracing.
 */
import { addToCounter } from './engine-metrics';
import type { TraceableAwsClient } from './aws-call-spans';

export function countAwsCalls<C extends TraceableAwsClient>(client: C, service: string): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
      const count = (outcome: string) =>
        addToCounter('connect_remediator_aws_requests_total', 1, { service, operation, outcome });
      try {
        const result = await next(args);
        count('ok');
        return result;
      } catch (err) {
        count(err instanceof Error ? err.name : 'Error');
        throw err;
      }
    },
    { step: 'initialize', name: 'connectRemediatorCallCount', priority: 'high' },
  );
  return client;
}
