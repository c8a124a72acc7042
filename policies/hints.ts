/** Helpful additions to error messages: spelling suggestions and the inline-secret guard. Pure. */

/** Keys whose value would be a credential: those belong in the environment, named by secretEnv. */
const SECRET_KEY =
  /(token|passw(or)?d|secret|api[-_]?key|authori[sz]ation|bearer|credential|private[-_]?key)/i;

export function looksLikeSecretKey(key: string): boolean {
  return key !== 'secretEnv' && SECRET_KEY.test(key);
}

export const SECRET_ADVICE =
  'secrets never go in the policy file: put the value in an environment variable and name it with secretEnv (e.g. secretEnv: CONNECT_REMEDIATOR_SECRET_ONCALL_TOKEN)';

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The closest known word when it is plausibly a typo of `word` (case-insensitive), else undefined. */
export function closestMatch(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const prefix = best.candidate.toLowerCase().startsWith(lower) && lower.length >= 3;
  return best.distance <= Math.max(2, Math.floor(best.candidate.length / 3)) || prefix
    ? best.candidate
    : undefined;
}
