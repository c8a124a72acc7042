/** Builds failure events for tests: the AWS sample with a fresh id and any detail overrides. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectFailureEvent, FailureDetail } from '../../events/types';

export const SAMPLE_EVENT_PATH = path.join(__dirname, '..', 'fixtures', 'events', 'seed-failure-event.json');

export function loadSampleEvent(): ConnectFailureEvent {
  return JSON.parse(fs.readFileSync(SAMPLE_EVENT_PATH, 'utf8')) as ConnectFailureEvent;
}

export function failureEvent(detail: Partial<FailureDetail> = {}, id = randomUUID()): ConnectFailureEvent {
  const sample = loadSampleEvent();
  return { ...sample, id, detail: { ...sample.detail, ...detail } };
}
