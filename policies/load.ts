/**
 * Parses policy file text into a PolicySet, or into every error at once, each located at
 * file:line:column with the path ops read (`policies[2].retry.maximumAttempts`). Pure: the file
 * is read and hashed by the callers (./load.node.ts, ./store.node.ts).
 */
import { CST, isAlias, Lexer, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import {
  byPosition,
  describeValue,
  formatPath,
  type PolicyError,
  type PolicyIssue,
  type PolicyPath,
} from './errors';
import { closestMatch, looksLikeSecretKey, SECRET_ADVICE } from './hints';
import { SourceLocator } from './locate';
import type { PolicySet } from './policy-set';
import { resolvePolicySet } from './resolve';
import { NAME_PATTERN, PolicyFileSchema } from './schema';
import { knownKeysAt } from './schema-keys';
import { crossFieldIssues } from './semantics';

export type ParseResult = { ok: true; set: PolicySet; hash: string } | { ok: false; errors: PolicyError[] };

/** Used when the caller has no content hash (pure callers); the worker always supplies one. */
export const UNHASHED = 'unhashed';

type ZodIssue = z.core.$ZodIssue;

export function parsePolicySet(
  text: string,
  fileName: string,
  options: {
    hash?: string;
    secretEnvAllowList?: readonly string[];
    /** What the worker's environment says about webhooks (see CrossFieldOptions.environment). */
    environment?: Record<string, string | undefined>;
  } = {},
): ParseResult {
  const hash = options.hash ?? UNHASHED;
  const oversized = sizeError(text, fileName);
  if (oversized) return { ok: false, errors: [oversized] };
  // Counted on the tokens, before the document is built or any alias resolved: building a document
  // of thousands of aliases is itself what makes such a file slow.
  const aliasBomb = aliasCountError(text, fileName);
  if (aliasBomb) return { ok: false, errors: [aliasBomb] };
  const lines = new LineCounter();
  // merge: ops may share settings with anchors and `<<: *anchor`, as YAML files commonly do.
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const locator = new SourceLocator(doc, lines);
  const located = (issue: PolicyIssue): PolicyError => {
    const { line, column } = issue.at === 'key' ? locator.keyAt(issue.path) : locator.valueAt(issue.path);
    return { file: fileName, line, column, path: formatPath(issue.path), message: issue.message };
  };
  const failed = (errors: PolicyError[]): ParseResult => ({ ok: false, errors: errors.sort(byPosition) });

  // A broken YAML structure makes every later message unreliable: report the syntax first.
  const syntax = syntaxErrors(doc, locator, fileName);
  if (syntax.length) return failed(syntax);
  if (doc.contents === null) {
    return failed([
      {
        file: fileName,
        line: 1,
        column: 1,
        path: '',
        message: 'the file is empty: expected a policy set (version: 1, channels, policies)',
      },
    ]);
  }

  let data: unknown;
  try {
    // The alias limit refuses "billion laughs" files instead of expanding them.
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return failed([
      { file: fileName, line: 1, column: 1, path: '', message: `YAML: ${(err as Error).message}` },
    ]);
  }
  const parsed = PolicyFileSchema.safeParse(data);
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => describeIssue(issue))),
    ...crossFieldIssues(data, {
      secretEnvAllowList: options.secretEnvAllowList ?? [],
      ...(options.environment ? { environment: options.environment } : {}),
    }),
  ];
  if (!parsed.success || issues.length) return failed(issues.map(located));

  const { set, issues: mergeIssues } = resolvePolicySet(parsed.data, {
    fileName,
    hash,
    lineOf: (path) => locator.valueAt(path).line,
  });
  if (mergeIssues.length) return failed(mergeIssues.map(located));
  return { ok: true, set, hash };
}

/**
 * The path around a syntax error, as far as it is made of plausible keys: after a syntax error
 * the parser may read following lines as one odd key ("ThrottlingException then"), which would
 * only mislead.
 */
function pathNear(locator: SourceLocator, offset: number): string {
  const path = locator.pathAt(offset);
  const plausible = path.findIndex((segment) => typeof segment === 'string' && !NAME_PATTERN.test(segment));
  return formatPath(plausible === -1 ? path : path.slice(0, plausible));
}

/** YAML syntax errors and dangling aliases, located (shared with the cases file: ./cases/parse.ts). */
export function syntaxErrors(doc: Document, locator: SourceLocator, fileName: string): PolicyError[] {
  const errors: PolicyError[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const offset = error.pos[0];
    const { line, column } = locator.positionOf(offset);
    const message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    // Several complaints about one spot read as one error.
    const samePlace = errors.find((e) => e.line === line && e.column === column);
    if (samePlace) samePlace.message += `; ${message}`;
    else
      errors.push({
        file: fileName,
        line,
        column,
        path: pathNear(locator, offset),
        message: `YAML syntax: ${message}`,
      });
  }
  // An alias to an anchor that does not exist parses "fine" but cannot be turned into data. One
  // pass in document order, noting anchors as they come: `alias.resolve(doc)` would walk the whole
  // document for every alias.
  const anchors = new Set<string>();
  visit(doc, {
    Node(_, node) {
      if (isAlias(node) || !node.anchor) return;
      anchors.add(node.anchor);
    },
    Alias(_, alias) {
      if (anchors.has(alias.source) || !alias.range) return;
      const offset = alias.range[0];
      const { line, column } = locator.positionOf(offset);
      errors.push({
        file: fileName,
        line,
        column,
        path: pathNear(locator, offset),
        message: `YAML syntax: alias *${alias.source} refers to no anchor (&${alias.source} must come before it)`,
      });
    },
  });
  return errors;
}

/**
 * Policy files are a few KB (the shipped one is 8 KB): a file far beyond that is a mistake or an
 * attack, refused before the YAML parser sees it. `policies/load.node.ts` also checks the size on
 * disk before reading, so a huge file is never read into memory.
 */
export const MAX_POLICY_FILE_BYTES = 512 * 1024;
/** Anchors share settings between policies, a few per file; thousands are a "billion laughs" file. */
export const MAX_POLICY_ALIASES = 500;

export function tooLargeMessage(bytes: number): string {
  return (
    `the file is ${bytes} bytes: expected at most ${MAX_POLICY_FILE_BYTES} bytes (512 KiB); ` +
    'a policy file is a few KB, so this is not one'
  );
}

function sizeError(text: string, fileName: string): PolicyError | undefined {
  // UTF-8 takes at least a byte per UTF-16 unit and at most three: encode only when it matters.
  if (text.length * 3 <= MAX_POLICY_FILE_BYTES) return undefined;
  const bytes = text.length > MAX_POLICY_FILE_BYTES ? text.length : new TextEncoder().encode(text).length;
  if (bytes <= MAX_POLICY_FILE_BYTES) return undefined;
  return { file: fileName, line: 1, column: 1, path: '', message: tooLargeMessage(bytes) };
}

/**
 * Located at the first alias past the limit. The YAML library's own lexer tells aliases from a `*`
 * in a quoted string or a comment; its tokens, control tokens aside, are the source text in order.
 */
function aliasCountError(text: string, fileName: string): PolicyError | undefined {
  let count = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (CST.tokenType(token) === 'alias' && ++count > MAX_POLICY_ALIASES) {
      return {
        file: fileName,
        ...positionIn(text, offset),
        path: '',
        message:
          `YAML: more than ${MAX_POLICY_ALIASES} aliases (*name): expected at most ${MAX_POLICY_ALIASES}; ` +
          'anchors share a few settings, this many is how a resource exhaustion ("billion laughs") file looks',
      };
    }
    if (token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR) offset += token.length;
  }
  return undefined;
}

/** 1-based line:column of an offset (only when an error needs it: the document is not built yet). */
function positionIn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** Zod issues in the words of this file: one issue per unknown key, located at the key. */
function describeIssue(issue: ZodIssue): PolicyIssue[] {
  const path = issue.path as PolicyPath;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: unknownKeyMessage(path, key),
        at: 'key',
      }));
    case 'invalid_key':
      return [
        { path, message: issue.issues[0]?.message ?? `invalid name "${String(path.at(-1))}"`, at: 'key' },
      ];
    default:
      return [{ path, message: issue.message }];
  }
}

function unknownKeyMessage(parent: PolicyPath, key: string): string {
  if (looksLikeSecretKey(key)) return `"${key}" looks like an inline secret: ${SECRET_ADVICE}`;
  const misplaced = Object.hasOwn(MISPLACED_KEYS, key) ? MISPLACED_KEYS[key] : undefined;
  if (misplaced) return `unknown key "${key}" here: ${misplaced}`;
  const known = knownKeysAt(PolicyFileSchema, parent);
  const suggestion = closestMatch(key, known);
  if (suggestion) return `unknown key "${key}": did you mean "${suggestion}"?`;
  return `unknown key ${describeValue(key)}: expected one of ${known.join(', ')}`;
}

/** Keys ops plausibly put one level off, with where they belong. */
const MISPLACED_KEYS: Record<string, string> = {
  deadline: 'deadline is set on the policy (or in defaults), next to retry, not inside it',
  escalateTo: 'escalateTo is set on the policy (or in defaults)',
  maxWait: 'maxWait goes inside capacity: { maxWait: … }',
  strategy: 'the strategy is written as then: retry | wait-for-capacity | escalate | ignore',
};
