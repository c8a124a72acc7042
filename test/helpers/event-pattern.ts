/**
 * Evaluates an EventBridge event pattern against an event, for the operators this project's rule
 * uses: nested fields and lists of exact values (a field matches when its value — or any element
 * of an array value — is in the list). Any other operator ({prefix}, {anything-but}, …) throws, so
 * a pattern that outgrows this matcher fails its test instead of being judged wrongly.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value =
      typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[field] : undefined;
    if (Array.isArray(expected)) {
      for (const option of expected) {
        if (typeof option === 'object' && option !== null) {
          throw new Error(
            `pattern operator ${JSON.stringify(option)} at "${field}" is not supported by this matcher`,
          );
        }
      }
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) => v !== undefined && expected.includes(v));
    }
    if (typeof expected === 'object' && expected !== null) {
      return matchesPattern(expected as Record<string, unknown>, value);
    }
    throw new Error(`pattern field "${field}" must be a list or an object, got ${JSON.stringify(expected)}`);
  });
}
