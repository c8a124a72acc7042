/**
 * Which environment variables a channel's `secretEnv` may name. The worker's environment also holds
 * its AWS credentials and Temporal API key: if a policy could name any variable, whoever can edit
 * the policy file could post those to a URL of their choosing. So only variables with a prefix made
 * for channel secrets, or listed by name in the worker's own environment, are handed out. Pure.
 */
export const SECRET_ENV_PREFIX = 'CONNECT_REMEDIATOR_SECRET_';
/** Comma-separated names the worker may also hand to channels (for secrets that already exist). */
export const SECRET_ENV_ALLOW_VAR = 'CONNECT_REMEDIATOR_SECRET_VARS';

export function secretEnvAllowList(env: Record<string, string | undefined>): string[] {
  return (env[SECRET_ENV_ALLOW_VAR] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

export function isSecretEnvAllowed(name: string, allowList: readonly string[]): boolean {
  return (
    (name.startsWith(SECRET_ENV_PREFIX) && name.length > SECRET_ENV_PREFIX.length) || allowList.includes(name)
  );
}

export function secretEnvRefusal(name: string): string {
  return (
    `"${name}" is not a variable channels may read: expected a name starting with ${SECRET_ENV_PREFIX} ` +
    `(or listed in ${SECRET_ENV_ALLOW_VAR} in the worker's environment), so a policy edit cannot send ` +
    `the worker's AWS or Temporal credentials anywhere`
  );
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
