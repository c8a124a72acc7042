/**
 * One Temporal worker per rate budget, each polling that budget's task queue with the server-side
 * rate limit set to it: every AWS operation the engine calls (the engine's share of the account's
 * limit, policy file `apiRateLimits`). The Temporal server enforces a task queue's rate over all its pollers, so the account
 * sees the budget whether one worker process runs or twenty. A policy edit that changes a budget
 * restarts that budget's worker with the new rate (Temporal applies a rate from the next poll).
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { RATE_LIMITED_ACTIVITIES, type RemediationActivities } from '../activities';
import { setGauge } from './engine-metrics';
import type { ApiBudgets } from '../policies/api-budgets';
import { rateLimitedTaskQueue } from '../workflows/definitions';
import type { Logger } from './logger';

type Budget = keyof typeof RATE_LIMITED_ACTIVITIES;

interface Running {
  worker: Worker;
  ratePerSecond: number;
  done: Promise<void>;
}

export interface RateLimitedWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: RemediationActivities;
  logger: Logger;
  identity?: string;
  /** Added to each worker's options (tracing's activity interceptors). */
  workerOptions?: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}

export class RateLimitedWorkers {
  private readonly running = new Map<Budget, Running>();
  private failure?: (err: unknown) => void;
  /** Rejects when any operation worker fails (not when one is restarted for a new budget). */
  readonly failed = new Promise<never>((_, reject) => (this.failure = reject));

  constructor(private readonly options: RateLimitedWorkersOptions) {
    this.failed.catch(() => undefined);
  }

  /** Starts a worker for every budget that is new or changed; leaves the others alone. */
  async apply(apiBudgets: ApiBudgets): Promise<void> {
    const budgets: Record<Budget, number> = apiBudgets;
    for (const budget of Object.keys(RATE_LIMITED_ACTIVITIES) as Budget[]) {
      const current = this.running.get(budget);
      if (current?.ratePerSecond === budgets[budget]) continue;
      if (current) await this.stopOne(budget);
      await this.startOne(budget, budgets[budget]);
    }
  }

  /** Requests per second of each budget, as its worker runs now. */
  budgets(): Partial<Record<Budget, number>> {
    return Object.fromEntries([...this.running].map(([budget, r]) => [budget, r.ratePerSecond]));
  }

  async stop(): Promise<void> {
    for (const operation of [...this.running.keys()]) await this.stopOne(operation);
  }

  private async startOne(operation: Budget, ratePerSecond: number): Promise<void> {
    const { activities } = this.options;
    const worker = await Worker.create({
      connection: this.options.connection,
      namespace: this.options.namespace,
      taskQueue: rateLimitedTaskQueue(this.options.taskQueue, operation),
      activities: Object.fromEntries(
        (RATE_LIMITED_ACTIVITIES[operation] ?? []).map((name) => [name, activities[name]]),
      ),
      maxTaskQueueActivitiesPerSecond: ratePerSecond,
      ...this.options.workerOptions,
      ...(this.options.identity ? { identity: `${this.options.identity}/${operation}` } : {}),
    });
    const done = worker.run();
    const entry: Running = { worker, ratePerSecond, done };
    this.running.set(operation, entry);
    done.catch((err: unknown) => {
      if (this.running.get(operation) === entry) this.failure?.(err);
    });
    setGauge('connect_remediator_aws_rate_budget_per_second', ratePerSecond, { operation });
    this.options.logger.info(
      { operation, ratePerSecond },
      `${operation} calls limited to ${ratePerSecond}/s`,
    );
  }

  private async stopOne(operation: Budget): Promise<void> {
    const entry = this.running.get(operation);
    if (!entry) return;
    this.running.delete(operation);
    if (entry.worker.getState() === 'RUNNING') entry.worker.shutdown();
    await entry.done.catch(() => undefined);
  }
}
