/**
 * The container image without Docker: the Dockerfile's stages assembled in temporary folders the
 * way `docker build` would (each COPY line, honouring .dockerignore; each RUN line run there), then
 * a worker and an ingress started from the final stage exactly as the image starts them (its
 * ENTRYPOINT and ENV, the role as the command), against the run's Temporal server and a simulator.
 * A file the image forgets, a runtime dependency left in devDependencies, or a path that only works
 * in a checkout fails here.
 *
 * One liberty: the build stage's `npm ci` is the checkout's own node_modules (a symlink — the same
 * lockfile, every dependency), so only the final stage's production install goes to the registry.
 * The final stage's RUN lines run as written, with a private npm cache (they clean it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/temporal-dev-server';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { remediationWorkflowId, statusQuery } from '../../workflows/definitions';
import { failureEvent } from '../helpers/events';
import { spawnProcess, type CliProcess } from '../helpers/processes';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { copyInto, dockerIgnore, parseDockerfile, type Stage } from './dockerfile';

const ROOT = path.join(__dirname, '..', '..');
const ASSEMBLE_TIMEOUT_MS = 300_000;
jest.setTimeout(120_000);

let tmp: string;
let app: string;
let finalStage: Stage;
let temporal: TestTemporal;
let simulator: RunningSimulator;
const processes: CliProcess[] = [];

/** Runs a stage's steps in `dir` (the stage's `/`); COPY --from reads the named stage's folder. */
function assemble(stage: Stage, dir: string, stageDirs: Map<string, string>, npmCache: string): void {
  const ignored = dockerIgnore(path.join(ROOT, '.dockerignore'));
  const inStage = (p: string) => path.join(dir, p);
  for (const step of stage.steps) {
    if (step.kind === 'copy') {
      const { copy } = step;
      const fromDir = copy.from === undefined ? ROOT : stageDirs.get(copy.from);
      if (!fromDir) throw new Error(`COPY --from=${copy.from}: no such stage`);
      const dest =
        inStage(path.posix.resolve(step.workdir, copy.dest)) + (copy.dest.endsWith('/') ? '/' : '');
      copyInto(
        copy,
        (source) =>
          copy.from === undefined
            ? { root: ROOT, rel: path.normalize(source) }
            : { root: fromDir, rel: source.replace(/^\/+/, '') },
        dest,
        copy.from === undefined ? ignored : undefined,
      );
      continue;
    }
    const cwd = inStage(step.workdir);
    fs.mkdirSync(cwd, { recursive: true });
    if (stage !== finalStage && /^npm ci\b/.test(step.command)) {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(cwd, 'node_modules'));
      continue;
    }
    execFileSync('sh', ['-c', step.command], {
      cwd,
      env: { ...process.env, ...stage.env, npm_config_cache: npmCache, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: ASSEMBLE_TIMEOUT_MS,
    });
  }
}

/** The container's environment: the image's ENV and what the run gives it; nothing of jest's. */
function containerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.homedir(),
    TMPDIR: os.tmpdir(),
    ...finalStage.env,
    AWS_REGION: 'us-east-1',
    CONNECT_ENDPOINT: simulator.endpoint,
    EVENTBRIDGE_ENDPOINT: simulator.endpoint,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

/** `docker run IMAGE <args>`: the ENTRYPOINT (an /app path, mapped into the folder) and the role. */
function runImage(args: string[], extra: Record<string, string>): CliProcess {
  const [entry, ...entryArgs] = finalStage.entrypoint ?? [];
  if (!entry) throw new Error('the Dockerfile has no ENTRYPOINT');
  const started = spawnProcess(path.join(app, entry), [...entryArgs, ...args], containerEnv(extra));
  processes.push(started);
  return started;
}

function healthcheck(pid: number): { code: number; output: string } {
  try {
    return {
      code: 0,
      output: execFileSync(process.execPath, [path.join(app, 'app', 'bin', 'healthcheck.js'), String(pid)], {
        encoding: 'utf8',
      }),
    };
  } catch (err) {
    const failed = err as { status: number; stderr: string };
    return { code: failed.status, output: failed.stderr };
  }
}

beforeAll(async () => {
  const stages = parseDockerfile(path.join(ROOT, 'Dockerfile'));
  finalStage = stages.at(-1)!;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-image-'));
  const stageDirs = new Map<string, string>();
  stages.forEach((stage, i) => {
    const dir = path.join(tmp, `stage-${i}`);
    fs.mkdirSync(dir);
    assemble(stage, dir, stageDirs, path.join(tmp, 'npm-cache'));
    if (stage.name) stageDirs.set(stage.name, dir);
  });
  app = path.join(tmp, `stage-${stages.length - 1}`);
  temporal = await connectTestTemporal();
  simulator = await startSimulator({ port: 0, config: { rateLimits: 'off' } });
}, ASSEMBLE_TIMEOUT_MS);

afterAll(async () => {
  for (const started of processes) {
    if (started.child.exitCode === null && started.child.signalCode === null) {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  }
  await simulator?.stop();
  await temporal?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the final stage holds the build and production dependencies only', () => {
  const appDir = path.join(app, 'app');
  expect(fs.existsSync(path.join(appDir, 'dist', 'workflow-bundle.js'))).toBe(true);
  expect(fs.existsSync(path.join(appDir, 'dist', 'build-info.json'))).toBe(true);
  for (const devOnly of ['tsx', 'typescript', '@temporalio/testing', 'jest', 'aws-cdk-lib'])
    expect([devOnly, fs.existsSync(path.join(appDir, 'node_modules', devOnly))]).toEqual([devOnly, false]);
  // No TypeScript sources: the build is all there is to run.
  expect(fs.existsSync(path.join(appDir, 'worker'))).toBe(false);
});

test('a worker and an ingress from the image: the ingress accepts an event, the worker remediates it', async () => {
  const taskQueue = uniqueTaskQueue('image');
  const [metricsPort, ingressPort] = [await freePort(), await freePort()];
  const worker = runImage(['worker'], {
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKER_METRICS_PORT: String(metricsPort),
  });
  const ingress = runImage(['ingress', '--port', String(ingressPort)], { TEMPORAL_TASK_QUEUE: taskQueue });
  await worker.waitFor(/polling task queue/, 60_000);
  await ingress.waitFor(/listening on \S+ —/, 60_000);
  // It runs the build: a stale-source fallback would say so on stderr (and has no tsx to run).
  expect(worker.output()).not.toMatch(/TypeScript sources/);

  const event = failureEvent();
  const response = await fetch(`http://127.0.0.1:${ingressPort}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  expect(response.status).toBeLessThan(300);

  // The worker ran the run's workflow and its activities (policies from the image's policy file,
  // the AWS SDK against the simulator), and answers its queries.
  const handle = temporal.client.workflow.getHandle(remediationWorkflowId(event.id));
  await eventually(
    async () =>
      (await handle.fetchHistory()).events?.some((e) => e.activityTaskCompletedEventAttributes) ?? false,
    'an activity of the run to complete',
    60_000,
  );
  const status = await handle.query(statusQuery);
  expect(status.policy?.name).toBeTruthy();

  // The HEALTHCHECK asks each role its own endpoint.
  const workerHealth = healthcheck(worker.child.pid!);
  expect(workerHealth).toEqual({
    code: 0,
    output: expect.stringContaining(`:${metricsPort}/metrics answered 200`),
  });
  const ingressHealth = healthcheck(ingress.child.pid!);
  expect(ingressHealth).toEqual({
    code: 0,
    output: expect.stringContaining(`:${ingressPort}/healthz answered 200`),
  });
});
