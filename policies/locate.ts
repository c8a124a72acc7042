/**
 * Maps document paths (as zod and our own checks report them) back to line:column in the YAML
 * source, using the node ranges `yaml` keeps. A path that does not exist in the file (a missing
 * key) points at the nearest enclosing node that does. Pure.
 */
import {
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Document,
  type Node,
} from 'yaml';
import type { PolicyPath } from './errors';

export interface Position {
  line: number;
  column: number;
}

export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  positionOf(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Where the value at `path` starts, or its nearest existing ancestor. */
  valueAt(path: PolicyPath): Position {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.nodeAt(path.slice(0, depth));
      if (node?.range) return this.positionOf(node.range[0]);
    }
    return { line: 1, column: 1 };
  }

  /** Where the value at `path` starts, only when that very node is written in the file. */
  exactValueAt(path: PolicyPath): Position | undefined {
    const node = this.nodeAt(path);
    return node?.range ? this.positionOf(node.range[0]) : undefined;
  }

  /** Where the key `path`'s last segment is written (for unknown or misspelt keys). */
  keyAt(path: PolicyPath): Position {
    const parent = this.nodeAt(path.slice(0, -1));
    const key = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => keyIs(item.key, key));
      if (pair && isNode(pair.key) && pair.key.range) return this.positionOf(pair.key.range[0]);
    }
    return this.valueAt(path);
  }

  private nodeAt(path: PolicyPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        node = node.items.find((item) => keyIs(item.key, segment))?.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        return undefined;
      }
    }
    return isNode(node) ? node : undefined;
  }

  /** The path of the innermost node containing `offset` (to give syntax errors a path too). */
  pathAt(offset: number): PolicyPath {
    const path: (string | number)[] = [];
    let node: unknown = this.doc.contents;
    while (isMap(node) || isSeq(node)) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && spans(item.key, item.value, offset));
        if (pair && isScalar(pair.key)) {
          path.push(String(pair.key.value));
          next = pair.value;
        }
      } else {
        const index = node.items.findIndex((item) => spans(item, item, offset));
        if (index >= 0) {
          path.push(index);
          next = node.items[index];
        }
      }
      if (next === undefined) break;
      node = next;
    }
    return path;
  }
}

/** Data keys are strings (`1:` becomes "1"), YAML keys keep their scalar type. */
function keyIs(key: unknown, segment: string | number | undefined): boolean {
  return isScalar(key) && String(key.value) === String(segment);
}

function spans(from: unknown, to: unknown, offset: number): boolean {
  const start = isNode(from) && from.range ? from.range[0] : undefined;
  const end = isNode(to) && to.range ? to.range[2] : isNode(from) && from.range ? from.range[2] : undefined;
  return start !== undefined && end !== undefined && offset >= start && offset <= end;
}
