/**
 * `policies test [cases-file…]`: every case of every cases file checked against one policy file.
 * Exit status 0 when all hold, 1 when any case fails, 2 when a file cannot be loaded (so a CI job
 * tells "an edit changed a decision" from "a file is broken").
 */
import { readFile } from 'node:fs/promises';
import { checkCase } from '../../policies/cases/check';
import { readCasesFile, type TestCase } from '../../policies/cases/load.node';
import { parsePolicyText } from '../../policies/load.node';
import { PolicyFileLines } from '../../policies/origins';
import type { PolicySet } from '../../policies/policy-set';
import { displayPath, printLoadErrors } from './display';
import { writeJunit } from './junit';
import { formatTestRun, type TestRun } from './test-report';

export const EXIT_OK = 0;
export const EXIT_CHANGED = 1;
export const EXIT_ERROR = 2;

/** `policies/policies.yaml` → `policies/policies.cases.yaml`: where a policy file's cases live. */
export function defaultCasesFile(policiesFile: string): string {
  return `${policiesFile.replace(/\.ya?ml$/, '')}.cases.yaml`;
}

/** A policy set and its lines, or undefined after printing every error. */
export async function loadPolicies(
  file: string,
): Promise<{ set: PolicySet; lines: PolicyFileLines } | undefined> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    console.error(`${shown}:1:1: cannot read the file: ${reason}`);
    return undefined;
  }
  const result = parsePolicyText(text, shown);
  if (!result.ok) {
    printLoadErrors(file, result.errors, 'policy set');
    return undefined;
  }
  return { set: result.set, lines: new PolicyFileLines(text, shown) };
}

/** Every cases file loaded, or undefined after printing every error of every file. */
export async function loadCasesFiles(
  files: string[],
): Promise<{ file: string; cases: TestCase[] }[] | undefined> {
  const results = await Promise.all(files.map((file) => readCasesFile(displayPath(file))));
  let failed = false;
  for (const result of results) {
    if (result.ok) continue;
    failed = true;
    printLoadErrors(result.file, result.errors, 'cases file');
  }
  return failed ? undefined : results.flatMap((result) => (result.ok ? [result] : []));
}

export async function policiesTest(options: {
  policiesFile: string;
  casesFiles: string[];
  junit?: string;
}): Promise<number> {
  const policies = await loadPolicies(options.policiesFile);
  const loaded = await loadCasesFiles(options.casesFiles);
  if (!policies || !loaded) return EXIT_ERROR;
  const run: TestRun = {
    policiesFile: policies.set.fileName,
    hash: policies.set.hash,
    startedAt: new Date(),
    files: loaded.map(({ file, cases }) => ({
      file,
      outcomes: cases.map((testCase) => {
        const started = performance.now();
        const checked = checkCase({ ...testCase, set: policies.set, lines: policies.lines });
        return { testCase, ...checked, seconds: (performance.now() - started) / 1000 };
      }),
    })),
  };
  console.log(formatTestRun(run).join('\n'));
  if (options.junit) await writeJunit(options.junit, run);
  return run.files.some((file) => file.outcomes.some((outcome) => outcome.mismatches.length))
    ? EXIT_CHANGED
    : EXIT_OK;
}
