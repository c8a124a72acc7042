/** Load errors, each located in the file so an editor or a person can jump straight to it. Pure. */

export type PolicyPath = readonly (string | number)[];

/** A problem found in the parsed data, before it is located in the source text. */
export interface PolicyIssue {
  path: PolicyPath;
  message: string;
  /** Point at the key itself (unknown keys) rather than at its value. */
  at?: 'key' | 'value';
}

export interface PolicyError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the document, as ops read it: `policies[2].retry.maximumAttempts` ('' for the whole file). */
  path: string;
  message: string;
}

/** `policies[2].retry.maximumAttempts`; names that are not plain words are quoted. */
export function formatPath(path: PolicyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `policies.yaml:14:7: policies[2].retry.maximumAttempts: expected a positive integer, got "five"` */
export function formatPolicyError(error: PolicyError): string {
  const where = `${error.file}:${error.line}:${error.column}`;
  return error.path ? `${where}: ${error.path}: ${error.message}` : `${where}: ${error.message}`;
}

export function byPosition(a: PolicyError, b: PolicyError): number {
  return a.line - b.line || a.column - b.column || a.path.localeCompare(b.path);
}

/** How a value from the file is quoted back in a message: strings in quotes, objects as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty list' : `a list ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'object') return `a map ${truncate(JSON.stringify(value))}`;
  return truncate(JSON.stringify(value) ?? String(value));
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
