/**
 * Parses a cases file into cases, or into every error at once, each located at file:line:column
 * with its path (`cases[3].expect.attempts`) — the same way, and with the same helpers, as the
 * policy file (../load.ts). Inline and short-form events are validated here as the ingress
 * validates events; events given by path are read by ./load.node.ts. Pure.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ConnectFailureEvent } from '../../events/types';
import { formatValidationError, validateFailureEvent } from '../../events/validate';
import {
  byPosition,
  describeValue,
  formatPath,
  type PolicyError,
  type PolicyIssue,
  type PolicyPath,
} from '../errors';
import { closestMatch } from '../hints';
import { syntaxErrors } from '../load';
import { SourceLocator, type Position } from '../locate';
import { knownKeysAt } from '../schema-keys';
import { CasesFileSchema, EXPECTATION_KEYS, type CaseEntry, type Expectations } from './schema';
import { shortFormEvent } from './short-event';

export type CaseEvent =
  | { kind: 'event'; event: ConnectFailureEvent }
  /** A path as written in the cases file (relative to it). */
  | { kind: 'file'; path: string };

export interface ParsedCase {
  index: number;
  name: string;
  description?: string;
  /** Where the case starts in the cases file. */
  line: number;
  /** Where its event is written (for errors about an event file). */
  eventAt: Position;
  event: CaseEvent;
  expect: Expectations;
}

/** The cases that parsed, and every error (a schema error leaves no case: nothing is reliable then). */
export interface CasesParseResult {
  cases: ParsedCase[];
  errors: PolicyError[];
}

type ZodIssue = z.core.$ZodIssue;

export function parseCasesFile(text: string, fileName: string): CasesParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const locator = new SourceLocator(doc, lines);
  const located = (issue: PolicyIssue): PolicyError => {
    const { line, column } = issue.at === 'key' ? locator.keyAt(issue.path) : locator.valueAt(issue.path);
    return { file: fileName, line, column, path: formatPath(issue.path), message: issue.message };
  };
  const failed = (errors: PolicyError[]): CasesParseResult => ({
    cases: [],
    errors: errors.sort(byPosition),
  });

  const syntax = syntaxErrors(doc, locator, fileName);
  if (syntax.length) return failed(syntax);
  if (doc.contents === null)
    return failed([
      located({ path: [], message: 'the file is empty: expected version: 1 and a list of cases' }),
    ]);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return failed([located({ path: [], message: `YAML: ${(err as Error).message}` })]);
  }
  const parsed = CasesFileSchema.safeParse(data);
  if (!parsed.success)
    return failed(parsed.error.issues.flatMap((issue) => describeIssue(issue, [], data)).map(located));

  const issues: PolicyIssue[] = [
    ...duplicateNames(parsed.data.cases),
    ...emptyExpectations(parsed.data.cases),
  ];
  const cases: ParsedCase[] = [];
  parsed.data.cases.forEach((entry, index) => {
    const event = caseEvent(entry, index);
    if ('issues' in event) issues.push(...event.issues);
    else
      cases.push({
        index,
        name: entry.name,
        ...(entry.description !== undefined ? { description: entry.description } : {}),
        line: locator.valueAt(['cases', index]).line,
        eventAt: locator.valueAt(['cases', index, 'event']),
        event,
        expect: entry.expect,
      });
  });
  return { cases, errors: issues.map(located).sort(byPosition) };
}

function emptyExpectations(cases: CaseEntry[]): PolicyIssue[] {
  return cases.flatMap((entry, index) =>
    Object.keys(entry.expect).length
      ? []
      : [
          {
            path: ['cases', index, 'expect'],
            message: `expected at least one expectation (${EXPECTATION_KEYS.join(', ')}): a case that checks nothing always passes`,
          },
        ],
  );
}

function caseEvent(entry: CaseEntry, index: number): CaseEvent | { issues: PolicyIssue[] } {
  const path = ['cases', index, 'event'];
  if (typeof entry.event === 'string') return { kind: 'file', path: entry.event };
  const raw =
    'detail' in entry.event ? entry.event : shortFormEvent(entry.event, `policies-test-case-${index + 1}`);
  const result = validateFailureEvent(raw);
  if (result.ok) return { kind: 'event', event: result.event };
  return {
    issues: result.errors.map((error) => ({
      path,
      message: `not a valid failure event: ${formatValidationError(error)}`,
    })),
  };
}

function duplicateNames(cases: CaseEntry[]): PolicyIssue[] {
  const first = new Map<string, number>();
  const issues: PolicyIssue[] = [];
  cases.forEach((entry, index) => {
    const earlier = first.get(entry.name);
    if (earlier === undefined) first.set(entry.name, index);
    else
      issues.push({
        path: ['cases', index, 'name'],
        message: `duplicate case name ${describeValue(entry.name)} (also cases[${earlier}]): expected unique names, so every report names one case`,
      });
  });
  return issues;
}

/**
 * Zod issues in the words of this file. A union that failed (the event) is reported through the
 * branch its shape asks for — a string is a path, a map with `detail` a whole event, any other map
 * the short form — rather than as "matches none of three shapes".
 */
function describeIssue(issue: ZodIssue, prefix: PolicyPath, data: unknown): PolicyIssue[] {
  const path = [...prefix, ...(issue.path as PolicyPath)];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: unknownKeyMessage(path, key),
        at: 'key',
      }));
    case 'invalid_union': {
      const branch = unionBranch(issue, valueAt(data, path));
      return branch
        ? branch.flatMap((inner) => describeIssue(inner, path, data))
        : [{ path, message: issue.message }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** The input a union issue is about (zod does not carry it on the issue). */
function valueAt(data: unknown, path: PolicyPath): unknown {
  let value = data;
  for (const segment of path) value = (value as Record<string | number, unknown> | undefined)?.[segment];
  return value;
}

function unionBranch(issue: z.core.$ZodIssueInvalidUnion, value: unknown): ZodIssue[] | undefined {
  // Only the event is a union of maps and strings; other unions (a name or a list) say it well enough.
  if (issue.errors.length !== 3) return undefined;
  if (typeof value === 'string') return issue.errors[0];
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return 'detail' in value ? issue.errors[2] : issue.errors[1];
  return undefined;
}

function unknownKeyMessage(parent: PolicyPath, key: string): string {
  const known = knownKeysAt(CasesFileSchema, parent);
  const suggestion = closestMatch(key, known);
  if (suggestion) return `unknown key "${key}": did you mean "${suggestion}"?`;
  return `unknown key ${describeValue(key)}: expected one of ${known.join(', ')}`;
}
