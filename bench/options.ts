/** Option values for benchmark command lines: a bad value names what was expected. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

/** A fraction above 0 and up to 1. */
export function fraction(value: string): number {
  const n = positiveNumber(value);
  if (n > 1) throw new InvalidArgumentError(`expected a fraction above 0 and up to 1, got "${value}"`);
  return n;
}
