import type { Command } from 'commander';
import { formatValidationError } from '../../events/validate';
import { replayDeadLetters, type ReplayItem, type ReplayReport } from '../../ingress';
import { createSqsClient } from '../../worker/aws-clients';
import { loadConfig } from '../../worker/config';
import { withClient } from '../../worker/temporal-connection';
import { terminalProgress } from '../../worker/terminal-progress';
import { parsePositiveInt } from '../options';

/** A person waits at the terminal, as for `submit`. */
const START_TIMEOUT_MS = 15_000;
const CONCURRENCY = 8;

function describeItem(item: ReplayItem): string[] {
  const why = item.deadLetteredFor ? [`          dead-lettered for: ${item.deadLetteredFor}`] : [];
  switch (item.status) {
    case 'started':
    case 'duplicate':
      return [`${item.status.padEnd(9)} ${item.workflowId}  ${item.webUiUrl}`];
    case 'would-replay':
      return [`would replay event ${item.eventId} (message ${item.messageId})`, ...why];
    case 'invalid':
    case 'too-large':
      return [
        `not replayed: message ${item.messageId} is ${item.status === 'invalid' ? 'not a valid event' : 'too large'}:`,
        ...(item.errors ?? []).map((e) => `          ${formatValidationError(e)}`),
        ...why,
      ];
    case 'failed':
      return [`not replayed: ${item.workflowId} could not be started: ${item.reason}`];
  }
}

function summary(report: ReplayReport): string {
  if (report.dryRun) {
    return `dry run: ${report.received} messages read, ${report.wouldReplay} would be replayed, ${report.notReplayed} could not be; nothing started or deleted`;
  }
  return (
    `${report.received} messages read: ${report.started} started, ${report.duplicate} duplicate (both deleted), ` +
    `${report.notReplayed} not replayed (left in the queue)`
  );
}

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description(
      'Work with a dead-letter queue of failure events (EventBridge target DLQ or the SQS ingress DLQ)',
    );
  dlq
    .command('replay')
    .description('Re-submit the events in a dead-letter queue; delete what started or already ran')
    .argument('<queue-url>', 'URL of the SQS dead-letter queue (SQS_ENDPOINT points at the simulator)')
    .option('--dry-run', 'validate and report only: start nothing, delete nothing')
    .option('--limit <n>', 'read at most n messages', parsePositiveInt)
    .option('--json', 'print the report as one JSON document')
    .action(async (queueUrl: string, options: { dryRun?: boolean; limit?: number; json?: boolean }) => {
      const config = loadConfig();
      const sqs = createSqsClient(config.aws);
      const progress = terminalProgress();
      try {
        const common = {
          sqs,
          queueUrl,
          dryRun: options.dryRun ?? false,
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
          target: config.temporal,
          startTimeoutMs: START_TIMEOUT_MS,
          concurrency: CONCURRENCY,
          onProgress: ({ received, replayed, kept }: { received: number; replayed: number; kept: number }) =>
            progress.update(
              `dlq replay: ${received} message(s) read, ${replayed} ${options.dryRun ? 'would be replayed' : 'replayed'}, ${kept} kept`,
            ),
        };
        // A dry run needs no Temporal at all.
        const report = common.dryRun
          ? await replayDeadLetters(common)
          : await withClient(config.temporal, (client) => replayDeadLetters({ ...common, client }));
        progress.done();
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else {
          for (const item of report.items) for (const line of describeItem(item)) console.log(line);
          console.log(summary(report));
        }
        if (report.notReplayed > 0) process.exitCode = 1;
      } finally {
        progress.done();
        sqs.destroy();
      }
    });
}
