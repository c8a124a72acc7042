/**
 * Where in a policy file a decision's settings are written: the policy's own setting, else the one
 * in `defaults`, else none (the built-in default). `policies test` prints these lines under a
 * failed expectation, so ops see the line to change rather than hunting for it. Uses the loader's
 * SourceLocator on the same text. Pure.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { PolicyPath } from './errors';
import { formatPath } from './errors';
import { SourceLocator } from './locate';

export interface SourceLine {
  file: string;
  line: number;
  /** The line as written (trimmed). */
  text: string;
  /** Why this line is shown: `defaults`, `built-in default`, `matched first`, … */
  note?: string;
}

export class PolicyFileLines {
  private readonly locator: SourceLocator;
  private readonly lines: string[];

  constructor(
    text: string,
    readonly fileName: string,
  ) {
    const counter = new LineCounter();
    // Parsed as the loader parses it (merge keys on), so paths resolve to the same nodes.
    this.locator = new SourceLocator(parseDocument(text, { lineCounter: counter, merge: true }), counter);
    this.lines = text.split(/\r?\n/);
  }

  /** The line the value at `path` is written on, or undefined when the file does not write it. */
  at(path: PolicyPath, note?: string): SourceLine | undefined {
    const position = this.locator.exactValueAt(path);
    return position && this.lineAt(position.line, note);
  }

  /** The line naming policies[index] (`- name: transient`). */
  policy(index: number, note?: string): SourceLine {
    const position =
      this.locator.exactValueAt(['policies', index, 'name']) ?? this.locator.valueAt(['policies', index]);
    return this.lineAt(position.line, note);
  }

  /**
   * Where policies[index] gets the setting at `path` (e.g. ['retry', 'maximumAttempts']): its own
   * line, else the defaults' line, else the policy's line saying the built-in default applies.
   */
  setting(index: number, path: readonly string[]): SourceLine {
    return (
      this.at(['policies', index, ...path]) ??
      this.at(['defaults', ...path], 'from defaults') ??
      this.policy(index, `no ${formatPath(path)} in this policy or in defaults: the built-in default`)
    );
  }

  private lineAt(line: number, note?: string): SourceLine {
    return {
      file: this.fileName,
      line,
      text: (this.lines[line - 1] ?? '').trim(),
      ...(note ? { note } : {}),
    };
  }
}
