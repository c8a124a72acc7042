/**
 * Finds (or builds) the Temporal CLI that runs the dev server, so neither `npm start` nor `npm test`
 * needs a hand-installed binary. Search order, first hit wins:
 *
 *   1. TEMPORAL_CLI (explicit path)
 *   2. `temporal` on PATH
 *   3. a build cached in ~/.cache/connect-remediator/ (shared by every clone, so CI builds once)
 *   4. `go install github.com/temporalio/cli/cmd/temporal@<version>` into that cache, when Go exists
 *   5. @temporalio/testing's own download (needs internet; the SDK caches it in the temp dir)
 *
 * Run directly (`npm run temporal-cli`) to see which one this machine uses.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../worker/config';

const execFileAsync = promisify(execFile);

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_PACKAGE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

export type TemporalCliSource =
  | { kind: 'path'; path: string; origin: 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'go install' }
  | { kind: 'sdk-download'; origin: 'sdk-download' };

export interface ResolveOptions {
  explicitPath?: string;
  cacheDir: string;
  /** PATH to search; defaults to the current one. */
  searchPath?: string;
  /** Where to look for `go` besides PATH. */
  extraGoLocations?: string[];
  log?: (line: string) => void;
}

export class TemporalCliUnavailableError extends Error {
  override name = 'TemporalCliUnavailableError';
}

export const HOW_TO_GET_TEMPORAL_CLI =
  'Install the Temporal CLI (https://docs.temporal.io/cli#install) and put `temporal` on PATH, ' +
  'or set TEMPORAL_CLI=/path/to/temporal, or install Go (https://go.dev/dl) so it can be built with ' +
  `\`go install ${GO_PACKAGE}\`.`;

export function cachedCliPath(cacheDir: string): string {
  return path.join(cacheDir, `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

async function runsAsTemporalCli(candidate: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(candidate, ['--version'], { timeout: 15_000 });
    return /temporal/i.test(stdout);
  } catch {
    return false;
  }
}

function findOnPath(binary: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

async function goInstallIntoCache(
  goBinary: string,
  cacheDir: string,
  log: (l: string) => void,
): Promise<string> {
  const target = cachedCliPath(cacheDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Build into a private directory and rename, so a concurrent `npm test` and `npm start` never see
  // a half-written binary; the loser of the race just overwrites with an identical build.
  const buildDir = fs.mkdtempSync(path.join(path.dirname(target), '.build-'));
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${goBinary} (first run only; takes a few minutes)…`,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(goBinary, ['install', GO_PACKAGE], {
        env: { ...process.env, GOBIN: buildDir },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`go install exited with ${signal ?? `code ${code}`}`)),
      );
    });
    fs.renameSync(path.join(buildDir, 'temporal'), target);
    return target;
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/** Finds a Temporal CLI following the documented order; builds it with Go when that is the way. */
export async function resolveTemporalCli(options: ResolveOptions): Promise<TemporalCliSource> {
  const log = options.log ?? ((line: string) => console.error(line));
  const searchPath = options.searchPath ?? process.env.PATH ?? '';

  if (options.explicitPath) {
    if (await runsAsTemporalCli(options.explicitPath)) {
      return { kind: 'path', path: options.explicitPath, origin: 'TEMPORAL_CLI' };
    }
    throw new TemporalCliUnavailableError(
      `TEMPORAL_CLI=${options.explicitPath} does not run as the Temporal CLI (\`${options.explicitPath} --version\` failed). ${HOW_TO_GET_TEMPORAL_CLI}`,
    );
  }

  const onPath = findOnPath('temporal', searchPath);
  if (onPath && (await runsAsTemporalCli(onPath))) return { kind: 'path', path: onPath, origin: 'PATH' };

  const cached = cachedCliPath(options.cacheDir);
  if (fs.existsSync(cached) && (await runsAsTemporalCli(cached)))
    return { kind: 'path', path: cached, origin: 'cache' };

  const goBinary =
    findOnPath('go', searchPath) ??
    (options.extraGoLocations ?? ['/usr/local/go/bin/go']).find((p) => fs.existsSync(p));
  if (goBinary) {
    try {
      const built = await goInstallIntoCache(goBinary, options.cacheDir, log);
      if (await runsAsTemporalCli(built)) return { kind: 'path', path: built, origin: 'go install' };
      log(`The CLI built by Go at ${built} does not run; falling back to the SDK's download.`);
    } catch (err) {
      log(
        `Building the Temporal CLI with Go failed (${(err as Error).message}); falling back to the SDK's download.`,
      );
    }
  }
  return { kind: 'sdk-download', origin: 'sdk-download' };
}

export function describeCliSource(source: TemporalCliSource): string {
  return source.kind === 'path'
    ? `Temporal CLI from ${source.origin}: ${source.path}`
    : "Temporal CLI: @temporalio/testing's download (needs internet access)";
}

if (require.main === module) {
  // Standalone use: print what this machine would use (building it if needed).
  void (async () => {
    const config = loadConfig();
    const source = await resolveTemporalCli({ explicitPath: config.temporalCli, cacheDir: config.cacheDir });
    console.log(describeCliSource(source));
  })().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
