/**
 * One shutdown path for long-running commands: the first SIGINT/SIGTERM starts an orderly stop
 * (components stop in reverse start order); a second one exits at once.
 */
export interface ShutdownController {
  signal: AbortSignal;
  /** Resolves when a shutdown signal arrives (or `trigger` is called). */
  requested: Promise<string>;
  trigger(reason: string): void;
  dispose(): void;
}

export function onShutdownSignals(log: (line: string) => void): ShutdownController {
  const controller = new AbortController();
  let resolveRequested!: (reason: string) => void;
  const requested = new Promise<string>((resolve) => (resolveRequested = resolve));
  const trigger = (reason: string) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    resolveRequested(reason);
  };
  let firstSignalAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    // A terminal's Ctrl-C reaches us twice under `npm start` (the process group, then npm's
    // forward); only a second press, noticeably later, means "exit now".
    if (controller.signal.aborted && Date.now() - firstSignalAt < 1000) return;
    firstSignalAt ||= Date.now();
    if (controller.signal.aborted) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    log(`${signal} received: stopping…`);
    trigger(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  // When whatever launched us dies without passing the signal on (a killed `npm start`, a closed
  // terminal), we are re-parented: treat that as a shutdown request instead of running orphaned.
  const parentAtStart = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parentAtStart) {
      log('parent process exited: stopping…');
      trigger('parent exited');
    }
  }, 1000);
  parentWatch.unref();
  return {
    signal: controller.signal,
    requested,
    trigger,
    dispose: () => {
      clearInterval(parentWatch);
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Stops components in reverse order; one failing stop does not keep the others running. */
export class Stack {
  private readonly stops: { name: string; stop: () => Promise<void> | void }[] = [];

  add(name: string, stop: () => Promise<void> | void): void {
    this.stops.push({ name, stop });
  }

  async stopAll(log: (line: string) => void): Promise<void> {
    for (const { name, stop } of this.stops.reverse()) {
      try {
        await stop();
        log(`stopped ${name}`);
      } catch (err) {
        log(`stopping ${name} failed: ${(err as Error).message}`);
      }
    }
    this.stops.length = 0;
  }
}
