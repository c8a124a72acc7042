/**
 * `connect-remediator runs list | show | signal`: the chores of an incident from a terminal — find
 * runs by what went wrong, read one run's story, and answer an escalated run.
 */
import os from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { REMEDIATION_PHASES } from '../../workflows/search-attributes';
import { loadConfig, webUiRunUrl } from '../../worker/config';
import {
  formatRunsFooter,
  formatRunsTable,
  formatRunStory,
  formatSignalSent,
  listRuns,
  loadRunStory,
  OPERATOR_ACTIONS,
  parseAction,
  parseOverrides,
  parsePhase,
  parseReason,
  parseSince,
  runsQuery,
  signalRun,
  type RunFilters,
} from '../runs';
import { withClient } from '../../worker/temporal-connection';
import { parsePositiveInt } from '../options';

const DEFAULT_LIMIT = 50;

/** Commander reports an InvalidArgumentError with the option's name in front of our message. */
function optionParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

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

  runs
    .command('signal')
    .description('Answer a run: retry (optionally with overrides), resolve or abandon')
    .argument('<workflowId>', 'the run, e.g. remediate-<event id>')
    .argument('<action>', OPERATOR_ACTIONS.join(' | '), optionParser(parseAction))
    .option('--note <text>', 'why; kept in the run and its result')
    .option(
      '--override <key=value>',
      'retry only: a re-issue override (repeatable), e.g. contactFlowId=<id>',
      collect,
    )
    .option('--by <name>', 'who decides (default: your OS user name)')
    .option('--json', 'print what was sent as JSON')
    .action(
      async (
        workflowId: string,
        action: ReturnType<typeof parseAction>,
        options: { note?: string; override?: string[]; by?: string; json?: boolean },
      ) => {
        const config = loadConfig();
        const overrides = parseOverrides(options.override ?? []);
        const decision = {
          by: options.by ?? operatorName(),
          ...(options.note !== undefined ? { note: options.note } : {}),
          ...(Object.keys(overrides).length ? { overrides } : {}),
        };
        const sent = await withClient(config.temporal, (client) =>
          signalRun(client, workflowId, action, decision),
        );
        if (options.json) return console.log(JSON.stringify(sent, null, 2));
        console.log(formatSignalSent(sent, webUiRunUrl(config.temporal, workflowId)).join('\n'));
      },
    );
}
