/**
 * `npm run bench -- <name> [options]`: runs one registered benchmark and prints its result as ONE
 * JSON line on stdout ({bench, machine, …}); progress goes to stderr.
 */
// Benchmark output is JSON lines; the AWS SDK's Node.js-version notice is not one (see README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { CommanderError } from 'commander';
import { BENCHMARKS } from './registry';
import { machineInfo } from './machine';

function usage(): string {
  const names = Object.entries(BENCHMARKS).map(
    ([name, entry]) => `  ${name.padEnd(14)} ${entry.description}`,
  );
  return ['Usage: npm run bench -- <name> [options]', '', 'Benchmarks:', ...names].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const entry = name === undefined ? undefined : BENCHMARKS[name];
  if (!entry) {
    console.error(name === undefined ? usage() : `Unknown benchmark "${name}".\n\n${usage()}`);
    return 2;
  }
  const log = (line: string) => console.error(`[bench ${name}] ${line}`);
  const result = await entry.benchmark.run(args, log);
  console.log(JSON.stringify({ bench: name, machine: machineInfo(), ...result }));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // --help, or an option commander refused (it has printed why).
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
