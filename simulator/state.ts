/**
 * Everything the simulator holds, in memory: settings, rate limits, Connect instances and tasks,
 * EventBridge events, injected faults and the request log. `reset()` returns it to the seed and the
 * settings it started with.
 */
import { DEFAULT_CONFIG, type ConfigPatch } from './config';
import { InstanceRegistry, type StoredInstance } from './connect/instances';
import { TaskStore, toTaskView } from './connect/task-store';
import { EventStore } from './eventbridge/event-store';
import { FaultInjector } from './faults';
import { RateLimiter } from './rate-limits';
import { RequestLog } from './request-log';
import type {
  InstanceView,
  SimulatorConfig,
  SimulatorSeed,
  SimulatorStateSnapshot,
  StateQuery,
} from './types';

export class SimulatorState {
  config: SimulatorConfig;
  readonly instances = new InstanceRegistry();
  readonly tasks = new TaskStore();
  readonly events: EventStore;
  readonly faults = new FaultInjector();
  readonly rateLimits: RateLimiter;
  readonly requestLog: RequestLog;
  /** When the seed was (re)loaded: the rules' CreatedTime. */
  loadedAtMs = 0;

  constructor(
    private readonly seed: SimulatorSeed,
    private readonly initialConfig: ConfigPatch = {},
    readonly now: () => number = Date.now,
  ) {
    const { rateLimits, ...settings } = initialConfig;
    this.config = { ...DEFAULT_CONFIG, ...settings };
    this.rateLimits = new RateLimiter(this.config.region, rateLimits, now());
    this.config.rateLimits = this.rateLimits.effective();
    this.events = new EventStore(this.config.eventsPerBusLimit);
    this.requestLog = new RequestLog(this.config.requestLogSize);
    this.loadSeed();
  }

  reset(): void {
    const { rateLimits, ...settings } = this.initialConfig;
    this.config = { ...DEFAULT_CONFIG, ...settings };
    this.config.rateLimits = this.rateLimits.reset(this.config.region, rateLimits, this.now());
    this.instances.clear();
    this.tasks.clear();
    this.events.clear();
    this.events.setPerBusLimit(this.config.eventsPerBusLimit);
    this.faults.clear();
    this.requestLog.clear();
    this.requestLog.resize(this.config.requestLogSize);
    this.loadSeed();
  }

  configure(patch: ConfigPatch): SimulatorConfig {
    const { rateLimits, ...settings } = patch;
    this.config = { ...this.config, ...settings };
    this.config.rateLimits = this.rateLimits.configure(this.config.region, rateLimits, this.now());
    if (patch.requestLogSize !== undefined) this.requestLog.resize(patch.requestLogSize);
    if (patch.eventsPerBusLimit !== undefined) this.events.setPerBusLimit(patch.eventsPerBusLimit);
    return this.config;
  }

  activeTaskQuotaOf(instance: StoredInstance): number {
    return instance.activeTaskQuota ?? this.config.activeTaskQuota;
  }

  /** Completes the tasks whose lifetime has run out; called before anything reads or counts tasks. */
  expireTasks(): void {
    if (this.config.taskLifetimeMs !== null) this.tasks.expire(this.config.taskLifetimeMs, this.now());
  }

  instanceView(instance: StoredInstance): InstanceView {
    const { region, accountId } = this.config;
    return {
      ...this.instances.toDefinition(instance),
      Arn: `arn:aws:connect:${region}:${accountId}:instance/${instance.id}`,
      ActiveTaskQuota: this.activeTaskQuotaOf(instance),
      openTasks: this.tasks.openCount(instance.id),
      completedTasks: this.tasks.completedCount(instance.id),
      peakOpenTasks: this.tasks.peakOpenCount(instance.id),
    };
  }

  snapshot(query: StateQuery = {}): SimulatorStateSnapshot {
    this.expireTasks();
    const which = query.tasks ?? 'all';
    const tasks =
      which === 'none' ? [] : this.tasks.list({ openOnly: which === 'open', instanceId: query.instanceId });
    return {
      config: { ...this.config, rateLimits: this.rateLimits.effective() },
      faults: this.faults.view(),
      instances: this.instances.list().map((instance) => this.instanceView(instance)),
      tasks: tasks.map(toTaskView),
      events: this.events.all(),
      requestCounts: this.requestLog.countsByOperation(),
      requestsInProgress: this.requestLog.inProgress(),
      requestLog: this.requestLog.newest(query.log),
    };
  }

  private loadSeed(): void {
    // structuredClone: admin changes at run time must never leak into the seed `reset()` returns to.
    for (const instance of structuredClone(this.seed.instances)) this.instances.add(instance);
    this.loadedAtMs = this.now();
  }
}
