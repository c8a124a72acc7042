/**
 * What `runs signal` and `incidents answer` share: the `<action>` argument, `--note`,
 * `--override key=value` (repeatable, retry only) and `--by`, and the operator decision they make.
 */
import os from 'node:os';
import type { Command } from 'commander';
import type { OperatorDecision } from '../workflows/definitions';
import { validateOperatorDecision } from '../policies/operator-decision';
import { optionParser } from './options';
import { OPERATOR_ACTIONS, parseAction, parseOverrides, type OperatorAction } from './runs';

export interface DecisionOptions {
  note?: string;
  override?: string[];
  by?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Adds the action argument and the decision's options; `noteHelp` says where the note is kept. */
export function withDecisionOptions(command: Command, noteHelp: string): Command {
  return command
    .argument('<action>', OPERATOR_ACTIONS.join(' | '), optionParser(parseAction))
    .option('--note <text>', noteHelp)
    .option(
      '--override <key=value>',
      'retry only: a re-issue override (repeatable), e.g. contactFlowId=<id>',
      collect,
    )
    .option('--by <name>', 'who decides (default: your OS user name)');
}

/**
 * The decision the options describe, checked by the schema the run validates with
 * (policies/operator-decision.ts): a refusal names the option and what it expects.
 */
export function decisionFrom(action: OperatorAction, options: DecisionOptions): OperatorDecision {
  const overrides = parseOverrides(options.override ?? []);
  if (action !== 'retry' && Object.keys(overrides).length) {
    throw new Error(`--override applies to retry only, not to ${action}`);
  }
  const check = validateOperatorDecision({
    action,
    by: options.by ?? operatorName(),
    ...(options.note !== undefined ? { note: options.note } : {}),
    ...(Object.keys(overrides).length ? { overrides } : {}),
  });
  if (!check.ok) {
    throw new Error(
      check.problems
        .map((p) => `--${p.field.split(/[.[]/)[0]}: expected ${p.expected}, got ${p.found}`)
        .join('; '),
    );
  }
  const { action: _action, ...decision } = check.decision;
  return decision;
}
