/**
 * Reads the Dockerfile the way `docker build` would for what the image test needs: its stages, and
 * in each the WORKDIR, ENV, COPY, RUN, ENTRYPOINT and CMD instructions. Only the forms the project's
 * Dockerfile uses: a form it does not (JSON-array COPY, ADD, ARG…) fails loudly, so the test never
 * silently assembles something other than the image.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Copy {
  /** The stage copied from (`--from=`); undefined: the build context. */
  from?: string;
  sources: string[];
  dest: string;
}

export type Step =
  { kind: 'copy'; workdir: string; copy: Copy } | { kind: 'run'; workdir: string; command: string };

export interface Stage {
  name?: string;
  steps: Step[];
  env: Record<string, string>;
  workdir: string;
  entrypoint?: string[];
  cmd?: string[];
}

const IGNORED = new Set(['EXPOSE', 'HEALTHCHECK', 'USER', 'LABEL']);

/** Instructions with their continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const out: { op: string; args: string }[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = '';
    const match = /^(\w+)\s+(.*)$/.exec(full);
    if (!match) throw new Error(`Dockerfile: cannot read "${full}"`);
    out.push({ op: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  return out;
}

function jsonArray(args: string, op: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`Dockerfile: ${op} expects a JSON array of strings, got ${args}`);
  return parsed as string[];
}

export function parseDockerfile(file: string): Stage[] {
  const stages: Stage[] = [];
  for (const { op, args } of instructions(fs.readFileSync(file, 'utf8'))) {
    if (op === 'FROM') {
      const match = /^\S+(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`Dockerfile: cannot read FROM ${args}`);
      stages.push({ ...(match[1] ? { name: match[1] } : {}), steps: [], env: {}, workdir: '/' });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
    if (op === 'WORKDIR') stage.workdir = path.posix.resolve(stage.workdir, args);
    else if (op === 'ENV') {
      for (const pair of args.split(/\s+/)) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`Dockerfile: ENV expects NAME=value pairs, got "${pair}"`);
        stage.env[pair.slice(0, at)] = pair.slice(at + 1);
      }
    } else if (op === 'RUN') stage.steps.push({ kind: 'run', workdir: stage.workdir, command: args });
    else if (op === 'COPY') {
      const tokens = args.split(/\s+/);
      let from: string | undefined;
      while (tokens[0]?.startsWith('--')) {
        const flag = tokens.shift()!;
        if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
        else if (!flag.startsWith('--chown='))
          throw new Error(`Dockerfile: COPY ${flag} is not supported here`);
      }
      if (tokens.length < 2 || tokens[0]!.startsWith('['))
        throw new Error(`Dockerfile: COPY expects sources and a destination, got "${args}"`);
      const dest = tokens.pop()!;
      stage.steps.push({
        kind: 'copy',
        workdir: stage.workdir,
        copy: { ...(from ? { from } : {}), sources: tokens, dest },
      });
    } else if (op === 'ENTRYPOINT') stage.entrypoint = jsonArray(args, op);
    else if (op === 'CMD') stage.cmd = jsonArray(args, op);
    else if (!IGNORED.has(op)) throw new Error(`Dockerfile: ${op} is not understood by the image test`);
  }
  return stages;
}

/** .dockerignore's patterns as matchers of context-relative paths (a match excludes a folder's contents). */
export function dockerIgnore(file: string): (rel: string) => boolean {
  const patterns = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  if (patterns.some((p) => p.startsWith('!')))
    throw new Error('.dockerignore: exceptions (!) are not supported here');
  const regexes = patterns.map((p) => {
    const body = p
      .replace(/^\/+|\/+$/g, '')
      .split('')
      .map((c) => (c === '*' ? '\uE000' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')
      .replace(/\uE000\uE000/g, '.*')
      .replace(/\uE000/g, '[^/]*');
    return new RegExp(`^${body}(/.*)?$`);
  });
  return (rel) => regexes.some((r) => r.test(rel.split(path.sep).join('/')));
}

/**
 * Docker's COPY: a folder source copies its contents into `dest`; a file goes to `dest/<name>` when
 * dest ends with "/" (or several sources are given), else to `dest` itself.
 */
export function copyInto(
  copy: Copy,
  resolveSource: (source: string) => { root: string; rel: string },
  destDir: string,
  ignored: (rel: string) => boolean = () => false,
): void {
  const intoFolder = copy.dest.endsWith('/') || copy.sources.length > 1;
  for (const source of copy.sources) {
    const { root, rel } = resolveSource(source);
    const from = path.join(root, rel);
    if (!fs.existsSync(from)) throw new Error(`COPY ${source}: no such file in ${root}`);
    if (fs.statSync(from).isDirectory()) {
      fs.cpSync(from, destDir, {
        recursive: true,
        filter: (file) => !ignored(path.relative(root, file)),
      });
    } else {
      const target = intoFolder ? path.join(destDir, path.basename(from)) : destDir;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(from, target);
      fs.chmodSync(target, fs.statSync(from).mode);
    }
  }
}
