/** Times and durations as the runs commands print them: UTC timestamps, short ages. */
import { formatDuration } from '../../policies/durations';

/** "2026-11-27 10:04:05Z": sortable, unambiguous, and the same on every operator's machine. */
export function formatTimestamp(at: Date | string): string {
  const iso = (typeof at === 'string' ? new Date(at) : at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** A wait as the policy file writes it: 28 → "28ms", 1500 → "1.5s", 3_780_000 → "1h 3m". */
export const formatDelay = formatDuration;

/** How long ago, to whole seconds and at most two units: "45s", "12m 5s", "3h 2m", "2d 4h". */
export function formatAge(ms: number): string {
  if (ms < 1000) return '0s';
  return formatDuration(Math.round(ms / 1000) * 1000)
    .split(' ')
    .slice(0, 2)
    .join(' ');
}
