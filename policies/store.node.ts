/**
 * Holds the policy set a worker resolves against, and keeps it current while ops edit the file.
 *
 * - A worker never starts on a broken file: `open` throws with every error.
 * - Afterwards the directory is watched (editors and Kubernetes ConfigMaps replace files by rename,
 *   which a watch on the file itself would miss). A valid edit applies to new remediations at once;
 *   an invalid one is logged with all its errors and the last good set stays in force.
 * - Every loaded set is identified by a short content hash, logged and recorded in each run.
 */
import fs, { type FSWatcher } from 'node:fs';
import path from 'node:path';
import { formatPolicyError, type PolicyError } from './errors';
import { readPolicyFile } from './load.node';
import type { PolicySet } from './policy-set';

export interface LoadedPolicySet {
  set: PolicySet;
  hash: string;
  file: string;
  loadedAt: Date;
}

/** The pino methods the store logs with (tests pass a recorder). */
export interface PolicyStoreLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type ReloadOutcome =
  | { status: 'applied'; hash: string; previousHash: string }
  | { status: 'unchanged'; hash: string }
  | { status: 'rejected'; errors: PolicyError[]; keptHash: string };

export interface PolicyStoreOptions {
  /** Quiet period after the last file-system event before the file is re-read. */
  debounceMs?: number;
  /** Off for one-shot readers (the CLI). */
  watch?: boolean;
}

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
  constructor(
    readonly file: string,
    readonly errors: PolicyError[],
  ) {
    super(
      `${file}: ${errors.length} error(s) in the policy file:\n${errors.map(formatPolicyError).join('\n')}`,
    );
  }
}

export class PolicyStore {
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  /** Reloads run one at a time, in order. */
  private reloading: Promise<unknown> = Promise.resolve();
  /** The errors we last reported, so an unchanged broken file is logged once, not on every event. */
  private rejectedErrors?: string;
  private readonly listeners = new Set<(outcome: ReloadOutcome) => void>();

  private constructor(
    private loaded: LoadedPolicySet,
    private readonly log: PolicyStoreLog,
    private readonly debounceMs: number,
  ) {}

  static async open(
    file: string,
    log: PolicyStoreLog,
    options: PolicyStoreOptions = {},
  ): Promise<PolicyStore> {
    const absolute = path.resolve(file);
    const result = await readPolicyFile(absolute);
    if (!result.ok) throw new PolicyLoadError(absolute, result.errors);
    const store = new PolicyStore(
      { set: result.set, hash: result.hash, file: absolute, loadedAt: new Date() },
      log,
      options.debounceMs ?? 200,
    );
    log.info(
      { file: absolute, hash: result.hash, policies: result.set.policies.length },
      `policy set ${result.hash} loaded from ${absolute} (${result.set.policies.length} policies)`,
    );
    if (options.watch ?? true) store.watch();
    return store;
  }

  current(): LoadedPolicySet {
    return this.loaded;
  }

  /** Called with the outcome of every reload that found a change (tests, metrics). */
  onReload(listener: (outcome: ReloadOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file now (the watcher calls this; so can a SIGHUP handler). */
  reload(): Promise<ReloadOutcome> {
    const next = this.reloading.then(() => this.reloadNow());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    this.listeners.clear();
  }

  private watch(): void {
    const { file } = this.loaded;
    // Any event in the directory may be our file being replaced (rename, symlink swap); a re-read
    // whose content hash is unchanged costs little and does nothing.
    this.watcher = fs.watch(path.dirname(file), { persistent: false }, () => this.scheduleReload());
    this.watcher.on('error', (err) =>
      this.log.error(
        { file, err },
        `cannot watch ${file} any more: edits will not be picked up until restart`,
      ),
    );
  }

  private scheduleReload(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      void this.reload().catch((err: unknown) =>
        this.log.error({ file: this.loaded.file, err }, 'policy reload failed unexpectedly'),
      );
    }, this.debounceMs);
  }

  private async reloadNow(): Promise<ReloadOutcome> {
    const { file, hash: currentHash } = this.loaded;
    const result = await readPolicyFile(file);
    let outcome: ReloadOutcome;
    if (result.ok && result.hash === currentHash) {
      this.rejectedErrors = undefined;
      return { status: 'unchanged', hash: currentHash };
    }
    if (result.ok) {
      this.loaded = { set: result.set, hash: result.hash, file, loadedAt: new Date() };
      this.rejectedErrors = undefined;
      this.log.info(
        { file, hash: result.hash, previousHash: currentHash, policies: result.set.policies.length },
        `policy set ${result.hash} loaded from ${file} (${result.set.policies.length} policies), replacing ${currentHash}`,
      );
      outcome = { status: 'applied', hash: result.hash, previousHash: currentHash };
    } else {
      const errors = result.errors.map(formatPolicyError);
      const signature = errors.join('\n');
      if (signature === this.rejectedErrors)
        return { status: 'rejected', errors: result.errors, keptHash: currentHash };
      this.rejectedErrors = signature;
      this.log.error(
        { file, keptHash: currentHash, errors },
        `policy file ${file} rejected (${errors.length} error(s)); policy set ${currentHash} stays in force:\n  ${errors.join('\n  ')}`,
      );
      outcome = { status: 'rejected', errors: result.errors, keptHash: currentHash };
    }
    this.listeners.forEach((listener) => listener(outcome));
    return outcome;
  }
}
