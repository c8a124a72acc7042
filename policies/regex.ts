/**
 * The regular expressions policies write (`errorMatches`), run on text from the event — up to
 * 256 KB that anyone able to make a rule action fail can shape. JavaScript's backtracking engine
 * can take exponential time on a pattern such as `^(\w+\s?)*$` (27 word characters and a `!`:
 * seconds, doubling with each character), stalling every activity of the worker meanwhile. RE2's
 * engine (re2js, a pure-JS port: no native build) matches in time linear in the text, and refuses
 * the constructs that need backtracking (lookaround, backreferences) when the pattern is compiled —
 * that is, when the policy file is validated. The text looked at is capped too, so a policy set of
 * many patterns costs a bounded time per event. Pure (workflow-safe).
 */
import { RE2JS } from 're2js';

/** Only the start of the error text is searched: AWS's error messages are far shorter. */
export const MAX_MATCHED_CHARS = 4096;

export interface PolicyRegex {
  /** Whether the pattern occurs anywhere in the first MAX_MATCHED_CHARS characters of `text`. */
  test(text: string): boolean;
}

export type RegexCompilation = { ok: true; regex: PolicyRegex } | { ok: false; problem: string };

export function compilePolicyRegex(pattern: string): RegexCompilation {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (err) {
    return { ok: false, problem: (err as Error).message.replace(/^error parsing regexp: /, '') };
  }
  return {
    ok: true,
    regex: {
      test: (text) =>
        compiled.test(text.length > MAX_MATCHED_CHARS ? text.slice(0, MAX_MATCHED_CHARS) : text),
    },
  };
}
