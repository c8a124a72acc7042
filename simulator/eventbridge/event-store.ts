/** Events accepted by PutEvents, per event bus, each bus a ring buffer of the newest events. */
import { RingBuffer } from '../ring-buffer';
import type { StoredEvent } from '../types';

export class EventStore {
  private readonly buses = new Map<string, RingBuffer<StoredEvent>>();

  constructor(private perBusLimit: number) {}

  add(event: StoredEvent): void {
    let bus = this.buses.get(event.eventBusName);
    if (!bus) this.buses.set(event.eventBusName, (bus = new RingBuffer(this.perBusLimit)));
    bus.push(event);
  }

  list(eventBusName: string): StoredEvent[] {
    return this.buses.get(eventBusName)?.toArray() ?? [];
  }

  all(): Record<string, StoredEvent[]> {
    return Object.fromEntries([...this.buses].map(([name, bus]) => [name, bus.toArray()]));
  }

  setPerBusLimit(limit: number): void {
    this.perBusLimit = limit;
    for (const bus of this.buses.values()) bus.resize(limit);
  }

  clear(): void {
    this.buses.clear();
  }
}
