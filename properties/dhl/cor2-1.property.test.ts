/**
 * DHL.Cor2.1: the layer sum of F4 for homogeneous activations, with its twin.
 *
 * Tolerances: src/tolerances/balancedness.ts (derivations there).
 */
import { describe, test } from 'vitest';
import fc from 'fast-check';
import { claimTitle } from '../../src/claims/registry.js';
import { layerSumStepRatio } from '../../src/tolerances/dhlStep.js';
import { brokenGradient } from '../../src/trainer/brokenGradient.js';
import { assertClaim, findCounterexample } from '../../src/verify/claimProperty.js';
import { runs } from '../../src/verify/profile.js';
import { HOMOGENEOUS, caseClass, specOf, stepCase, stepOf, twinFaults } from '../../src/verify/dhl/stepCase.js';

describe('DHL.Thm2.1 and DHL.Cor2.1: homogeneous activations', () => {
  const homogeneousCase = stepCase({ activations: HOMOGENEOUS, maxDepth: 3 });

  test(claimTitle('DHL.Cor2.1', 'EXACT: ‖W_k‖_F² − ‖W_{k+1}‖_F² changes by η²(‖G_k‖² − ‖G_{k+1}‖²) per step (layer sum of F4)'), () => {
    assertClaim(
      'DHL.Cor2.1',
      fc.property(homogeneousCase, (c) => layerSumStepRatio(stepOf(c)) <= 1),
      { numRuns: runs(150), toSpec: ([c]) => specOf(c), classify: ([c]) => caseClass(c) },
    );
  });

  test(claimTitle('DHL.Cor2.1', 'twin: the layer sum fails when G_2 is dropped'), () => {
    findCounterexample(
      'DHL.Cor2.1',
      fc.property(homogeneousCase, (c) => layerSumStepRatio(stepOf(c, brokenGradient(twinFaults[2]))) <= 1),
      { numRuns: runs(100), label: 'twin, G_2 dropped' },
    );
  });
});
