/**
 * What `npm start` prints, as a person or a log shipper sees it: with LOG_FORMAT=pretty one
 * readable line per record naming its component, with LOG_FORMAT=json one pino JSON object per
 * line — from the first line to the last "stopped …" written while the process exits, with no
 * plain `[dev]` lines mixed in. A value that is neither is refused, naming the variable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/temporal-dev-server';
import { processesMentioning, spawnCli } from '../helpers/processes';

jest.setTimeout(240_000);

let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-logs-'));
});
afterAll(() => {
  for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Starts `dev`, waits until it is ready, stops it with SIGTERM; returns every line it printed.
 * The ports are picked free beforehand, and the Temporal dev server then picks its own internal
 * ports: it can take one of ours in between. Only that race (EADDRINUSE) is retried, with new ports.
 */
async function devOutput(logFormat: string, attempts = 3): Promise<string[]> {
  const dev = spawnCli(
    ['dev', '--temporal-port', String(await freePort()), '--ui-port', String(await freePort())],
    {
      LOG_FORMAT: logFormat,
      CONNECT_REMEDIATOR_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: '',
      SIMULATOR_PORT: String(await freePort()),
      INGRESS_PORT: String(await freePort()),
      WORKER_METRICS_PORT: 'off',
    },
  );
  try {
    await dev.waitFor(/Ready\. Press Ctrl-C to stop\./);
  } catch (error) {
    if (attempts > 1 && dev.output().includes('EADDRINUSE')) {
      await dev.exited;
      return devOutput(logFormat, attempts - 1);
    }
    throw error;
  } finally {
    dev.child.kill('SIGTERM');
  }
  const { code } = await dev.exited;
  expect(code).toBe(0);
  return dev
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '');
}

test('LOG_FORMAT=pretty: one readable line per record, each naming its component, flushed to the end', async () => {
  const lines = await devOutput('pretty');
  // [time] LEVEL: [process/component] message — pino-pretty without colour (stdout is a pipe).
  const shape =
    /^\[\d\d:\d\d:\d\d\.\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL): \[([a-z-]+)(?:\/([a-z-]+))?\] \S/;
  const strays = lines.filter((line) => !shape.test(line));
  expect(strays).toEqual([]);
  const components = new Set(lines.map((line) => shape.exec(line)![2]));
  expect([...components]).toEqual(expect.arrayContaining(['dev', 'temporal-server', 'worker']));
  expect(lines).toContainEqual(expect.stringMatching(/INFO: \[dev\] Ready\. Press Ctrl-C to stop\.$/));
  expect(lines).toContainEqual(expect.stringMatching(/INFO: \[dev\] SIGTERM received: stopping…$/));
  // The last stop is logged while the process exits: a record lost there would end the output early.
  expect(lines.at(-1)).toMatch(/INFO: \[dev\] stopped Temporal dev server$/);
});

test('LOG_FORMAT=json: every line is a pino record with its name and message', async () => {
  const lines = await devOutput('json');
  const records = lines.map((line) => {
    try {
      return JSON.parse(line) as { name?: string; msg?: string; level?: number; time?: number };
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
  for (const record of records) {
    expect(record).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        msg: expect.any(String),
        level: expect.any(Number),
      }),
    );
  }
  expect(records).toContainEqual(
    expect.objectContaining({ name: 'dev', msg: 'Ready. Press Ctrl-C to stop.' }),
  );
  expect(records.at(-1)).toEqual(
    expect.objectContaining({ name: 'dev', msg: 'stopped Temporal dev server' }),
  );
});

test('a LOG_FORMAT that is neither pretty nor json is refused, naming the variable', async () => {
  const dev = spawnCli(['dev'], { LOG_FORMAT: 'fancy', CONNECT_REMEDIATOR_DATA_DIR: dataDir });
  const { code } = await dev.exited;
  expect(code).toBe(1);
  expect(dev.output()).toContain('LOG_FORMAT: expected "pretty" or "json"');
  expect(dev.output()).toContain('got "fancy"');
});
