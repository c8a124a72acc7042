// What `runs list | show | signal` use: queries, run lookups and the formatters of their output.
export { parsePhase, parseReason, parseSince, runsQuery, type RunFilters } from './filters';
export { formatRunsFooter, formatRunsTable, listRuns, toRunRow, type RunRow } from './list';
export { describeRemediationRun, RunLookupError } from './lookup';
export { loadRunStory, type RunStory } from './story';
export { formatRunStory } from './format-story';
export {
  formatSignalSent,
  OPERATOR_ACTIONS,
  parseAction,
  parseOverrides,
  signalRun,
  type OperatorAction,
  type SignalSent,
} from './signal';
