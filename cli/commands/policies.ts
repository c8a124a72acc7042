/**
 * `connect-remediator policies validate [file]`, `policies explain --event <file>`, `policies test`
 * and `policies diff`: what ops run before saving the policy file — is it valid, what does an event
 * get, do the decisions they pinned still hold, and which recent failures would now be treated
 * differently.
 */
import { readFile } from 'node:fs/promises';
import { CommanderError, type Command } from 'commander';
import type { ConnectFailureEvent } from '../../events/types';
import { formatValidationError, validateFailureEvent } from '../../events/validate';
import { formatPolicyError } from '../../policies/errors';
import { explainEvent } from '../../policies/explain';
import { additionalInfoOf, matchFactsOf } from '../../policies/facts';
import { readPolicyFile } from '../../policies/load.node';
import type { PolicySet } from '../../policies/policy-set';
import { loadConfig } from '../../worker/config';
import { DEFAULT_DIFF_LIMIT, policiesDiff } from '../policies/diff';
import { defaultCasesFile, EXIT_ERROR, policiesTest } from '../policies/run-cases';
import { optionParser, parsePositiveInt } from '../options';
import { parseSince } from '../runs';

export function registerPoliciesCommand(program: Command): void {
  const policies = program
    .command('policies')
    .description('Check, explain, test and compare remediation policy files');

  policies
    .command('validate')
    .description('Check a policy file and print every error with file:line:column (exit 1 on errors)')
    .argument('[file]', 'policy file (default: POLICIES_FILE or policies/policies.yaml)')
    .action(async (file: string | undefined) => {
      const target = file ?? loadConfig().policiesFile;
      const set = await loadOrReport(target);
      if (set) console.log(`${target}: OK, ${set.policies.length} policies, hash ${set.hash}`);
    });

  policies
    .command('explain')
    .description('Show which policy an event gets, why earlier ones do not match, and the planned attempts')
    .requiredOption('--event <file>', 'failure event JSON (as EventBridge delivers it)')
    .option('--policies <file>', 'policy file (default: POLICIES_FILE or policies/policies.yaml)')
    .action(async (options: { event: string; policies?: string }) => {
      const set = await loadOrReport(options.policies ?? loadConfig().policiesFile);
      if (!set) return;
      const event = await readEvent(options.event);
      if (!event) return;
      const { lines } = explainEvent({
        set,
        facts: matchFactsOf(event),
        eventId: event.id,
        retryHintMs: additionalInfoOf(event).retryDelay,
      });
      console.log(lines.join('\n'));
    });

  exitTwoOnUsageErrors(
    policies
      .command('test')
      .description(
        'Check the decisions cases files pin (policy, strategy, attempts, delays, channels, capacity, re-issue) against the policy file: exit 1 on a mismatch, 2 when a file cannot be loaded',
      )
      .argument(
        '[cases-file...]',
        'cases files (default: the policy file with .cases.yaml, e.g. policies/policies.cases.yaml)',
      )
      .option('--policies <file>', 'policy file (default: POLICIES_FILE or policies/policies.yaml)')
      .option('--junit <file>', 'also write the results to this file as JUnit XML, for CI'),
  ).action(async (casesFiles: string[], options: { policies?: string; junit?: string }) => {
    const policiesFile = options.policies ?? loadConfig().policiesFile;
    process.exitCode = await policiesTest({
      policiesFile,
      casesFiles: casesFiles.length ? casesFiles : [defaultCasesFile(policiesFile)],
      ...(options.junit ? { junit: options.junit } : {}),
    });
  });

  exitTwoOnUsageErrors(
    policies
      .command('diff')
      .description(
        'Which failures a new policy file would treat differently: over the runs started within --since (read from Temporal, never changed) or over --cases files; exit 0 when nothing changes, 1 when something does, 2 on errors',
      )
      .argument('<old-file>', 'the policy file in force (e.g. policies/policies.yaml)')
      .argument('<new-file>', 'the edited policy file')
      .option(
        '--since <duration>',
        'compare over the remediation runs started within this long, e.g. 1h, 7d',
        optionParser((text) => ({ text, ms: parseSince(text) })),
      )
      .option(
        '--limit <n>',
        `at most this many runs, newest first (default ${DEFAULT_DIFF_LIMIT})`,
        parsePositiveInt,
      )
      .option('--cases <file...>', 'compare over the events of these cases files instead of runs')
      .option('--json', 'print the comparison as JSON, with the id of every changed run'),
  ).action(
    async (
      oldFile: string,
      newFile: string,
      options: { since?: { text: string; ms: number }; limit?: number; cases?: string[]; json?: boolean },
    ) => {
      process.exitCode = await policiesDiff(
        {
          oldFile,
          newFile,
          ...(options.since ? { since: options.since } : {}),
          ...(options.cases ? { cases: options.cases } : {}),
          limit: options.limit ?? DEFAULT_DIFF_LIMIT,
          json: options.json ?? false,
        },
        loadConfig().temporal,
      );
    },
  );
}

/** A command whose exit status 1 means "a decision changed" reports a bad command line as 2. */
function exitTwoOnUsageErrors(command: Command): Command {
  return command.exitOverride((err) => {
    throw err.exitCode === 0 ? err : new CommanderError(EXIT_ERROR, err.code, err.message);
  });
}

/** The set, or undefined after printing every error and setting exit code 1. */
async function loadOrReport(file: string): Promise<PolicySet | undefined> {
  const result = await readPolicyFile(file);
  if (result.ok) return result.set;
  for (const error of result.errors) console.error(formatPolicyError(error));
  console.error(`${file}: ${result.errors.length} error(s); the policy set was not loaded`);
  process.exitCode = 1;
  return undefined;
}

/** The event, validated as the ingress does; prints every problem and sets exit code 1 otherwise. */
async function readEvent(file: string): Promise<ConnectFailureEvent | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    console.error(`${file}: cannot read the event: ${(err as Error).message}`);
    process.exitCode = 1;
    return undefined;
  }
  const result = validateFailureEvent(raw);
  if (result.ok) return result.event;
  for (const error of result.errors) console.error(`${file}: ${formatValidationError(error)}`);
  process.exitCode = 1;
  return undefined;
}
