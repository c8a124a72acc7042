/**
 * What the worker's /metrics says about a storm, read at its end: the gate's grants and quota
 * errors, runs finished by outcome, re-issues that created a task, and whether `promtool check
 * metrics` (Prometheus's own linter) finds a problem at storm scale. The benchmark sets these
 * against what Temporal says (recovered runs), so a counter recorded twice on replay — or lost —
 * shows as a mismatch, not as a nicer number.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface StormMetrics {
  gateGrants: number;
  gateQuotaErrors: number;
  runsRecovered: number;
  reissuesOk: number;
  /** Sample lines in the whole exposition: what a scrape costs. */
  samples: number;
  /** `promtool check metrics` findings; undefined when promtool is not installed. */
  promtoolProblems?: string[];
}

/** Sum of a family's samples whose labels include every `match` pair. */
function sum(body: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** `promtool check metrics` findings on an exposition, one per line; undefined without promtool. */
export async function promtoolCheckMetrics(body: string): Promise<string[] | undefined> {
  const run = execFileAsync('promtool', ['check', 'metrics']);
  run.child.stdin?.end(body);
  try {
    const { stdout, stderr } = await run;
    return `${stdout}${stderr}`.split('\n').filter(Boolean);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') return undefined;
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').filter(Boolean);
  }
}

export async function scrapeStormMetrics(url: string, instanceId: string): Promise<StormMetrics> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const body = await response.text();
  const problems = await promtoolCheckMetrics(body);
  return {
    gateGrants: sum(body, 'connect_remediator_gate_grants_total', { connect_instance_id: instanceId }),
    gateQuotaErrors: sum(body, 'connect_remediator_gate_quota_errors_total', {
      connect_instance_id: instanceId,
    }),
    runsRecovered: sum(body, 'connect_remediator_runs_finished_total', { outcome: 'recovered' }),
    reissuesOk: sum(body, 'connect_remediator_reissues_total', { outcome: 'ok' }),
    samples: body.split('\n').filter((l) => l && !l.startsWith('#')).length,
    ...(problems ? { promtoolProblems: problems } : {}),
  };
}
