/**
 * `policies test --junit <file>`: the results as JUnit XML, the report format CI systems (GitHub
 * Actions reporters, GitLab, Jenkins, Buildkite) read — one <testsuite> per cases file, one
 * <testcase> per case, a <failure> with expected, actual and the deciding lines per failed case.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { failureLines, type TestRun } from './test-report';

/** XML 1.0 allows neither C0 controls (but tab, newline, return) nor lone surrogates, even escaped. */
const INVALID_XML = new RegExp(
  // eslint-disable-next-line no-control-regex -- finding the characters XML forbids is the point
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
  'g',
);

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (s: number) => s.toFixed(3);

export function formatJunit(run: TestRun): string {
  const count = (predicate: (failures: number) => boolean) =>
    run.files.reduce(
      (sum, file) => sum + file.outcomes.filter((outcome) => predicate(outcome.mismatches.length)).length,
      0,
    );
  const tests = count(() => true);
  const failures = count((n) => n > 0);
  const totalSeconds = run.files.reduce(
    (sum, file) => sum + file.outcomes.reduce((s, outcome) => s + outcome.seconds, 0),
    0,
  );
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="connect-remediator policies test" tests="${tests}" failures="${failures}" errors="0" time="${seconds(totalSeconds)}">`,
  ];
  for (const file of run.files) {
    const fileFailures = file.outcomes.filter((outcome) => outcome.mismatches.length).length;
    const fileSeconds = file.outcomes.reduce((s, outcome) => s + outcome.seconds, 0);
    lines.push(
      `  <testsuite name="${xmlEscape(file.file)}" tests="${file.outcomes.length}" failures="${fileFailures}" errors="0" skipped="0" time="${seconds(fileSeconds)}" timestamp="${run.startedAt.toISOString().replace(/\.\d+Z$/, '')}">`,
      '    <properties>',
      `      <property name="policies" value="${xmlEscape(run.policiesFile)}"/>`,
      `      <property name="policiesHash" value="${xmlEscape(run.hash)}"/>`,
      '    </properties>',
    );
    for (const outcome of file.outcomes) {
      const { testCase, mismatches } = outcome;
      const open = `    <testcase name="${xmlEscape(testCase.name)}" classname="${xmlEscape(file.file)}" file="${xmlEscape(file.file)}" line="${testCase.line}" time="${seconds(outcome.seconds)}"`;
      if (mismatches.length === 0) {
        lines.push(`${open}/>`);
        continue;
      }
      const first = mismatches[0]!;
      const message = `${first.field}: expected ${first.expected}, got ${first.actual}${mismatches.length > 1 ? ` (and ${mismatches.length - 1} more)` : ''}`;
      const details = failureLines(outcome, run)
        .map((line) => line.trim())
        .join('\n');
      lines.push(
        `${open}>`,
        `      <failure message="${xmlEscape(message)}" type="PolicyDecisionMismatch">${xmlEscape(details)}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

export async function writeJunit(file: string, run: TestRun): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, formatJunit(run));
}
