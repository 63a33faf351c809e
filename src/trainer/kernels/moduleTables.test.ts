import { describe, expect, test } from 'vitest';
import { exponential } from '../../losses/exponential.js';
import { logistic } from '../../losses/logistic.js';
import { squared } from '../../losses/loss.js';
import { builtinLossCode, EXP_CONSTANTS_BYTES } from './moduleTables.js';
import { instantiate } from './simd.js';

describe('the module table conventions', () => {
  test('storeExpConstants writes exactly EXP_CONSTANTS_BYTES bytes', () => {
    const { memory, fn } = instantiate(4096);
    const bytes = new Uint8Array(memory.buffer, 0, 2048).fill(0xa5);
    (fn as unknown as { storeExpConstants(at: number): void }).storeExpConstants(16);
    // the last 16-byte slot is written (it holds −1.0, not the fill pattern) and nothing after it
    expect(Array.from(bytes.subarray(16 + EXP_CONSTANTS_BYTES - 16, 16 + EXP_CONSTANTS_BYTES)).some((b) => b !== 0xa5)).toBe(true);
    expect(bytes.subarray(16 + EXP_CONSTANTS_BYTES).every((b) => b === 0xa5)).toBe(true);
    expect(bytes.subarray(0, 16).every((b) => b === 0xa5)).toBe(true);
  });

  test('built-in losses have codes; a copy of a built-in object has none', () => {
    expect([builtinLossCode(logistic), builtinLossCode(exponential), builtinLossCode(squared), builtinLossCode({ ...logistic })]).toEqual([1, 2, 3, 0]);
  });
});
