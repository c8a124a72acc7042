/**
 * cli/ — `connect-remediator <command>`: one binary for every process and chore. Each command lives
 * in its own module under cli/commands/ and registers itself here; run inspection (`runs list |
 * show | signal`) is in cli/runs/, storm visibility (`capacity`) in cli/capacity/.
 */
import { Command, CommanderError } from 'commander';
import { registerCapacityCommand } from './commands/capacity';
import { registerDevCommand } from './commands/dev';
import { registerDlqCommand } from './commands/dlq';
import { registerSimulatorCommand } from './commands/simulator';
import { registerIngressCommand } from './commands/ingress';
import { registerPoliciesCommand } from './commands/policies';
import { registerRunsCommand } from './commands/runs';
import { registerIncidentsCommand } from './commands/incidents';
import { registerSubmitCommand } from './commands/submit';
import { registerWorkerCommand } from './commands/worker';

export function buildProgram(): Command {
  const program = new Command('connect-remediator')
    .description('Durable Temporal remediation of failed Amazon Connect rule actions')
    .showHelpAfterError()
    .exitOverride();
  registerDevCommand(program);
  registerWorkerCommand(program);
  registerSimulatorCommand(program);
  registerIngressCommand(program);
  registerSubmitCommand(program);
  registerPoliciesCommand(program);
  registerRunsCommand(program);
  registerIncidentsCommand(program);
  registerCapacityCommand(program);
  registerDlqCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    console.error(`connect-remediator: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
