/**
 * `connect-remediator runs list | show | signal`: the chores of an incident from a terminal — find
 * runs by what went wrong, read one run's story, and answer an escalated run.
 */
import type { Command } from 'commander';
import { REMEDIATION_PHASES } from '../../workflows/search-attributes';
import { loadConfig, webUiRunUrl } from '../../worker/config';
import {
  formatRunsFooter,
  formatRunsTable,
  formatRunStory,
  formatSignalSent,
  listRuns,
  loadRunStory,
  parsePhase,
  parseReason,
  parseSince,
  runsQuery,
  signalRun,
  type OperatorAction,
  type RunFilters,
} from '../runs';
import { withClient } from '../../worker/temporal-connection';
import { decisionFrom, withDecisionOptions, type DecisionOptions } from '../decision-options';
import { optionParser, parsePositiveInt } from '../options';

const DEFAULT_LIMIT = 50;

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('List, inspect and answer remediation runs');

  runs
    .command('list')
    .description('Remediation runs, newest first: id, reason, action, phase, attempts, age')
    .option(
      '--phase <phase>',
      `only runs in this phase (${REMEDIATION_PHASES.join(', ')})`,
      optionParser(parsePhase),
    )
    .option(
      '--reason <code>',
      'only runs for this reason code, e.g. ResourceNotFoundException',
      optionParser(parseReason),
    )
    .option(
      '--since <duration>',
      'only runs started within this long, e.g. 30m, 1h, 7d',
      optionParser(parseSince),
    )
    .option('--limit <n>', `at most this many runs (default ${DEFAULT_LIMIT})`, parsePositiveInt)
    .option('--json', 'print the runs as a JSON array')
    .action(
      async (options: {
        phase?: RunFilters['phase'];
        reason?: string;
        since?: number;
        limit?: number;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const limit = options.limit ?? DEFAULT_LIMIT;
        const now = new Date();
        const query = runsQuery(
          { phase: options.phase, reason: options.reason, sinceMs: options.since },
          now,
        );
        const rows = await withClient(config.temporal, (client) => listRuns(client, query, limit));
        if (options.json) return console.log(JSON.stringify(rows, null, 2));
        for (const line of formatRunsTable(rows, now)) console.log(line);
        const footer = formatRunsFooter(rows, limit);
        if (footer) console.log(footer);
      },
    );

  runs
    .command('show')
    .description(
      "One run's timeline: attempts with delays and errors, escalations, the decision, the outcome",
    )
    .argument('<workflowId>', 'the run, e.g. remediate-<event id>')
    .option('--json', 'print the gathered story as JSON')
    .action(async (workflowId: string, options: { json?: boolean }) => {
      const config = loadConfig();
      const story = await withClient(config.temporal, (client) =>
        loadRunStory(client, workflowId, (id) => webUiRunUrl(config.temporal, id)),
      );
      console.log(options.json ? JSON.stringify(story, null, 2) : formatRunStory(story).join('\n'));
    });

  withDecisionOptions(
    runs
      .command('signal')
      .description('Answer a run: retry (optionally with overrides), resolve or abandon')
      .argument('<workflowId>', 'the run, e.g. remediate-<event id>'),
    'why; kept in the run and its result',
  )
    .option('--json', 'print what was sent as JSON')
    .action(
      async (workflowId: string, action: OperatorAction, options: DecisionOptions & { json?: boolean }) => {
        const config = loadConfig();
        const decision = decisionFrom(action, options);
        const sent = await withClient(config.temporal, (client) =>
          signalRun(client, workflowId, action, decision),
        );
        if (options.json) return console.log(JSON.stringify(sent, null, 2));
        console.log(formatSignalSent(sent, webUiRunUrl(config.temporal, workflowId)).join('\n'));
      },
    );
}
