/**
 * The Grafana dashboard (ops/grafana/dashboards/connect-remediator.json) and its provisioning files:
 * a dashboard that imports, whose panels all say what they show and ask the data source the user
 * picked, and whose queries name only metrics the worker and the ingress export — a misspelt or
 * renamed metric is an empty panel in the middle of a storm, found here instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENGINE_METRICS } from '../../workflows/metric-catalogue';
import { createIngressMetrics } from '../../ingress/metrics';
import {
  allPanels,
  dashboardExpressions,
  DASHBOARDS_DIR,
  metricNamesIn,
} from '../helpers/promql-metric-names';

const ROOT = path.join(__dirname, '..', '..');
const DASHBOARD_FILE = path.join(DASHBOARDS_DIR, 'connect-remediator.json');
const PROVISIONING = path.join(ROOT, 'ops', 'grafana', 'provisioning');
const DATASOURCE = '${datasource}';

/**
 * The Temporal SDK's own metrics as a worker exports them (a real scrape of a worker that ran a
 * storm, with the exporter's `_total` on counters). Histograms are in milliseconds.
 */
const TEMPORAL_SDK_METRICS: Record<string, 'counter' | 'gauge' | 'histogram'> = {
  temporal_num_pollers: 'gauge',
  temporal_sticky_cache_size: 'gauge',
  temporal_worker_task_slots_available: 'gauge',
  temporal_worker_task_slots_used: 'gauge',
  temporal_activity_execution_failed_total: 'counter',
  temporal_activity_task_received_total: 'counter',
  temporal_local_activity_total_total: 'counter',
  temporal_long_request_total: 'counter',
  temporal_request_total: 'counter',
  temporal_sticky_cache_hit_total: 'counter',
  temporal_worker_start_total: 'counter',
  temporal_workflow_task_queue_poll_succeed_total: 'counter',
  temporal_workflow_task_execution_failed_total: 'counter',
  temporal_activity_execution_latency: 'histogram',
  temporal_activity_schedule_to_start_latency: 'histogram',
  temporal_activity_succeed_endtoend_latency: 'histogram',
  temporal_local_activity_execution_latency: 'histogram',
  temporal_local_activity_succeed_endtoend_latency: 'histogram',
  temporal_long_request_latency: 'histogram',
  temporal_request_latency: 'histogram',
  temporal_workflow_task_execution_latency: 'histogram',
  temporal_workflow_task_replay_latency: 'histogram',
  temporal_workflow_task_schedule_to_start_latency: 'histogram',
};

/** The series names a metric family is scraped as: a histogram's only as _bucket, _sum, _count. */
function seriesNames(name: string, type: string): string[] {
  return type === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => name + suffix) : [name];
}

async function exportedMetricNames(): Promise<Set<string>> {
  const ingress = await createIngressMetrics().registry.getMetricsAsJSON();
  return new Set([
    ...Object.entries(ENGINE_METRICS).flatMap(([name, spec]) => seriesNames(name, spec.type)),
    ...ingress.flatMap((metric) => seriesNames(metric.name, String(metric.type))),
    ...Object.entries(TEMPORAL_SDK_METRICS).flatMap(([name, type]) => seriesNames(name, type)),
  ]);
}

/** Every metric a query names that the processes do not export, with the panel that asks for it. */
function unknownMetrics(queries: { panel: string; expr: string }[], exported: Set<string>): string[] {
  return queries.flatMap(({ panel, expr }) =>
    metricNamesIn(expr)
      .filter((name) => !exported.has(name))
      .map((name) => `${panel}: ${name}`),
  );
}

interface Target {
  datasource?: { type?: string; uid?: string };
  expr?: string;
  refId?: string;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  collapsed?: boolean;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: string } };
}
interface Variable {
  type: string;
  name: string;
  query?: string | { query?: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
  includeAll?: boolean;
  current?: { text?: unknown; value?: unknown };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  time: { from: string; to: string };
  refresh: string;
  templating: { list: Variable[] };
  panels: Panel[];
}

const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const everyPanel = allPanels(dashboard) as Panel[];
const rows = everyPanel.filter((p) => p.type === 'row');
const queryPanels = everyPanel.filter((p) => p.type !== 'row');
const variable = (name: string) => dashboard.templating.list.find((v) => v.name === name);
const variableQuery = (v: Variable) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? ''));
const queryVariables = dashboard.templating.list.filter((v) => v.type === 'query');

test('the dashboard has its stable uid, title, schema version, time range and refresh', () => {
  expect(dashboard).toMatchObject({
    uid: 'connect-remediator',
    title: 'connect-remediator',
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
  });
  expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  expect(dashboard.schemaVersion).toBeLessThanOrEqual(41);
});

test('the data source is a variable, and every panel, query and variable asks it', () => {
  expect(variable('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
  const askers = [...queryPanels, ...queryPanels.flatMap((p) => p.targets ?? []), ...queryVariables];
  expect(askers.length).toBeGreaterThan(queryPanels.length * 2);
  const wrong = askers.filter((a) => a.datasource?.uid !== DATASOURCE);
  expect(wrong).toEqual([]);
});

test('the instance variable lists the Connect instances the gates report, with All', () => {
  const instance = variable('instance');
  expect(instance?.type).toBe('query');
  expect(variableQuery(instance!)).toMatch(
    /^label_values\(connect_remediator_gate_queue_length(\{.*\})?, connect_instance_id\)$/,
  );
  expect(instance?.includeAll).toBe(true);
  // Every query variable names an exported metric too (checked with the panels' queries below).
  for (const v of queryVariables) expect(metricNamesIn(variableQuery(v)).length).toBeGreaterThan(0);
});

test('every panel has a title, a description and a query', () => {
  expect(queryPanels.length).toBeGreaterThanOrEqual(20);
  const incomplete = queryPanels
    .filter(
      (p) =>
        !p.title?.trim() ||
        !p.description?.trim() ||
        !(p.targets ?? []).some((t) => typeof t.expr === 'string' && t.expr.trim() !== ''),
    )
    .map((p) => p.title ?? `panel ${p.id}`);
  expect(incomplete).toEqual([]);
  for (const p of queryPanels) {
    const refIds = (p.targets ?? []).map((t) => t.refId);
    expect(new Set(refIds).size).toBe(refIds.length);
  }
});

test('panel ids are unique', () => {
  const ids = everyPanel.map((p) => p.id);
  expect(ids.every((id) => Number.isInteger(id))).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
});

/** Panels overlapping on the grid (Grafana would push one down, silently reordering the layout). */
function overlaps(panels: Panel[]): string[] {
  const found: string[] = [];
  panels.forEach((a, i) =>
    panels.slice(i + 1).forEach((b) => {
      const [p, q] = [a.gridPos!, b.gridPos!];
      if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h)
        found.push(`${a.title} / ${b.title}`);
    }),
  );
  return found;
}

test('every panel has a place on the 24-column grid, and none overlaps another', () => {
  for (const p of everyPanel) {
    expect(p.gridPos).toEqual({
      h: expect.any(Number),
      w: expect.any(Number),
      x: expect.any(Number),
      y: expect.any(Number),
    });
    const { h, w, x, y } = p.gridPos!;
    expect({ title: p.title, fits: h > 0 && w > 0 && x >= 0 && y >= 0 && x + w <= 24 }).toEqual({
      title: p.title,
      fits: true,
    });
  }
  // Collapsed rows keep their panels inside: those are laid out among themselves.
  expect(overlaps(dashboard.panels)).toEqual([]);
  for (const row of rows) expect(overlaps(row.panels ?? [])).toEqual([]);
});

test('the Storm, Runs, Ingress and Workers rows are there, in that order, each with panels', () => {
  expect(rows.map((r) => r.title)).toEqual(['Storm', 'Runs', 'Ingress', 'Workers']);
  const top = dashboard.panels;
  rows.forEach((row) => {
    const start = top.indexOf(row);
    const next = top.findIndex((p, i) => i > start && p.type === 'row');
    const following = top.slice(start + 1, next < 0 ? undefined : next);
    expect({ row: row.title, panels: (row.panels ?? []).length + following.length > 0 }).toEqual({
      row: row.title,
      panels: true,
    });
  });
});

test('every query names only metrics the worker and the ingress export', async () => {
  const exported = await exportedMetricNames();
  const queries = [
    ...dashboardExpressions(),
    ...queryVariables.map((v) => ({ panel: `variable ${v.name}`, expr: variableQuery(v) })),
  ];
  expect(queries.length).toBeGreaterThan(queryPanels.length);
  expect(unknownMetrics(queries, exported)).toEqual([]);
});

test('the check flags a metric nobody exports, and a histogram read without its suffix', async () => {
  const exported = await exportedMetricNames();
  const queries = [
    {
      panel: 'made up',
      expr: 'sum by (instance) (rate(connect_remediator_gate_made_up_total{instance=~"$instance"}[5m]))',
    },
    { panel: 'bare histogram', expr: 'rate(connect_remediator_ingress_request_duration_seconds[5m])' },
    { panel: 'fine', expr: 'max by (instance) (connect_remediator_gate_queue_length)' },
  ];
  expect(unknownMetrics(queries, exported)).toEqual([
    'made up: connect_remediator_gate_made_up_total',
    'bare histogram: connect_remediator_ingress_request_duration_seconds',
  ]);
});

test('gate gauges are taken as max by connect_instance_id (a gate moves between workers), never summed', () => {
  const gateGauges = Object.entries(ENGINE_METRICS)
    .filter(([name, spec]) => spec.type === 'gauge' && name.startsWith('connect_remediator_gate_'))
    .map(([name]) => name);
  const uses = dashboardExpressions().flatMap(({ panel, expr }) =>
    gateGauges.flatMap((name) =>
      [...expr.matchAll(new RegExp(`\\b${name}\\b`, 'g'))].map((m) => ({
        panel,
        name,
        maxByInstance: /max by \(connect_instance_id\) \($/.test(expr.slice(0, m.index)),
      })),
    ),
  );
  expect(new Set(uses.map((u) => u.name))).toEqual(new Set(gateGauges));
  expect(uses.filter((u) => !u.maxByInstance)).toEqual([]);
});

test('counters and histogram buckets are read through rate() or increase(), never raw', () => {
  const raw = dashboardExpressions().flatMap(({ panel, expr }) =>
    metricNamesIn(expr)
      .filter((name) => /_(total|bucket|count|sum)$/.test(name))
      .flatMap((name) =>
        [...expr.matchAll(new RegExp(`\\b${name}\\b`, 'g'))]
          .filter((m) => !/(rate|increase)\($/.test(expr.slice(0, m.index)))
          .map(() => `${panel}: ${name}`),
      ),
  );
  expect(raw).toEqual([]);
});

test("panels of the SDK's latency histograms are in milliseconds, as the SDK reports them", () => {
  const sdkLatency = queryPanels.filter((p) =>
    (p.targets ?? []).some((t) => /temporal_\w+_latency_bucket/.test(t.expr ?? '')),
  );
  expect(sdkLatency.length).toBeGreaterThan(0);
  expect(sdkLatency.map((p) => [p.title, p.fieldConfig?.defaults?.unit])).toEqual(
    sdkLatency.map((p) => [p.title, 'ms']),
  );
});

test("docs/observability.md's panel table lists every panel under its row, and nothing else", () => {
  const docs = fs.readFileSync(path.join(ROOT, 'docs', 'observability.md'), 'utf8');
  const section = docs.slice(docs.indexOf('\n## Dashboard\n'));
  const documented = [...section.matchAll(/^\| (Storm|Runs|Ingress|Workers) +\| (.+?) +\|/gm)].map(
    (m) => `${m[1]}: ${m[2]}`,
  );
  let row = '';
  const onDashboard = dashboard.panels.flatMap((p) => {
    if (p.type !== 'row') return [`${row}: ${p.title}`];
    row = p.title ?? '';
    return (p.panels ?? []).map((nested) => `${row}: ${nested.title}`);
  });
  expect(documented).toEqual(onDashboard);
});

describe('provisioning', () => {
  const providers = parse(fs.readFileSync(path.join(PROVISIONING, 'dashboards.yml'), 'utf8')) as {
    apiVersion: number;
    providers: { name: string; type: string; options: { path: string } }[];
  };
  const datasources = parse(fs.readFileSync(path.join(PROVISIONING, 'datasources.yml'), 'utf8')) as {
    apiVersion: number;
    datasources: { name: string; uid: string; type: string; url: string }[];
  };

  test('the dashboard provider reads the folder the docs mount ops/grafana/dashboards at', () => {
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toHaveLength(1);
    const [provider] = providers.providers;
    expect(provider).toMatchObject({ name: 'connect-remediator', type: 'file' });
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'observability.md'), 'utf8');
    const mount = `ops/grafana/dashboards:${provider!.options.path}`;
    expect({ mount, documented: docs.includes(mount) }).toEqual({ mount, documented: true });
  });

  test("the example data source is the datasource variable's default", () => {
    expect(datasources.apiVersion).toBe(1);
    const [source] = datasources.datasources;
    expect(source).toMatchObject({ type: 'prometheus', url: expect.stringMatching(/^https?:\/\//) });
    expect(variable('datasource')?.current).toMatchObject({ text: source!.name, value: source!.uid });
  });
});
