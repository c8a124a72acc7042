/** The Connect instances the simulator knows, with their queues, contact flows and rules. */
import type { ContactFlowDefinition, InstanceDefinition, QueueDefinition, RuleDefinition } from '../types';

/** A change the admin API asked for that the current state does not allow. */
export class SimulatorStateError extends Error {
  constructor(
    readonly kind: 'conflict' | 'not-found' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorStateError';
  }
}

export interface StoredInstance {
  id: string;
  alias?: string;
  activeTaskQuota?: number;
  queues: Map<string, QueueDefinition>;
  flows: Map<string, ContactFlowDefinition>;
  rules: Map<string, RuleDefinition>;
}

/** Connect accepts an instance id or its ARN (`arn:aws:connect:…:instance/<id>`). */
export function instanceIdOf(idOrArn: string): string {
  const match = /^arn:[^:]+:connect:[^:]*:[^:]*:instance\/([^/]+)$/.exec(idOrArn);
  return match?.[1] ?? idOrArn;
}

export class InstanceRegistry {
  private readonly instances = new Map<string, StoredInstance>();

  get(idOrArn: string): StoredInstance | undefined {
    return this.instances.get(instanceIdOf(idOrArn));
  }

  list(): StoredInstance[] {
    return [...this.instances.values()];
  }

  clear(): void {
    this.instances.clear();
  }

  add(definition: InstanceDefinition): StoredInstance {
    if (this.instances.has(definition.Id)) {
      throw new SimulatorStateError('conflict', `instance ${definition.Id} already exists`);
    }
    const instance: StoredInstance = {
      id: definition.Id,
      alias: definition.InstanceAlias,
      activeTaskQuota: definition.ActiveTaskQuota,
      queues: new Map(),
      flows: new Map(),
      rules: new Map(),
    };
    for (const queue of definition.Queues) this.addTo(instance, 'queues', queue.Id, queue);
    for (const flow of definition.ContactFlows) this.addFlowTo(instance, flow);
    for (const rule of definition.Rules) this.addTo(instance, 'rules', rule.RuleId, rule);
    this.instances.set(instance.id, instance);
    return instance;
  }

  addQueue(instanceId: string, queue: QueueDefinition): QueueDefinition {
    return this.addTo(this.require(instanceId), 'queues', queue.Id, queue);
  }

  addContactFlow(instanceId: string, flow: ContactFlowDefinition): ContactFlowDefinition {
    return this.addFlowTo(this.require(instanceId), flow);
  }

  addRule(instanceId: string, rule: RuleDefinition): RuleDefinition {
    return this.addTo(this.require(instanceId), 'rules', rule.RuleId, rule);
  }

  /** The queue a task started by `flowId` waits in. */
  queueForFlow(instance: StoredInstance, flowId: string): string {
    const flow = instance.flows.get(flowId);
    return flow?.QueueId ?? instance.queues.keys().next().value ?? `${instance.id}-basic-queue`;
  }

  toDefinition(instance: StoredInstance): InstanceDefinition {
    return {
      Id: instance.id,
      ...(instance.alias !== undefined ? { InstanceAlias: instance.alias } : {}),
      ...(instance.activeTaskQuota !== undefined ? { ActiveTaskQuota: instance.activeTaskQuota } : {}),
      Queues: [...instance.queues.values()],
      ContactFlows: [...instance.flows.values()],
      Rules: [...instance.rules.values()],
    };
  }

  private require(instanceId: string): StoredInstance {
    const instance = this.get(instanceId);
    if (!instance) throw new SimulatorStateError('not-found', `instance ${instanceId} does not exist`);
    return instance;
  }

  private addFlowTo(instance: StoredInstance, flow: ContactFlowDefinition): ContactFlowDefinition {
    if (flow.QueueId !== undefined && !instance.queues.has(flow.QueueId)) {
      throw new SimulatorStateError(
        'invalid',
        `contact flow ${flow.Id}: QueueId ${flow.QueueId} is not a queue of instance ${instance.id}`,
      );
    }
    return this.addTo(instance, 'flows', flow.Id, flow);
  }

  private addTo<K extends 'queues' | 'flows' | 'rules'>(
    instance: StoredInstance,
    kind: K,
    id: string,
    item: StoredInstance[K] extends Map<string, infer V> ? V : never,
  ): StoredInstance[K] extends Map<string, infer V> ? V : never {
    const map = instance[kind] as Map<string, typeof item>;
    if (map.has(id)) {
      throw new SimulatorStateError(
        'conflict',
        `${KIND_NAMES[kind]} ${id} already exists in instance ${instance.id}`,
      );
    }
    map.set(id, item);
    return item;
  }
}

const KIND_NAMES = { queues: 'queue', flows: 'contact flow', rules: 'rule' } as const;
