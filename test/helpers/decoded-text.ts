/**
 * Everything a person or a tool could read out of a workflow's history or description, as text:
 * strings as they are, and every payload's data decoded (inputs, results, memo, search attributes,
 * summaries and details, failures' encoded attributes). A search for a secret must look here:
 * JSON.stringify of a history shows payload data as byte arrays, so a leak there would pass.
 */
const decoder = new TextDecoder('utf-8', { fatal: false });

export function decodedText(value: unknown): string {
  const parts: string[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (node === null || node === undefined) return;
    if (typeof node === 'string') {
      parts.push(node);
      return;
    }
    if (node instanceof Uint8Array) {
      parts.push(decoder.decode(node));
      return;
    }
    if (typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
  };
  walk(value);
  return parts.join('\n');
}
