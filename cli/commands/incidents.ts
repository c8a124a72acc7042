/**
 * `connect-remediator incidents list | show | answer`: escalations grouped by cause, answered once
 * for all their runs (the options mirror `runs list` and `runs signal`).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { withClient } from '../../worker/temporal-connection';
import {
  answerIncident,
  formatIncident,
  formatIncidentsTable,
  incidentStatus,
  listIncidents,
} from '../incidents';
import { decisionFrom, withDecisionOptions, type DecisionOptions } from '../decision-options';
import { parsePositiveInt } from '../options';
import type { OperatorAction } from '../runs';

export function registerIncidentsCommand(program: Command): void {
  const incidents = program
    .command('incidents')
    .description('Escalations grouped by cause: list them, read one, answer all its runs at once');

  incidents
    .command('list')
    .description('Incidents, newest first: id, state, reason, action, rule, age')
    .option('--open', 'only incidents still open')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .option('--json', 'print the rows as JSON')
    .action(async (options: { open?: boolean; limit: number; json?: boolean }) => {
      const config = loadConfig();
      const rows = await withClient(config.temporal, (client) =>
        listIncidents(client, { open: options.open === true, limit: options.limit }),
      );
      console.log(options.json ? JSON.stringify(rows, null, 2) : formatIncidentsTable(rows).join('\n'));
    });

  incidents
    .command('show')
    .description('One incident: cause, runs, first and last seen, sample errors, the answer')
    .argument('<incidentId>', 'the incident, e.g. incident-<hash>')
    .option('--json', 'print the status as JSON')
    .action(async (incidentId: string, options: { json?: boolean }) => {
      const config = loadConfig();
      const status = await withClient(config.temporal, (client) => incidentStatus(client, incidentId));
      console.log(options.json ? JSON.stringify(status, null, 2) : formatIncident(status).join('\n'));
    });

  withDecisionOptions(
    incidents
      .command('answer')
      .description('Answer every run of an incident: retry (optionally with overrides), resolve or abandon')
      .argument('<incidentId>', 'the incident, e.g. incident-<hash>'),
    'why; kept in each run and its result',
  )
    .option('--json', 'print the incident’s receipt as JSON')
    .action(
      async (incidentId: string, chosen: OperatorAction, options: DecisionOptions & { json?: boolean }) => {
        const config = loadConfig();
        const decision = decisionFrom(chosen, options);
        const receipt = await withClient(config.temporal, (client) =>
          answerIncident(client, incidentId, chosen, decision),
        );
        if (options.json) return console.log(JSON.stringify({ incidentId, ...receipt, decision }, null, 2));
        console.log(
          [
            `${incidentId} accepted ${receipt.action}: sent to its ${receipt.runs} waiting run(s); runs that join while it is open get it too`,
            `  by:       ${decision.by}`,
            `  note:     ${decision.note ?? '-'}`,
            ...Object.entries(decision.overrides ?? {}).map(([k, v]) => `  override: ${k}=${v}`),
            `  follow:   connect-remediator incidents show ${incidentId}`,
          ].join('\n'),
        );
      },
    );
}
