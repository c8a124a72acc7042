/**
 * dev/ — the one-command local stack (`npm start` = `connect-remediator dev`, stack.ts): the
 * Temporal CLI dev server (obtained by temporal-cli.ts: PATH, cache, `go install`, or the SDK's
 * download), the simulator, the worker and the ingress, stopped in reverse order.
 */
export { startDevStack, type DevStackHandle } from './stack';
export { startDevServer, freePort, type RunningDevServer } from './temporal-dev-server';
export { resolveTemporalCli, describeCliSource } from './temporal-cli';
