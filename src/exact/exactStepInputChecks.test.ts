import { fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { exactGradientStep, type ExactProblem } from './exactStep.js';
import { fractionOf, identity, matmul, shape, zeros, type FractionMatrix } from './fractionMatrix.js';
import { checkSensingProblem, type SensingProblem } from '../trainer/sensingGradient.js';
import { checkRationalBasis, type RationalBasis } from './rationalBasis.js';

const I2 = identity(2);
const regression = (X: FractionMatrix, Y: FractionMatrix): ExactProblem => ({ kind: 'regression', X, Y });

describe('exact fraction matrices', () => {
  test('fractions need integer parts and a non-zero denominator', () => {
    expect(fractionOf(3, 4).toString()).toBe('0.75');
    expect(() => fractionOf(1, 0, 'here')).toThrow('here: numerator=1, denominator=0 must be integers with denominator ≠ 0');
    expect(() => fractionOf(0.5)).toThrow(/fractionOf: numerator=0\.5/);
  });

  test('shapes, including the empty matrix; products check inner sizes', () => {
    expect(shape([])).toEqual([0, 0]);
    expect(shape(zeros(2, 3))).toEqual([2, 3]);
    expect(() => matmul(zeros(2, 3), zeros(2, 3), 'P')).toThrow('P: A is 2×3 but B is 2×3; inner sizes must agree');
  });
});

describe('exactGradientStep: shapes are checked before any arithmetic', () => {
  const eta = fraction(1, 10);
  test.each([
    [[], regression(I2, I2), 'exactGradientStep: weights is empty; give at least one layer'],
    [[I2, zeros(2, 3)], regression(I2, I2), 'exactGradientStep: weights[1] is 2×3 but the previous layer outputs 2; W_2 must have 2 columns'],
    [[I2], regression(zeros(3, 2), I2), 'exactGradientStep: X is 3×2 and Y is 2×2; they must be 2×n and 2×n (columns are samples)'],
    [
      [I2],
      { kind: 'sensing', measurements: [], targets: [] } as ExactProblem,
      'exactGradientStep: 0 measurements and 0 targets; give the same positive number of each',
    ],
    [[I2], { kind: 'sensing', measurements: [I2], targets: [fraction(1), fraction(2)] } as ExactProblem, 'exactGradientStep: 1 measurements and 2 targets'],
    [
      [I2],
      { kind: 'sensing', measurements: [zeros(2, 3)], targets: [fraction(1)] } as ExactProblem,
      'exactGradientStep: measurements[0] is 2×3; it must be 2×2 like P',
    ],
  ])('%#', (weights, problem, message) => {
    expect(() => exactGradientStep(weights as FractionMatrix[], problem, eta)).toThrow(message);
  });
});

describe('checkSensingProblem', () => {
  const ok: SensingProblem = { dims: [2, 1], measurements: [Float64Array.from([1, 0])], targets: Float64Array.from([1]) };
  test.each([
    [{ measurements: [], targets: new Float64Array(0) }, 's.measurements is empty; give at least one measurement'],
    [{ targets: Float64Array.from([1, 2]) }, 's.targets has length 2; it must equal the number of measurements n=1'],
    [{ measurements: [Float64Array.from([1])] }, 's.measurements[0] has 1 entries; it must be d_L×d_0 = 1×2'],
    [{ measurements: [Float64Array.from([1, Number.NaN])] }, 's.measurements[0] has a non-finite entry'],
    [{ targets: Float64Array.from([Number.POSITIVE_INFINITY]) }, 's.targets has a non-finite entry'],
  ])('%#', (over, message) => {
    expect(() => checkSensingProblem({ ...ok, ...over }, 's')).toThrow(message);
  });

  test('a well-formed problem passes', () => {
    expect(() => checkSensingProblem(ok)).not.toThrow();
  });
});

describe('checkRationalBasis', () => {
  const ok: RationalBasis = { size: 2, perm: [1, 0], signs: [1, -1], householder: [1, 1] };
  test.each([
    [{ size: 0 }, 'b.size=0 must be a positive integer'],
    [{ signs: [1] }, 'b: perm (length 2) and signs (length 1) must both have length size=2'],
    [{ signs: [1, 2] }, 'b.signs=[1,2] must contain only 1 and -1'],
    [{ householder: [1] }, 'b.householder has length 1; it must have length size=2 or be null'],
    [{ householder: [1, 0.5] }, 'b.householder=[1,0.5] must contain integers'],
  ])('%j', (over, message) => {
    expect(() => checkRationalBasis({ ...ok, ...over } as RationalBasis, 'b')).toThrow(message);
  });
});
