/** The Temporal CLI resolver follows its documented order, using fake executables in temp dirs. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedCliPath, resolveTemporalCli, TemporalCliUnavailableError } from '../../dev/temporal-cli';

let root: string;

function fakeExecutable(dir: string, name: string, script: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}
const FAKE_TEMPORAL = 'echo "temporal version 9.9.9"';

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-resolver-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const quiet = () => undefined;

test('TEMPORAL_CLI wins over everything else', async () => {
  const explicit = fakeExecutable(path.join(root, 'explicit'), 'temporal', FAKE_TEMPORAL);
  const onPath = fakeExecutable(path.join(root, 'bin'), 'temporal', FAKE_TEMPORAL);
  const source = await resolveTemporalCli({
    explicitPath: explicit,
    cacheDir: path.join(root, 'cache'),
    searchPath: path.dirname(onPath),
    log: quiet,
  });
  expect(source).toEqual({ kind: 'path', path: explicit, origin: 'TEMPORAL_CLI' });
});

test('a TEMPORAL_CLI that does not run is an error saying what to install', async () => {
  const broken = fakeExecutable(root, 'temporal', 'exit 3');
  await expect(
    resolveTemporalCli({ explicitPath: broken, cacheDir: root, searchPath: '', log: quiet }),
  ).rejects.toThrow(TemporalCliUnavailableError);
  await expect(
    resolveTemporalCli({ explicitPath: broken, cacheDir: root, searchPath: '', log: quiet }),
  ).rejects.toThrow(/Install the Temporal CLI/);
});

test('`temporal` on PATH is used before the cache', async () => {
  const onPath = fakeExecutable(path.join(root, 'bin'), 'temporal', FAKE_TEMPORAL);
  const cacheDir = path.join(root, 'cache');
  fakeExecutable(path.dirname(cachedCliPath(cacheDir)), 'temporal', FAKE_TEMPORAL);
  const source = await resolveTemporalCli({ cacheDir, searchPath: path.dirname(onPath), log: quiet });
  expect(source).toMatchObject({ path: onPath, origin: 'PATH' });
});

test('the shared cache is used when nothing is on PATH', async () => {
  const cacheDir = path.join(root, 'cache');
  const cached = fakeExecutable(path.dirname(cachedCliPath(cacheDir)), 'temporal', FAKE_TEMPORAL);
  const source = await resolveTemporalCli({ cacheDir, searchPath: '', extraGoLocations: [], log: quiet });
  expect(source).toEqual({ kind: 'path', path: cached, origin: 'cache' });
});

test('with Go available it builds into the cache; the build lands atomically', async () => {
  const cacheDir = path.join(root, 'cache');
  // A fake `go` that "installs" a fake CLI into $GOBIN, as `go install` does.
  const go = fakeExecutable(
    path.join(root, 'go', 'bin'),
    'go',
    `[ "$1" = install ] || exit 2\nprintf '#!/bin/sh\\n${FAKE_TEMPORAL.replace(/"/g, '\\"')}\\n' > "$GOBIN/temporal"\nchmod +x "$GOBIN/temporal"`,
  );
  const lines: string[] = [];
  const source = await resolveTemporalCli({
    cacheDir,
    searchPath: '',
    extraGoLocations: [go],
    log: (l) => lines.push(l),
  });
  expect(source).toEqual({ kind: 'path', path: cachedCliPath(cacheDir), origin: 'go install' });
  expect(lines.join('\n')).toMatch(/Building the Temporal CLI/);
  expect(fs.readdirSync(path.dirname(cachedCliPath(cacheDir)))).toEqual(['temporal']);
});

test("without a CLI or Go it falls back to the SDK's download", async () => {
  const source = await resolveTemporalCli({
    cacheDir: path.join(root, 'cache'),
    searchPath: '',
    extraGoLocations: [],
    log: quiet,
  });
  expect(source).toEqual({ kind: 'sdk-download', origin: 'sdk-download' });
});

test('a failing Go build is reported and falls back to the download', async () => {
  const go = fakeExecutable(path.join(root, 'go'), 'go', 'echo "no network" >&2; exit 1');
  const lines: string[] = [];
  const source = await resolveTemporalCli({
    cacheDir: path.join(root, 'cache'),
    searchPath: '',
    extraGoLocations: [go],
    log: (l) => lines.push(l),
  });
  expect(source.kind).toBe('sdk-download');
  expect(lines.join('\n')).toMatch(/Building the Temporal CLI with Go failed/);
});
