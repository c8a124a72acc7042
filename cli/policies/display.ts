/** How `policies test` and `policies diff` name files and report load errors. */
import path from 'node:path';
import { formatPolicyError, type PolicyError } from '../../policies/errors';

/** A path under the working directory as a relative one (the default policy file is absolute). */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Load errors with the file named as the user reads it. */
export function printLoadErrors(file: string, errors: PolicyError[], what: string): void {
  for (const error of errors) console.error(formatPolicyError({ ...error, file: displayPath(error.file) }));
  console.error(`${displayPath(file)}: ${errors.length} error(s); the ${what} was not loaded`);
}
