/**
 * Every side effect the workflows need, built from injected clients so tests hand in clients
 * pointed at the simulator and production hands in real ones.
 */
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';

export interface ActivityDeps {
  connect: ConnectClient;
  eventBridge: EventBridgeClient;
}

export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type RemediationActivities = ReturnType<typeof createActivities>;
