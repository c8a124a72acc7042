/** The Node side of loading: reading the file and hashing its content (sha256). */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { MAX_POLICY_FILE_BYTES, parsePolicySet, tooLargeMessage, type ParseResult } from './load';
import { secretEnvAllowList } from './secret-env';

/** Short sha256 of the file content: enough to tell versions apart in logs and run histories. */
export function policyTextHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Parses as this process's worker would: secret names allowed by its environment. */
export function parsePolicyText(text: string, fileName: string, env = process.env): ParseResult {
  return parsePolicySet(text, fileName, {
    hash: policyTextHash(text),
    secretEnvAllowList: secretEnvAllowList(env),
    environment: env,
  });
}

/** Reads and parses a policy file; a file that cannot be read is reported like any other error. */
export async function readPolicyFile(file: string): Promise<ParseResult> {
  let text: string;
  try {
    // Checked on disk first, so a huge file is refused without reading it into memory.
    const { size } = await stat(file);
    if (size > MAX_POLICY_FILE_BYTES) {
      return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: tooLargeMessage(size) }] };
    }
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return {
      ok: false,
      errors: [{ file, line: 1, column: 1, path: '', message: `cannot read the file: ${reason}` }],
    };
  }
  return parsePolicyText(text, file);
}
