/** Reads recorded histories in terms tests can assert on. */
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export function eventTypeName(event: HistoryEvent): string {
  return temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType);
}

export function eventTypes(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).map(eventTypeName);
}

export function eventTimeMs(event: HistoryEvent): number {
  const t = event.eventTime;
  if (!t) throw new Error('history event without eventTime');
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
