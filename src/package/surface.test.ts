import { describe, expect, test } from 'vitest';
import * as api from '../index.js';
import * as testing from '../testing.js';

// The public surface of the installed package, pinned: adding or removing a name is a deliberate change
// (update this list, the README's library section and, for a removal, the version).
describe('public surface', () => {
  test("'dlncheck' exports exactly these names", () => {
    expect(Object.keys(api).sort()).toEqual(
      // prettier-ignore
      ['AuditInputError', 'DEFAULT_SEED', 'SpecError', 'UNIT_ROUNDOFF', 'ablationTest', 'activationName', 'adjacentAlignment', 'adjacentAlignmentBound', 'alignedRankOneInit', 'alignmentDistance', 'alignmentInBases', 'allFinite', 'architecture', 'auditText', 'auditTrajectory', 'balanceMatrices', 'balanceStepRatio', 'balancedInit', 'balancednessDrift', 'boundedDouble', 'brokenGradient', 'checkpointRecord', 'claim', 'claimTitle', 'claims', 'cloneNetwork', 'cosine', 'createStepRule', 'createWorkspace', 'currentProfile', 'datasetFromArrays', 'datasetToArrays', 'depth', 'descentAllowance', 'endToEndVelocity', 'energyBudget', 'evaluationScale', 'exponential', 'expressionLoss', 'factorizationTarget', 'faultName', 'formatAudit', 'frobenius', 'gamma', 'gaussianInit', 'globalSeed', 'gradientDescent', 'gradientFlow', 'horizon', 'initializationConstant', 'isHomogeneous', 'jiTelgarskySmoothness', 'jtA1', 'jtA2', 'jtA3', 'jtA4', 'jtA5', 'layerSingularPairs', 'layerSumStepRatio', 'lemma4Alpha', 'lemma4Threshold', 'linear', 'logRisk', 'logistic', 'maxMarginDirection', 'minMarginOf', 'networkFromArrays', 'neuronInvariants', 'nonSeparableDataset', 'normChangeAllowance', 'normRatio', 'normalizedMargin', 'orthogonalPart', 'parseSpec', 'parseTrajectory', 'productAlignment', 'productVector', 'rankOneGapBound', 'recordBalanceStep', 'recordTrajectory', 'regressionDataset', 'risk', 'riskAndGradient', 'runSpec', 'runs', 'schedule', 'separableDataset', 'signedSamples', 'smoothedMargin', 'specSchema', 'spectral', 'squared', 'stepSize', 'svd', 'topSingular', 'twoMoons', 'weightsToArrays'],
    );
  });

  test("'dlncheck/testing' exports exactly the vitest claim helpers", () => {
    expect(Object.keys(testing).sort()).toEqual(['assertClaim', 'claimParameters', 'describeFailure', 'findCounterexample', 'replayCommand']);
  });
});
