/**
 * metricNamesIn is what other tests trust to hold rules and dashboards to the exported metric
 * names: a name it misses goes unchecked, a word it wrongly takes for a name fails them falsely.
 */
import { metricNamesIn, ruleExpressions } from '../helpers/promql-metric-names';

describe('metricNamesIn', () => {
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

  it('refuses an unbalanced expression by name', () => {
    expect(() => metricNamesIn('sum(rate(a_total{x="y"[5m]))')).toThrow(/unbalanced \{/);
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
      'connect_remediator_gate_grants_total',
    ]);
    for (const rule of rules) expect(metricNamesIn(rule.expr).length).toBeGreaterThan(0);
  });
});
