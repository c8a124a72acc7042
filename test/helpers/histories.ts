/**
 * Recorded histories: acceptance tests save the histories of their runs (RECORD_HISTORIES=1, i.e.
 * `npm run record-histories`), they are committed under test/fixtures/histories/, and
 * test/workflows/replay.test.ts replays every one against the current workflow code in CI. A change that
 * would break a run already in flight fails there, not in production.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  // The protobuf wire encoding: exact, compact, and independent of JSON-mapping details.
  fs.writeFileSync(
    path.join(HISTORIES_DIR, `${name}.history.pb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}

export function readHistory(file: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.decode(fs.readFileSync(file));
}

// Reading histories in terms tests can assert on.

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
