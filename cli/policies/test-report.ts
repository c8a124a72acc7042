/** What `policies test` prints: one line per case, and under a failed one what differs and why. */
import type { Mismatch } from '../../policies/cases/check';
import type { TestCase } from '../../policies/cases/load.node';
import type { Decision } from '../../policies/decision';

export interface CaseOutcome {
  testCase: TestCase;
  decision: Decision;
  mismatches: Mismatch[];
  seconds: number;
}

export interface CasesFileRun {
  file: string;
  outcomes: CaseOutcome[];
}

export interface TestRun {
  policiesFile: string;
  hash: string;
  files: CasesFileRun[];
  startedAt: Date;
}

export function formatTestRun(run: TestRun): string[] {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const { file, outcomes } of run.files) {
    lines.push(`${file}: ${outcomes.length} case(s) against ${run.policiesFile} (hash ${run.hash})`);
    for (const outcome of outcomes) {
      if (outcome.mismatches.length === 0) {
        passed++;
        lines.push(`  ok    ${outcome.testCase.name}`);
        continue;
      }
      failed++;
      lines.push(
        `  FAIL  ${outcome.testCase.name}  (${file}:${outcome.testCase.line})`,
        ...failureLines(outcome, run),
      );
    }
    lines.push('');
  }
  const total = passed + failed;
  lines.push(
    failed ? `${total} case(s): ${passed} passed, ${failed} failed` : `${total} case(s): all passed`,
  );
  return lines;
}

/** Expected against actual for each mismatch, the lines that decided, and the matched policy. */
export function failureLines(
  { mismatches, decision }: CaseOutcome,
  run: Pick<TestRun, 'policiesFile'>,
): string[] {
  const indent = '          ';
  const lines: string[] = [];
  for (const mismatch of mismatches) {
    lines.push(`${indent}${mismatch.field}: expected ${mismatch.expected}, got ${mismatch.actual}`);
    if (mismatch.hint) lines.push(`${indent}  (${mismatch.hint})`);
    const width = Math.max(...mismatch.decidedBy.map((source) => `${source.file}:${source.line}`.length));
    for (const source of mismatch.decidedBy)
      lines.push(
        `${indent}  ${`${source.file}:${source.line}`.padEnd(width)}  ${source.text}${source.note ? `   ← ${source.note}` : ''}`,
      );
  }
  lines.push(`${indent}matched: ${decision.policy.name} (${run.policiesFile}:${decision.match.line})`);
  return lines;
}
