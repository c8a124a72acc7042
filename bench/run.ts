/**
 * `npm run bench -- <name> [options]`: runs one registered benchmark and prints its result as ONE
 * JSON line on stdout ({bench, machine, …}); progress goes to stderr.
 */
// Benchmark output is JSON lines; the AWS SDK's Node.js-version notice is not one (see README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { CommanderError } from 'commander';
import { BENCHMARKS } from './registry';
import { machineInfo } from './machine';
import { terminalProgress } from '../worker/terminal-progress';

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
  // On a terminal a status line (the benchmark's own, else the time so far) stays under the log.
  const terminal = terminalProgress(process.stderr);
  const startedAt = Date.now();
  let status = '';
  const draw = () => terminal.update(`[bench ${name}] ${elapsed(startedAt)}${status ? ` · ${status}` : ''}`);
  const ticker = setInterval(draw, 1000);
  const log = (line: string) => terminal.log(`[bench ${name}] ${line}`);
  try {
    const result = await entry.benchmark.run(args, log, (line) => {
      status = line;
      draw();
    });
    terminal.done();
    console.log(JSON.stringify({ bench: name, machine: machineInfo(), ...result }));
    return 0;
  } finally {
    clearInterval(ticker);
    terminal.done();
  }
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
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
