/**
 * A typed client for the simulator's `/_sim` admin API, for tests, benchmarks and scripts. Works
 * against any simulator endpoint (in-process or `connect-remediator simulator`).
 */
import type {
  ContactFlowDefinition,
  FaultSpec,
  FaultsView,
  InstanceDefinition,
  InstanceView,
  OpenTasksRequest,
  OpenTasksResult,
  QueueDefinition,
  RequestsInSecond,
  RuleDefinition,
  SimulatedOperation,
  SimulatedTask,
  SimulatorConfig,
  SimulatorConfigPatch,
  SimulatorStateSnapshot,
  StateQuery,
  StoredEvent,
} from './types';

/** A refused admin request: the HTTP status and the simulator's explanation. */
export class SimulatorAdminError extends Error {
  override name = 'SimulatorAdminError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Instance input: ids are generated when left out; a BasicQueue is added when no queue is given. */
export type NewInstance = Partial<Pick<InstanceDefinition, 'Id' | 'Queues'>> &
  Omit<InstanceDefinition, 'Id' | 'Queues' | 'ContactFlows' | 'Rules'> & {
    ContactFlows?: NewContactFlow[];
    Rules?: NewRule[];
  };
export type NewContactFlow = Omit<ContactFlowDefinition, 'Id'> & { Id?: string };
export type NewQueue = Omit<QueueDefinition, 'Id'> & { Id?: string };
export type NewRule = Omit<RuleDefinition, 'RuleId' | 'TriggerEventSource' | 'Function' | 'PublishStatus'> &
  Partial<Pick<RuleDefinition, 'RuleId' | 'TriggerEventSource' | 'Function' | 'PublishStatus'>>;

export class SimulatorAdminClient {
  private readonly base: string;

  constructor(endpoint: string) {
    this.base = `${endpoint.replace(/\/+$/, '')}/_sim`;
  }

  state(query: StateQuery = {}): Promise<SimulatorStateSnapshot> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return this.request('GET', `/state${search}`);
  }

  config(): Promise<SimulatorConfig> {
    return this.request('GET', '/config');
  }

  /**
   * Changes some settings; returns all of them. `rateLimits: "off"` lifts every rate limit, `"aws"`
   * restores AWS's defaults, `{ StartTaskContact: { rate, burst } | null }` changes one.
   */
  configure(patch: SimulatorConfigPatch): Promise<SimulatorConfig> {
    return this.request('POST', '/config', patch);
  }

  /** Calls per second of arrival, of one operation or all, from the request log (oldest first). */
  requestsPerSecond(operation?: SimulatedOperation): Promise<RequestsInSecond[]> {
    const search = operation !== undefined ? `?operation=${encodeURIComponent(operation)}` : '';
    return this.request('GET', `/requests/per-second${search}`);
  }

  /** Adds faults (errors and entry errors queue up; latencies replace per operation). */
  injectFaults(spec: FaultSpec): Promise<FaultsView> {
    return this.request('POST', '/faults', spec);
  }

  clearFaults(): Promise<FaultsView> {
    return this.request('DELETE', '/faults');
  }

  task(contactId: string): Promise<SimulatedTask> {
    return this.request('GET', `/tasks/${encodeURIComponent(contactId)}`);
  }

  /** Completes an open task (frees its place in the quota); a completed one is returned unchanged. */
  completeTask(contactId: string): Promise<SimulatedTask> {
    return this.request('POST', `/tasks/${encodeURIComponent(contactId)}/complete`);
  }

  /** Completes the oldest open tasks (of one instance, or of all). */
  async completeOldestTasks(options: { count?: number; instanceId?: string } = {}): Promise<SimulatedTask[]> {
    const { completed } = await this.request<{ completed: SimulatedTask[] }>(
      'POST',
      '/tasks/complete-oldest',
      options,
    );
    return completed;
  }

  /**
   * Opens `count` tasks on an instance without StartTaskContact calls (not rate limited, not in the
   * request log), as if the contact centre had opened them; refused if they would pass its quota.
   */
  addOpenTasks(instanceId: string, request: OpenTasksRequest): Promise<OpenTasksResult> {
    return this.request('POST', `/instances/${encodeURIComponent(instanceId)}/open-tasks`, request);
  }

  /** Back to the seed and the settings the simulator started with; faults, tasks, events and logs cleared. */
  async reset(): Promise<void> {
    await this.request('POST', '/reset');
  }

  instances(): Promise<InstanceView[]> {
    return this.request('GET', '/instances');
  }

  instance(instanceId: string): Promise<InstanceView> {
    return this.request('GET', `/instances/${encodeURIComponent(instanceId)}`);
  }

  addInstance(instance: NewInstance): Promise<InstanceView> {
    return this.request('POST', '/instances', instance);
  }

  addQueue(instanceId: string, queue: NewQueue): Promise<QueueDefinition> {
    return this.request('POST', `/instances/${encodeURIComponent(instanceId)}/queues`, queue);
  }

  addContactFlow(instanceId: string, flow: NewContactFlow): Promise<ContactFlowDefinition> {
    return this.request('POST', `/instances/${encodeURIComponent(instanceId)}/contact-flows`, flow);
  }

  addRule(instanceId: string, rule: NewRule): Promise<RuleDefinition> {
    return this.request('POST', `/instances/${encodeURIComponent(instanceId)}/rules`, rule);
  }

  /** Replaces a rule (its id stays), as an edit in the Connect console does. */
  updateRule(instanceId: string, ruleId: string, rule: Omit<NewRule, 'RuleId'>): Promise<RuleDefinition> {
    return this.request(
      'PUT',
      `/instances/${encodeURIComponent(instanceId)}/rules/${encodeURIComponent(ruleId)}`,
      rule,
    );
  }

  /** Events accepted on a bus (default: "default"), oldest first. */
  async events(eventBusName = 'default'): Promise<StoredEvent[]> {
    const { events } = await this.request<{ events: StoredEvent[] }>(
      'GET',
      `/events?bus=${encodeURIComponent(eventBusName)}`,
    );
    return events;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    const text = await response.text();
    let payload: unknown;
    try {
      payload = text === '' ? undefined : JSON.parse(text);
    } catch {
      payload = undefined;
    }
    if (!response.ok) {
      const problem = (payload ?? {}) as {
        error?: string;
        message?: string;
        issues?: { path: string; message: string }[];
      };
      throw new SimulatorAdminError(
        response.status,
        problem.error ?? 'HttpError',
        `${method} /_sim${path}: ${problem.message ?? `HTTP ${response.status}`}`,
        problem.issues,
      );
    }
    return payload as T;
  }
}
