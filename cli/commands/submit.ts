import fs from 'node:fs';
import type { Command } from 'commander';
import { formatValidationError } from '../../events/validate';
import { loadConfig } from '../../worker/config';
import { admitEvents, rejectedResult, startAdmitted, type ItemResult, type Rejection } from '../../ingress';
import { withClient } from '../../worker/temporal-connection';

/** A person waits at the terminal, so each start may take longer than the ingress allows. */
const START_TIMEOUT_MS = 15_000;
const CONCURRENCY = 8;

async function readInput(file: string): Promise<string> {
  if (file !== '-') return fs.readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function describeResult(result: ItemResult, label: string): string[] {
  switch (result.status) {
    case 'started':
    case 'duplicate':
      return [
        `${result.status.padEnd(9)} ${result.workflowId}  ${result.webUiUrl}`,
        ...(result.warnings ?? []).map((w) => `          warning: ${w}`),
      ];
    case 'rejected':
      return [`rejected  ${label}:`, ...result.errors.map((e) => `          ${formatValidationError(e)}`)];
    case 'failed':
      return [`failed    ${result.workflowId}: ${result.message}`];
  }
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description(
      'Start remediation runs for failure events in a file (one event or an array; "-" reads stdin)',
    )
    .argument('<file>', 'JSON file with one EventBridge event or an array of them, or - for stdin')
    .option('--json', 'print the per-event results as one JSON document')
    .action(async (file: string, options: { json?: boolean }) => {
      const config = loadConfig();
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readInput(file));
      } catch (err) {
        throw new Error(`${file === '-' ? 'stdin' : file} is not JSON: ${(err as Error).message}`);
      }
      const isArray = Array.isArray(parsed);
      const admissions = admitEvents(isArray ? (parsed as unknown[]) : [parsed], true);
      // Only connect when something will start: a file of invalid events needs no Temporal.
      let results: ItemResult[];
      if (admissions.every((a): a is Rejection => !a.ok)) results = admissions.map(rejectedResult);
      else {
        results = await withClient(config.temporal, (client) =>
          startAdmitted(admissions, {
            client,
            target: config.temporal,
            via: 'cli',
            startTimeoutMs: START_TIMEOUT_MS,
            concurrency: CONCURRENCY,
          }),
        );
      }
      if (options.json) console.log(JSON.stringify(results, null, 2));
      else {
        for (const result of results) {
          const label = isArray ? `item ${result.index}` : 'the event';
          for (const line of describeResult(result, label)) console.log(line);
        }
      }
      if (results.some((r) => r.status === 'rejected' || r.status === 'failed')) process.exitCode = 1;
    });
}
