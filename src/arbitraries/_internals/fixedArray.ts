import fc from 'fast-check';

/** Arrays of exactly `length` items: shrinking shrinks items, never the length. */
export function fixedArray<T>(item: fc.Arbitrary<T>, length: number): fc.Arbitrary<T[]> {
  return fc.array(item, { minLength: length, maxLength: length });
}

/** Replaces −0 by +0 so printed and deep-compared values stay tidy. */
export function clean(v: number): number {
  return v + 0;
}
