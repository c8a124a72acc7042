/**
 * metricNamesIn must find every metric a query reads and nothing else: a label, a function or a
 * duration taken for a metric would make the dashboard and alert tests fail for nothing, and a
 * metric missed would let a misspelt name through.
 */
import { metricNamesIn, ruleExpressions } from './promql-metric-names';

test.each<[string, string[]]>([
  [
    'sum by (operation) (rate(a_total{x="y"}[5m])) / on(operation) group_left max by (operation) (b)',
    ['a_total', 'b'],
  ],
  ['histogram_quantile(0.99, sum by (le) (rate(c_bucket[5m])))', ['c_bucket']],
  ['absent(up{job="w"})', ['up']],
  ['increase(d_total[10m]) > 0', ['d_total']],
  ['60 * sum(rate(e_total[$__rate_interval]))', ['e_total']],
  ['max by (instance) (f{instance=~"$instance", namespace=~"${namespace}"})', ['f']],
  ['sum(rate(g_total[5m])) by (job) / ignoring(code) group_right(job) h', ['g_total', 'h']],
  ['i > bool 0 and j unless k or vector(1)', ['i', 'j', 'k']],
  ['rate(l_total[5m] offset 1h) - rate(l_total[5m] offset -30m)', ['l_total']],
  ['max_over_time(m[1h:5m]) @ end()', ['m']],
  ['{__name__="n_seconds", job="w"}', ['n_seconds']],
  ['label_replace(o, "dst", "$1", "src", "(.*)")', ['o']],
  ['count_values("version", p) + topk(3, q) + quantile(0.9, r)', ['p', 'q', 'r']],
  ['s:recorded:rate5m * 1e3 + 0x1F + inf', ['s:recorded:rate5m']],
  ['t + t + u', ['t', 'u']],
  ['label_values(v{namespace=~"$namespace"}, instance)', ['v']],
  ['label_values(instance)', []],
  ['sum without (le, instance) (w) # a comment naming fake_metric', ['w']],
  ['vector(0) * [[legacy_variable]]', []],
])('%s reads %j', (expr, names) => {
  expect(metricNamesIn(expr)).toEqual(names);
});

test('a malformed expression is an error naming it, not a guess', () => {
  expect(() => metricNamesIn('sum(rate(x_total[5m])')).toThrow(/sum\(rate\(x_total\[5m\]\).*unclosed "\("/);
  expect(() => metricNamesIn('x{job="w}')).toThrow(/unterminated string/);
  expect(() => metricNamesIn('rate(x_total[5m)]')).toThrow(/unmatched "\)"/);
});

describe('metricNamesIn, more of PromQL', () => {
  it.each([
    [
      'sum by (operation) (rate(a_total{x="y"}[5m])) / on(operation) group_left max by (operation) (b)',
      ['a_total', 'b'],
    ],
    ['histogram_quantile(0.99, sum by (le) (rate(c_bucket[5m])))', ['c_bucket']],
    ['absent(up{job="w"})', ['up']],
    ['increase(d_total[10m]) > 0 and on() vector(1)', ['d_total']],
    ['sum(rate(e_total[5m] offset 1h)) without (instance) > bool 0.9 * f', ['e_total', 'f']],
    [
      'g_seconds_count{status_code=~"5..", route="/by (x) sum(h)"} unless ignoring (le) i',
      ['g_seconds_count', 'i'],
    ],
    ['max_over_time(j:k_l:rate5m[1h:5m]) or {__name__="m_total", job="w"}', ['j:k_l:rate5m', 'm_total']],
    ['topk(3, n) + count_values("value", o) - 1e3 * inf', ['n', 'o']],
    ['rate (p_total [5m]) and p_total', ['p_total']],
  ])('%s', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});

describe('ruleExpressions', () => {
  it('reads every rule of ops/prometheus/*.yml, and only rule files', () => {
    const rules = ruleExpressions();
    const files = new Set(rules.map((r) => r.file));
    expect([...files].sort()).toEqual(['ops/prometheus/alerts.yml', 'ops/prometheus/recording-rules.yml']);
    const stalled = rules.find((r) => r.name === 'ConnectRemediatorGateStalled');
    expect(stalled && metricNamesIn(stalled.expr)).toEqual([
      'connect_remediator_gate_queue_length',
      'connect_remediator_gate_last_round_timestamp_seconds',
      'connect_remediator_gate_grants_total',
    ]);
    for (const rule of rules) expect(metricNamesIn(rule.expr).length).toBeGreaterThan(0);
  });
});
