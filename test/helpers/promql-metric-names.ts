/**
 * Which metrics a PromQL expression reads, and every expression of the rules in ops/prometheus/ —
 * so tests can hold the rules (and dashboards) to the names the processes really export. A small
 * lexer, not a parser: it knows PromQL's tokens well enough to tell a metric name from a function,
 * an aggregation, a keyword, a label name (in `{…}` or in a `by (…)` list) and a duration.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
export const PROMETHEUS_DIR = path.join(ROOT, 'ops', 'prometheus');

/** Aggregation operators: they may be followed by `by (…)` / `without (…)` before their `(`. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
/** Words that are never metric names where they stand: set operators, modifiers, literals. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'bool', 'offset', 'inf', 'nan']);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const IDENT = /[A-Za-z_:][A-Za-z0-9_:]*/y;
const NUMBER_OR_DURATION = /(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(?:[a-zA-Z0-9]*)/y;

/** The metric names `expr` reads, in order of first appearance, each once; exactly as written. */
export function metricNamesIn(expr: string): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
    } else if (c === '#') {
      const eol = expr.indexOf('\n', i);
      i = eol < 0 ? expr.length : eol;
    } else if (c === '{') {
      // Label matchers; `{__name__="x"}` names a metric there.
      const end = closing(expr, i, '{', '}');
      const named = /__name__\s*=\s*(["'`])([^"'`]*)\1/.exec(expr.slice(i, end));
      if (named) add(named[2]!);
      i = end;
    } else if (c === '[') {
      i = closing(expr, i, '[', ']'); // a range or subquery duration
    } else if (/[0-9.]/.test(c)) {
      NUMBER_OR_DURATION.lastIndex = i;
      const m = NUMBER_OR_DURATION.exec(expr);
      i += m ? Math.max(m[0].length, 1) : 1;
    } else if (/[A-Za-z_:]/.test(c)) {
      IDENT.lastIndex = i;
      const word = IDENT.exec(expr)![0];
      i += word.length;
      const next = skipSpace(expr, i);
      const lower = word.toLowerCase();
      if (LABEL_LISTS.has(lower)) {
        if (expr[next] === '(') i = closing(expr, next, '(', ')');
      } else if (AGGREGATIONS.has(lower) || KEYWORDS.has(lower) || expr[next] === '(') {
        // an aggregation, a keyword, or a function call
      } else {
        add(word);
      }
    } else {
      i++;
    }
  }
  return names;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i]!)) i++;
  return i;
}

function skipString(s: string, i: number): number {
  const quote = s[i]!;
  let j = i + 1;
  while (j < s.length && s[j] !== quote) j += s[j] === '\\' && quote !== '`' ? 2 : 1;
  return j + 1;
}

/** The index just past the bracket that closes the one at `i` (strings inside are skipped). */
function closing(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '"' || c === "'" || c === '`') {
      j = skipString(s, j);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  throw new Error(`unbalanced ${open} at offset ${i} in PromQL: ${s}`);
}

export interface RuleExpression {
  /** Path from the repository root, e.g. ops/prometheus/alerts.yml. */
  file: string;
  /** The alert's or the recording rule's name. */
  name: string;
  expr: string;
}

/** The rule files in ops/prometheus/ (YAML files with `groups`; prometheus.yml is the config). */
export function ruleFiles(): string[] {
  return fs
    .readdirSync(PROMETHEUS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(PROMETHEUS_DIR, f))
    .filter((file) => {
      const doc: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
      return typeof doc === 'object' && doc !== null && 'groups' in doc;
    });
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

/** Every `expr` of every rule in ops/prometheus/*.yml. */
export function ruleExpressions(): RuleExpression[] {
  return ruleFiles().flatMap((file) => {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as RuleFile;
    return doc.groups.flatMap((group) =>
      group.rules.map((rule) => {
        const name = rule.alert ?? rule.record;
        if (!name || typeof rule.expr !== 'string') {
          throw new Error(`${file}: group ${group.name} has a rule without a name or an expr`);
        }
        return { file: path.relative(ROOT, file), name, expr: rule.expr };
      }),
    );
  });
}
