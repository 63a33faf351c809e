import { describe, expect, test } from 'vitest';
import { failingCheck as failing } from '../checkFailure.js';
import { checkDhlFig1, checkDhlFig2, type DhlFig2Summary, growthSpreadBound } from './dhlChecks.js';
import { checkRnbuS6, type RnbuS6Summary } from './rnbuChecks.js';
import { checkSrFig3, checkSrFig4, checkSrR41, checkSrR42, checkSrR43, type SrFig3Summary, type SrR41Summary, type SrR43Summary } from './srChecks.js';

// Summaries shaped like the measured runs (numbers from the property files' comments), then each criterion broken alone.
describe('the figures’ checks judge their summaries', () => {
  const r41: SrR41Summary = { a4EtaLate: 8.97e-6, early: 2000, riskStart: 0.053, riskEnd: 3.4e-4, gapEnd: 0.036, gapTenth: 0.042 };
  test('SR.R4.1: passes as measured; each criterion fails alone', () => {
    expect(failing(() => checkSrR41(r41))).toBeNull();
    expect(failing(() => checkSrR41({ ...r41, a4EtaLate: 2e-5 }))).toBe('A4-step-tiny');
    expect(failing(() => checkSrR41({ ...r41, riskEnd: 0.01 }))).toBe('risk-falls');
    expect(failing(() => checkSrR41({ ...r41, gapEnd: 0.0017, gapTenth: 0.0018 }))).toBe('rho-below-1');
    expect(failing(() => checkSrR41({ ...r41, gapEnd: 0.012, gapTenth: 0.05 }))).toBe('rho-flat');
  });

  test('SR.R4.2: passes as measured; swapped or flat-less gaps fail', () => {
    const s = { gapLarge: 0.0448, gapLargeTenth: 0.0452, gapSmall: 0.0028, large: 1.5, small: 0.3 };
    expect(failing(() => checkSrR42(s))).toBeNull();
    expect(failing(() => checkSrR42({ ...s, gapLarge: 0.0028, gapSmall: 0.0448 }))).toBe('large-below-1');
    expect(failing(() => checkSrR42({ ...s, gapLargeTenth: 0.2 }))).toBe('large-flat');
    expect(failing(() => checkSrR42({ ...s, gapSmall: 0.02 }))).toBe('gap-ratio');
  });

  test('SR.R4.3: passes as measured; too small a slowdown, a mismatch with the first-order prediction, or no move fail', () => {
    const s: SrR43Summary = { stepsShallow: 20535, stepsDeep: 226030, horizon: 300000, shallow: 4, deep: 6, predicted: 10.8 };
    expect(failing(() => checkSrR43(s))).toBeNull();
    expect(failing(() => checkSrR43({ ...s, stepsDeep: 60000 }))).toBe('depth-slowdown');
    expect(failing(() => checkSrR43({ ...s, predicted: 30 }))).toBe('first-order');
    expect(failing(() => checkSrR43({ ...s, predicted: 4 }))).toBe('first-order');
    // not reached: the horizon is a lower bound; the slowdown is judged on it, the prediction is left undecided
    expect(failing(() => checkSrR43({ ...s, stepsDeep: null, predicted: 40 }))).toBeNull();
    expect(failing(() => checkSrR43({ ...s, stepsDeep: null, horizon: 60000 }))).toBe('depth-slowdown');
    expect(failing(() => checkSrR43({ ...s, stepsShallow: null }))).toBe('shallow-moves');
  });

  test('SR.5.1: runs outside the regime are not judged; a run in it must reach ρ_3 ≥ 0.99; the moons risk must stay up', () => {
    const left = (rho3: number, allClassified: boolean, dead: number) => ({ m: 0.2, rho3, risk: 1e-4, allClassified, dead });
    const right = { riskStart: 0.69, riskEnd: 0.3065, gapEnd: 0.0014 };
    const s: SrFig3Summary = { left: [left(1, true, 0)], right };
    expect(failing(() => checkSrFig3(s))).toBeNull();
    expect(failing(() => checkSrFig3({ ...s, left: [left(0.962, true, 0)] }))).toBe('rho3-to-1');
    expect(failing(() => checkSrFig3({ ...s, left: [left(0.962, true, 10), left(0.9, false, 0)] }))).toBeNull();
    expect(failing(() => checkSrFig3({ left: [], right: { ...right, gapEnd: 0.03 } }))).toBe('moons-rho-to-1');
    expect(failing(() => checkSrFig3({ left: [], right: { ...right, riskEnd: 8.7e-4 } }))).toBe('risk-positive');
  });

  test('SR.5.2: cosine ≥ 0.9 passes; below, negative, or no SVM fails', () => {
    expect(failing(() => checkSrFig4(0.937))).toBeNull();
    expect(failing(() => checkSrFig4(0.187))).toBe('svm-cosine');
    expect(failing(() => checkSrFig4(-0.5))).toBe('svm-cosine');
    expect(failing(() => checkSrFig4(null))).toBe('svm-exists');
  });

  test('DHL.Fig1: within 2× either way passes; slower plain or slower regularized GD fails; neither converging fails', () => {
    const s = {
      eps: 1e-2,
      horizon: 300,
      inits: [
        { plain: 96, regularized: 96 },
        { plain: 132, regularized: 123 },
      ],
    };
    expect(failing(() => checkDhlFig1(s))).toBeNull();
    expect(failing(() => checkDhlFig1({ ...s, inits: [{ plain: null, regularized: 96 }] }))).toBe('speed-ratio');
    expect(failing(() => checkDhlFig1({ ...s, inits: [{ plain: 40, regularized: 96 }] }))).toBe('speed-ratio');
    expect(failing(() => checkDhlFig1({ ...s, inits: [{ plain: null, regularized: null }] }))).toBe('converges');
  });

  test('DHL.Fig2: spread within η² max(ΣG²) passes; beyond it, or layers that did not grow, fail', () => {
    const s: DhlFig2Summary = {
      growth: [6.486, 6.494],
      initial: [15.2, 13.1],
      final: [21.7, 19.6],
      gradSquaredSum: [1.5, 1.2],
      eta: 0.1,
      steps: 500,
    };
    const entries = [96, 1024];
    // η² max(1.5, 1.2) = 0.015 plus rounding of order 1e-12
    expect(growthSpreadBound(s, 0, entries)).toBeCloseTo(0.015, 10);
    expect(failing(() => checkDhlFig2(s, entries))).toBeNull();
    expect(failing(() => checkDhlFig2({ ...s, growth: [6.55, 6.494] }, entries))).toBe('growth-spread');
    expect(failing(() => checkDhlFig2({ ...s, growth: [0, 0], gradSquaredSum: [0, 0] }, entries))).toBe('layers-grow');
  });

  test('RNBU.S6: passes as measured; each criterion fails alone', () => {
    const s: RnbuS6Summary = { aeAlignedMax: 5e-16, aeRiskStart: 0.118, aeRiskEnd: 0.009, convMax: 0.117, convRiskStart: 1.37, convRiskEnd: 0.37 };
    expect(failing(() => checkRnbuS6(s))).toBeNull();
    expect(failing(() => checkRnbuS6({ ...s, aeAlignedMax: 0.0157 }))).toBe('ae-invariant');
    expect(failing(() => checkRnbuS6({ ...s, aeRiskEnd: 0.1 }))).toBe('ae-trains');
    expect(failing(() => checkRnbuS6({ ...s, convRiskEnd: 1.3 }))).toBe('conv-trains');
    expect(failing(() => checkRnbuS6({ ...s, convMax: 1e-15 }))).toBe('conv-breaks');
  });
});
