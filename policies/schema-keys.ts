/** Which keys the schema allows at a document path: the vocabulary for "did you mean …?". Pure. */
import { z } from 'zod';
import type { PolicyPath } from './errors';

/** Unwraps optional and union layers down to the object schemas a value at this level may be. */
function objectsOf(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodOptional) return objectsOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(objectsOf);
  return [];
}

function childSchemas(schema: z.ZodType, segment: string | number): z.ZodType[] {
  if (schema instanceof z.ZodOptional) return childSchemas(schema.unwrap() as z.ZodType, segment);
  if (schema instanceof z.ZodUnion) {
    return (schema.options as z.ZodType[]).flatMap((option) => childSchemas(option, segment));
  }
  if (schema instanceof z.ZodObject && typeof segment === 'string') {
    const child = schema.shape[segment] as z.ZodType | undefined;
    return child ? [child] : [];
  }
  if (schema instanceof z.ZodArray && typeof segment === 'number') return [schema.element as z.ZodType];
  if (schema instanceof z.ZodRecord) return [schema.valueType as z.ZodType];
  return [];
}

export function knownKeysAt(schema: z.ZodType, path: PolicyPath): string[] {
  let level = [schema];
  for (const segment of path) level = level.flatMap((s) => childSchemas(s, segment));
  return [...new Set(level.flatMap(objectsOf).flatMap((object) => Object.keys(object.shape)))];
}
