/**
 * The alerting and recording rules in ops/prometheus/, held to Prometheus's own tools: `promtool
 * check rules` (syntax, PromQL) and `promtool test rules` (the unit tests in ops/prometheus/tests/).
 * Then what promtool does not check: every alert has a firing and a silent case, a severity, a
 * summary, a description and a runbook that exists in docs/observability.md, and reads only
 * metrics the worker and the ingress export. promtool comes from Debian's prometheus package
 * (scripts/install-promtool.sh); jest.config.js leaves this file out loudly without it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { createIngressMetrics } from '../../ingress/metrics';
import { ENGINE_METRICS } from '../../workflows/metric-catalogue';
import { metricNamesIn, PROMETHEUS_DIR, ruleExpressions, ruleFiles } from '../helpers/promql-metric-names';
import { anchorsOf } from '../helpers/markdown';

const ROOT = path.resolve(__dirname, '..', '..');
const TESTS_DIR = path.join(PROMETHEUS_DIR, 'tests');
const ALERTS_FILE = path.join(PROMETHEUS_DIR, 'alerts.yml');

interface Result {
  code: number;
  output: string;
}

async function promtool(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)('promtool', args, { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err; // promtool could not be started at all
    return { code: e.code, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Exit 0, or a failure that shows what promtool said. */
function expectSuccess(result: Result, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.output}`);
}

interface AlertRule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: unknown[] | null;
}
interface TestFile {
  rule_files: string[];
  tests: { alert_rule_test?: AlertCase[] }[];
}

const alerts: AlertRule[] = (
  YAML.parse(fs.readFileSync(ALERTS_FILE, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }
).groups.flatMap((g) => g.rules);
const testFiles = fs
  .readdirSync(TESTS_DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => path.join(TESTS_DIR, f));
const cases: AlertCase[] = testFiles.flatMap((file) =>
  (YAML.parse(fs.readFileSync(file, 'utf8')) as TestFile).tests.flatMap((t) => t.alert_rule_test ?? []),
);

describe('promtool', () => {
  it('checks the rule files and the example prometheus.yml', async () => {
    const files = ruleFiles().map((f) => path.relative(ROOT, f));
    expect(files).toEqual(['ops/prometheus/alerts.yml', 'ops/prometheus/recording-rules.yml']);
    expectSuccess(await promtool('check', 'rules', ...files), 'promtool check rules');
    expectSuccess(
      await promtool('check', 'config', 'ops/prometheus/prometheus.yml'),
      'promtool check config',
    );
  });

  it('passes the unit tests in ops/prometheus/tests/', async () => {
    expect(testFiles.length).toBeGreaterThanOrEqual(5);
    const result = await promtool('test', 'rules', ...testFiles.map((f) => path.relative(ROOT, f)));
    expectSuccess(result, 'promtool test rules');
    expect(result.output).not.toMatch(/FAILED/);
  });

  describe('fails when it should (so the tests above can fail)', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('a test whose expectation the rules do not meet', async () => {
      const file = path.join(dir, 'wrong.yml');
      fs.writeFileSync(
        file,
        YAML.stringify({
          rule_files: [ALERTS_FILE],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: [
                { series: 'up{job="connect-remediator-worker", instance="w:9464"}', values: '1x30' },
              ],
              // The worker is up all along: expecting WorkerDown must fail.
              alert_rule_test: [
                {
                  eval_time: '20m',
                  alertname: 'ConnectRemediatorWorkerDown',
                  exp_alerts: [
                    {
                      exp_labels: {
                        severity: 'ticket',
                        job: 'connect-remediator-worker',
                        instance: 'w:9464',
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      );
      const result = await promtool('test', 'rules', file);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/FAILED/);
      expect(result.output).toMatch(/ConnectRemediatorWorkerDown/);
    });

    it('a rule with broken PromQL', async () => {
      const file = path.join(dir, 'broken.yml');
      fs.writeFileSync(
        file,
        YAML.stringify({
          groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum by (x (rate(a_total[5m]))' }] }],
        }),
      );
      const result = await promtool('check', 'rules', file);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/Broken|parse error/);
    });
  });
});

describe('every alert', () => {
  it('is found (so an empty file cannot pass)', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'ConnectRemediatorGateStalled',
        'ConnectRemediatorGateQuotaErrors',
        'ConnectRemediatorEscalationUndelivered',
        'ConnectRemediatorOperatorWaitExpired',
        'ConnectRemediatorIncidentClosedUnanswered',
        'ConnectRemediatorAwsRateBudgetSaturated',
        'ConnectRemediatorAwsThrottled',
        'ConnectRemediatorIngressRefusingEvents',
        'ConnectRemediatorIngressRejectingSender',
        'ConnectRemediatorIngress5xx',
        'ConnectRemediatorWorkerDown',
        'ConnectRemediatorNoWorkflowPollers',
        'ConnectRemediatorWorkflowNondeterminism',
        'ConnectRemediatorWorkflowTaskFailing',
        'ConnectRemediatorGateUnpolled',
      ]),
    );
  });

  it('has a firing and a silent case in ops/prometheus/tests/', () => {
    const problems: string[] = [];
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      if (!mine.some((c) => (c.exp_alerts ?? []).length > 0)) problems.push(`${alert}: no firing case`);
      if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) problems.push(`${alert}: no silent case`);
    }
    expect(problems).toEqual([]);
  });

  it('has a page/ticket severity, a summary, a description and a runbook in docs/observability.md', () => {
    const anchors = anchorsOf(fs.readFileSync(path.join(ROOT, 'docs', 'observability.md'), 'utf8'));
    const problems: string[] = [];
    for (const { alert, labels, annotations } of alerts) {
      if (!['page', 'ticket'].includes(labels?.severity ?? '')) problems.push(`${alert}: severity`);
      for (const key of ['summary', 'description', 'runbook_url']) {
        if (!annotations?.[key]?.trim()) problems.push(`${alert}: no ${key}`);
      }
      const runbook = /^docs\/observability\.md#(.+)$/.exec(annotations?.runbook_url ?? '');
      if (!runbook) problems.push(`${alert}: runbook_url is not docs/observability.md#<anchor>`);
      else if (!anchors.has(runbook[1]!)) problems.push(`${alert}: no heading for #${runbook[1]}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('every rule', () => {
  it('reads only metrics the worker and the ingress export', async () => {
    const ingress = createIngressMetrics();
    const ingressNames = new Set(
      (await ingress.registry.metrics())
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .flatMap((l) => {
          const [, , name, type] = l.split(' ');
          return type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!];
        }),
    );
    const exported = new Set([
      ...Object.keys(ENGINE_METRICS),
      ...ingressNames,
      // The Temporal SDK's names the rules use, as a worker's /metrics spells them.
      'temporal_num_pollers',
      'temporal_workflow_task_execution_failed_total',
      // Prometheus's own per-target series.
      'up',
    ]);
    const unknown = ruleExpressions().flatMap(({ file, name, expr }) =>
      metricNamesIn(expr)
        .filter((metric) => !exported.has(metric))
        .map((metric) => `${file} ${name}: ${metric}`),
    );
    expect(unknown).toEqual([]);
  });
});
