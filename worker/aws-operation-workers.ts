/**
 * One Temporal worker per AWS operation the engine calls, each polling that operation's task queue
 * with the server-side rate limit set to the engine's budget (policy file, `apiRateLimits`). The
 * Temporal server enforces a task queue's rate over all its pollers, so the account sees the
 * budget whether one worker process runs or twenty. A policy edit that changes a budget restarts
 * that operation's worker with the new rate (Temporal applies a rate from the next poll).
 */
import { Worker, type NativeConnection } from '@temporalio/worker';
import { AWS_OPERATION_ACTIVITIES, type RemediationActivities } from '../activities';
import { AWS_OPERATIONS, type ApiBudgets, type AwsOperation } from '../policies/api-budgets';
import { awsOperationTaskQueue } from '../workflows/definitions';
import type { Logger } from './logger';

interface Running {
  worker: Worker;
  ratePerSecond: number;
  done: Promise<void>;
}

export interface AwsOperationWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: RemediationActivities;
  logger: Logger;
  identity?: string;
}

export class AwsOperationWorkers {
  private readonly running = new Map<AwsOperation, Running>();
  private failure?: (err: unknown) => void;
  /** Rejects when any operation worker fails (not when one is restarted for a new budget). */
  readonly failed = new Promise<never>((_, reject) => (this.failure = reject));

  constructor(private readonly options: AwsOperationWorkersOptions) {
    this.failed.catch(() => undefined);
  }

  /** Starts a worker for every operation whose budget is new or changed; leaves the others alone. */
  async apply(budgets: ApiBudgets): Promise<void> {
    for (const operation of AWS_OPERATIONS) {
      const current = this.running.get(operation);
      if (current?.ratePerSecond === budgets[operation]) continue;
      if (current) await this.stopOne(operation);
      await this.startOne(operation, budgets[operation]);
    }
  }

  budgets(): Partial<ApiBudgets> {
    return Object.fromEntries([...this.running].map(([op, r]) => [op, r.ratePerSecond]));
  }

  async stop(): Promise<void> {
    for (const operation of [...this.running.keys()]) await this.stopOne(operation);
  }

  private async startOne(operation: AwsOperation, ratePerSecond: number): Promise<void> {
    const { activities } = this.options;
    const worker = await Worker.create({
      connection: this.options.connection,
      namespace: this.options.namespace,
      taskQueue: awsOperationTaskQueue(this.options.taskQueue, operation),
      activities: Object.fromEntries(
        AWS_OPERATION_ACTIVITIES[operation].map((name) => [name, activities[name]]),
      ),
      maxTaskQueueActivitiesPerSecond: ratePerSecond,
      ...(this.options.identity ? { identity: `${this.options.identity}/${operation}` } : {}),
    });
    const done = worker.run();
    const entry: Running = { worker, ratePerSecond, done };
    this.running.set(operation, entry);
    done.catch((err: unknown) => {
      if (this.running.get(operation) === entry) this.failure?.(err);
    });
    this.options.logger.info(
      { operation, ratePerSecond },
      `${operation} calls limited to ${ratePerSecond}/s`,
    );
  }

  private async stopOne(operation: AwsOperation): Promise<void> {
    const entry = this.running.get(operation);
    if (!entry) return;
    this.running.delete(operation);
    if (entry.worker.getState() === 'RUNNING') entry.worker.shutdown();
    await entry.done.catch(() => undefined);
  }
}
