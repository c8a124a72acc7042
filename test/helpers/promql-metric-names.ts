/**
 * The metric names a PromQL expression (or a Grafana query such as `label_values(m, label)`) reads,
 * so tests can hold the dashboard and the alert rules to the metrics the processes export; and
 * every query of the dashboards in ops/grafana/ and every rule expression in ops/prometheus/.
 *
 * A small tokenizer, not a parser: it knows which identifiers are NOT metric names — functions and
 * aggregations (an identifier followed by `(`), PromQL's keywords, label names inside `{…}` and in
 * `by (…)` / `without (…)` / `on (…)` / `ignoring (…)` / `group_left (…)` / `group_right (…)`,
 * durations and anything inside `[…]`, strings, numbers and Grafana variables (`$x`, `${x}`,
 * `[[x]]`). What is left is a metric name. A malformed expression throws rather than guessing.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
export const PROMETHEUS_DIR = path.join(ROOT, 'ops', 'prometheus');

/** Aggregation operators: they may take `by`/`without` before their `(`, e.g. `sum by (x) (…)`. */
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

/** Keywords and literals that are never metric names wherever they stand. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/** Keywords whose following `( … )` is a list of label names. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'punct'; text: string; at: number };

const IDENT = /[A-Za-z_:][A-Za-z0-9_:]*/y;
// Numbers, hex, and durations (5m, 1h30m, 500ms): none of them name anything.
const NUMBER = /(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(?:[a-zA-Z]+[0-9]*)*/y;
const GRAFANA_VARIABLE = /\$\{[^}]*\}|\$[A-Za-z0-9_]+|\[\[[^\]]*\]\]/y;

function fail(expr: string, at: number, what: string): never {
  throw new Error(`PromQL expression ${JSON.stringify(expr)}: ${what} at character ${at}`);
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(expr);
    return m?.[0];
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      // A comment runs to the end of the line.
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = i++;
      let text = '';
      while (i < expr.length && expr[i] !== c) {
        if (expr[i] === '\\' && c !== '`') i++;
        text += expr[i] ?? '';
        i++;
      }
      if (i >= expr.length) fail(expr, start, 'unterminated string');
      i++;
      tokens.push({ kind: 'string', text, at: start });
    } else if (match(GRAFANA_VARIABLE)) {
      i += match(GRAFANA_VARIABLE)!.length;
    } else if (match(IDENT)) {
      const text = match(IDENT)!;
      tokens.push({ kind: 'ident', text, at: i });
      i += text.length;
    } else if (match(NUMBER)) {
      i += match(NUMBER)!.length;
    } else {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
    }
  }
  checkBalanced(tokens, expr);
  return tokens;
}

/** Every bracket closed by its own kind, none closed twice: a typo is an error, not a guess. */
function checkBalanced(tokens: Token[], expr: string): void {
  const open: Token[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if ('({['.includes(t.text)) open.push(t);
    else if (t.text in pairs && open.pop()?.text !== pairs[t.text]) fail(expr, t.at, `unmatched "${t.text}"`);
  }
  const unclosed = open.pop();
  if (unclosed) fail(expr, unclosed.at, `unclosed "${unclosed.text}"`);
}

/** The index of the token closing the bracket opened at `open`. */
function closing(tokens: Token[], open: number, expr: string): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const want = pairs[tokens[open]!.text]!;
  const opener = tokens[open]!.text;
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if (t.text === opener) depth++;
    else if (t.text === want && --depth === 0) return j;
  }
  return fail(expr, tokens[open]!.at, `unclosed "${opener}"`); // unreachable after checkBalanced
}

const isPunct = (t: Token | undefined, text: string): boolean => t?.kind === 'punct' && t.text === text;

/**
 * Metric names read by `expr`: exact names, each once, in order of first appearance. A selector
 * `{__name__="x"}` names `x`. Throws on an unterminated string or an unclosed bracket.
 */
export function metricNamesIn(expr: string): string[] {
  const tokens = tokenize(expr);
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') {
      if (t.text === '[') {
        i = closing(tokens, i, expr); // a range or subquery: durations only
      } else if (t.text === '{') {
        const end = closing(tokens, i, expr);
        // Label names inside; only an exact `__name__="…"` matcher names a metric.
        for (let j = i + 1; j < end; j++) {
          const [label, eq, value] = [tokens[j], tokens[j + 1], tokens[j + 2]];
          if (
            label?.kind === 'ident' &&
            label.text === '__name__' &&
            isPunct(eq, '=') &&
            value?.kind === 'string'
          )
            add(value.text);
        }
        i = end;
      }
      continue;
    }
    if (t.kind !== 'ident') continue;
    const next = tokens[i + 1];
    if (LABEL_LIST_KEYWORDS.has(t.text)) {
      if (isPunct(next, '(')) i = closing(tokens, i + 1, expr);
      continue;
    }
    if (KEYWORDS.has(t.text) || AGGREGATIONS.has(t.text)) continue;
    if (isPunct(next, '(')) {
      if (t.text === 'label_values') i = labelValues(tokens, i + 1, expr, add);
      continue; // any other function call: its arguments are read on
    }
    add(t.text);
  }
  return names;
}

/**
 * Grafana's `label_values(label)` / `label_values(selector, label)`: the last argument is a label
 * name, the selector before it is read as PromQL. Returns the index of the closing `)`.
 */
function labelValues(tokens: Token[], open: number, expr: string, add: (name: string) => void): number {
  const end = closing(tokens, open, expr);
  let depth = 0;
  let lastComma = -1;
  for (let j = open + 1; j < end; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if ('({['.includes(t.text)) depth++;
    else if (')}]'.includes(t.text)) depth--;
    else if (t.text === ',' && depth === 0) lastComma = j;
  }
  if (lastComma >= 0) {
    const selector = expr.slice(tokens[open]!.at + 1, tokens[lastComma]!.at);
    for (const name of metricNamesIn(selector)) add(name);
  }
  return end;
}

/** Where the dashboards live (provisioned from there, see ops/grafana/provisioning/dashboards.yml). */
export const DASHBOARDS_DIR = path.join(__dirname, '..', '..', 'ops', 'grafana', 'dashboards');

interface DashboardPanel {
  type?: string;
  title?: string;
  panels?: DashboardPanel[];
  targets?: { expr?: string }[];
}

/** Every panel of a dashboard, those nested in (collapsed) rows included, rows themselves too. */
export function allPanels(dashboard: { panels?: DashboardPanel[] }): DashboardPanel[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...allPanels(p)]);
}

/**
 * Every query of every panel of ops/grafana/dashboards/*.json, named `<dashboard file>: <panel
 * title>`. The expressions still hold Grafana's variables (`$instance`, `$__rate_interval`).
 */
export function dashboardExpressions(): { panel: string; expr: string }[] {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const dashboard = JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as {
        panels?: DashboardPanel[];
      };
      return allPanels(dashboard).flatMap((panel) =>
        (panel.targets ?? [])
          .filter((target) => typeof target.expr === 'string' && target.expr.trim() !== '')
          .map((target) => ({ panel: `${file}: ${panel.title ?? '(untitled)'}`, expr: target.expr! })),
      );
    });
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

/** The series the recording rules produce (a query may read them like a metric). */
export function recordingRuleNames(): string[] {
  return ruleFiles().flatMap((file) => {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as RuleFile;
    return doc.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
  });
}
