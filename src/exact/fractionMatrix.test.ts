import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fraction } from 'mathjs';
import { add, exactFraction, format, fractionMatrix, identity, isZero, matmul, scale, sub, toFloat, transpose } from './fractionMatrix.js';

describe('fractionMatrix', () => {
  test('exactFraction keeps the binary value of a double (0.1 is not 1/10)', () => {
    expect(exactFraction(0.375).toFraction()).toBe('3/8');
    expect(exactFraction(-7).toFraction()).toBe('-7');
    const tenth = exactFraction(0.1);
    expect(tenth.equals(fraction(1, 10))).toBe(false);
    expect(tenth.d).toBe(2n ** 55n);
    expect(tenth.valueOf()).toBe(0.1);
    expect(exactFraction(Number.MIN_VALUE).d).toBe(2n ** 1074n);
    expect(() => exactFraction(NaN, 'w[0]')).toThrow(/w\[0\]: x=NaN must be a finite number/);
  });

  test('round-trips doubles exactly (away from the subnormals, where Fraction.valueOf itself underflows 2^1074)', () => {
    const normal = fc.double({ noNaN: true, min: -1e300, max: 1e300 }).filter((x) => x === 0 || Math.abs(x) >= 2 ** -960);
    fc.assert(fc.property(normal, (x) => exactFraction(x).valueOf() === x));
  });

  test('products of a textbook example: [[1,2],[3,4]]·[[0,1],[1,0]] = [[2,1],[4,3]]', () => {
    const A = fractionMatrix(2, 2, [1, 2, 3, 4]);
    const S = fractionMatrix(2, 2, [0, 1, 1, 0]);
    expect(format(matmul(A, S))).toBe('[[2, 1], [4, 3]]');
    expect(format(transpose(A))).toBe('[[1, 3], [2, 4]]');
    expect(isZero(sub(matmul(A, identity(2)), A))).toBe(true);
  });

  test('thirds are exact: 3·(1/3) − 1 = 0, where floats keep a residue for (0.1 + 0.2) − 0.3', () => {
    const third = fractionMatrix(1, 1, [fraction(1, 3)]);
    expect(isZero(sub(scale(third, fraction(3)), identity(1)))).toBe(true);
    const a = fractionMatrix(1, 1, [0.1]);
    const b = fractionMatrix(1, 1, [0.2]);
    const c = fractionMatrix(1, 1, [0.3]);
    // the exact sum of the binary values exceeds the binary 0.3 by 2^-55 (the float residue is 2^-54)
    expect(toFloat(sub(add(a, b), c))[0]).toBe(2 ** -55);
  });

  test('shape errors name the operation and both shapes', () => {
    expect(() => matmul(fractionMatrix(2, 3, [1, 2, 3, 4, 5, 6]), fractionMatrix(2, 1, [1, 1]))).toThrow(
      'matmul: A is 2×3 but B is 2×1; inner sizes must agree',
    );
    expect(() => fractionMatrix(2, 2, [1, 2, 3])).toThrow('fractionMatrix: 3 values given, a 2×2 matrix needs 4');
  });
});
