// What `capacity` uses: the gate query, gathering each gate's status, the drain estimate, the lines.
export { capacityGatesQuery, instanceIdOfGate, parseInstanceId } from './query';
export { estimateDrain, grantMinutes, RATE_MINUTES, type DrainEstimate, type GrantMinute } from './estimate';
export { gateReport, type GateReport } from './report';
export { formatCapacityReport, formatGateReport, formatNoGate, SHOWN_MINUTES } from './format';
export { listGateReports } from './gates';
