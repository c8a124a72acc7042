/**
 * `connect-remediator capacity [instanceId]`: storm visibility — for each instance's running
 * capacity gate, what limits it, what waits, how fast it grants and how long the queue would take
 * to drain; with --watch, the same as a live chart redrawn every few seconds (cli/capacity/watch.ts).
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
import { watchCapacity } from '../capacity/watch';

export const DEFAULT_WATCH_INTERVAL_SECONDS = 3;

/** Seconds between refreshes: at least 0.5 (each refresh queries every gate), at most an hour. */
function intervalArgument(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.5 || n > 3600)
    throw new InvalidArgumentError(`expected seconds between 0.5 and 3600, got "${value}"`);
  return n;
}

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
    .option(
      '--watch',
      'redraw every --interval seconds as a live chart (open tasks vs quota, waiting, permits, grants/min; Ctrl-C quits); plain lines when stdout is not a terminal, one JSON array per refresh with --json',
    )
    .option(
      '--interval <seconds>',
      'with --watch: seconds between refreshes (0.5..3600)',
      intervalArgument,
      DEFAULT_WATCH_INTERVAL_SECONDS,
    )
    .action(
      async (
        instanceId: string | undefined,
        options: { json?: boolean; watch?: boolean; interval: number },
      ) => {
        const config = loadConfig();
        if (options.watch) {
          const query = capacityGatesQuery(instanceId);
          return withClient(config.temporal, (client) =>
            watchCapacity({
              fetch: () => listGateReports(client, query),
              intervalSeconds: options.interval,
              json: options.json ?? false,
              namespace: config.temporal.namespace,
              ...(instanceId !== undefined ? { instanceId } : {}),
            }),
          );
        }
        const reports = await withClient(config.temporal, (client) =>
          listGateReports(client, capacityGatesQuery(instanceId)),
        );
        if (options.json) return console.log(JSON.stringify(reports, null, 2));
        if (reports.length === 0) return console.log(formatNoGate(config.temporal.namespace, instanceId));
        console.log(formatCapacityReport(reports, new Date()).join('\n'));
      },
    );
}
