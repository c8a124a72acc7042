/**
 * `connect-remediator capacity [instanceId]`: storm visibility — for each instance's running
 * capacity gate, what limits it, what waits, how fast it grants and how long the queue would take
 * to drain.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { withClient } from '../../worker/temporal-connection';
import {
  capacityGatesQuery,
  formatCapacityReport,
  formatNoGate,
  listGateReports,
  parseInstanceId,
} from '../capacity';

function instanceArgument(value: string): string {
  try {
    return parseInstanceId(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function registerCapacityCommand(program: Command): void {
  program
    .command('capacity')
    .description(
      "Task-quota storms: each running capacity gate's quota, open tasks, waiting runs, re-issues in flight, grant rate and drain estimate",
    )
    .argument('[instanceId]', 'only this Connect instance (id or instance ARN)', instanceArgument)
    .option('--json', "print the gates' statuses, each with its drain estimate, as a JSON array")
    .action(async (instanceId: string | undefined, options: { json?: boolean }) => {
      const config = loadConfig();
      const reports = await withClient(config.temporal, (client) =>
        listGateReports(client, capacityGatesQuery(instanceId)),
      );
      if (options.json) return console.log(JSON.stringify(reports, null, 2));
      if (reports.length === 0) return console.log(formatNoGate(config.temporal.namespace, instanceId));
      console.log(formatCapacityReport(reports, new Date()).join('\n'));
    });
}
