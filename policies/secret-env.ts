/**
 * Which environment variables a channel's `secretEnv` may name. The worker's environment also holds
 * its AWS credentials and Temporal API key: if a policy could name any variable, whoever can edit
 * the policy file could post those to a URL of their choosing. So only variables with a prefix made
 * for channel secrets, or listed by name in the worker's own environment, are handed out. Pure.
 */
import { ORIGINS_SUFFIX } from './webhook-destinations';
export const SECRET_ENV_PREFIX = 'CONNECT_REMEDIATOR_SECRET_';
/** Comma-separated names the worker may also hand to channels (for secrets that already exist). */
export const SECRET_ENV_ALLOW_VAR = 'CONNECT_REMEDIATOR_SECRET_VARS';

export function secretEnvAllowList(env: Record<string, string | undefined>): string[] {
  return (env[SECRET_ENV_ALLOW_VAR] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * The prefix's own settings are no secrets: CONNECT_REMEDIATOR_SECRET_VARS (the allow-list) and
 * `<name>_ORIGINS` (where a secret may go) are configuration a channel has no business sending.
 */
function isSetting(name: string): boolean {
  return name === SECRET_ENV_ALLOW_VAR || name.endsWith(ORIGINS_SUFFIX);
}

export function isSecretEnvAllowed(name: string, allowList: readonly string[]): boolean {
  if (isSetting(name)) return false;
  return (
    (name.startsWith(SECRET_ENV_PREFIX) && name.length > SECRET_ENV_PREFIX.length) || allowList.includes(name)
  );
}

export function secretEnvRefusal(name: string): string {
  if (isSetting(name)) {
    return (
      `"${name}" is a setting, not a secret: expected the name of a variable that holds a secret ` +
      `(${SECRET_ENV_ALLOW_VAR} lists names channels may read, <name>${ORIGINS_SUFFIX} where a secret may go)`
    );
  }
  return (
    `"${name}" is not a variable channels may read: expected a name starting with ${SECRET_ENV_PREFIX} ` +
    `(or listed in ${SECRET_ENV_ALLOW_VAR} in the worker's environment), so a policy edit cannot send ` +
    `the worker's AWS or Temporal credentials anywhere`
  );
}

/**
 * Why a secret's value cannot go into an HTTP header (a bearer token, a URL), or undefined. A line
 * break in a header value is header injection, and HTTP clients refuse it with an error that quotes
 * the whole value — into logs and the run's history. The reason never quotes the value.
 */
export function secretValueProblem(envName: string, value: string): string | undefined {
  if (value.length === 0) return `environment variable ${envName} is empty`;
  if (/[\r\n]/.test(value))
    return `environment variable ${envName} holds a line break (often a trailing newline from a file or echo): expected its value on one line`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value))
    return `environment variable ${envName} holds a control character: expected printable text`;
  if (/[^\u0020-\u007e]/.test(value))
    return `environment variable ${envName} holds a character outside printable ASCII: expected a value HTTP headers can carry`;
  if (/^\s|\s$/.test(value))
    return `environment variable ${envName} starts or ends with a space: expected no surrounding spaces`;
  return undefined;
}

/** Loopback hosts: a sidecar on the worker's own machine, where plain http never leaves the host. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A bearer token may only travel over https (or to a loopback address). */
export function sendsSecretInClear(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false; // the schema reports a URL that does not parse
  }
  return parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname);
}

/** The URL a urlEnv variable holds, or why it cannot be one: the reason never quotes the value. */
export function urlFromEnv(envName: string, value: string): { url: URL } | { problem: string } {
  const problem = secretValueProblem(envName, value);
  if (problem) return { problem };
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return {
      problem: `environment variable ${envName} does not hold an http(s) URL: expected one such as https://hooks.example.com/…`,
    };
  }
  return { url };
}
