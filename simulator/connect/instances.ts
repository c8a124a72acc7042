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
    for (const queue of definition.Queues) this.addQueueTo(instance, queue);
    for (const flow of definition.ContactFlows) this.addFlowTo(instance, flow);
    for (const rule of definition.Rules) this.addRuleTo(instance, rule);
    this.instances.set(instance.id, instance);
    return instance;
  }

  addQueue(instanceId: string, queue: QueueDefinition): QueueDefinition {
    return this.addQueueTo(this.require(instanceId), queue);
  }

  addContactFlow(instanceId: string, flow: ContactFlowDefinition): ContactFlowDefinition {
    return this.addFlowTo(this.require(instanceId), flow);
  }

  addRule(instanceId: string, rule: RuleDefinition): RuleDefinition {
    return this.addRuleTo(this.require(instanceId), rule);
  }

  /** Replaces a rule, as someone editing it in the Connect console does (the id stays). */
  replaceRule(instanceId: string, rule: RuleDefinition): RuleDefinition {
    const instance = this.require(instanceId);
    if (!instance.rules.has(rule.RuleId)) {
      throw new SimulatorStateError(
        'not-found',
        `rule ${rule.RuleId} does not exist in instance ${instanceId}`,
      );
    }
    instance.rules.set(rule.RuleId, rule);
    return rule;
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

  private addQueueTo(instance: StoredInstance, queue: QueueDefinition): QueueDefinition {
    return insert(instance.queues, queue.Id, queue, `queue ${queue.Id}`, instance.id);
  }

  private addRuleTo(instance: StoredInstance, rule: RuleDefinition): RuleDefinition {
    return insert(instance.rules, rule.RuleId, rule, `rule ${rule.RuleId}`, instance.id);
  }

  private addFlowTo(instance: StoredInstance, flow: ContactFlowDefinition): ContactFlowDefinition {
    if (flow.QueueId !== undefined && !instance.queues.has(flow.QueueId)) {
      throw new SimulatorStateError(
        'invalid',
        `contact flow ${flow.Id}: QueueId ${flow.QueueId} is not a queue of instance ${instance.id}`,
      );
    }
    return insert(instance.flows, flow.Id, flow, `contact flow ${flow.Id}`, instance.id);
  }
}

function insert<V>(map: Map<string, V>, id: string, item: V, what: string, instanceId: string): V {
  if (map.has(id))
    throw new SimulatorStateError('conflict', `${what} already exists in instance ${instanceId}`);
  map.set(id, item);
  return item;
}
