/**
 * dlncheck's library entry (`import { … } from 'dlncheck'`): what a researcher needs to write a property of
 * their own against the same generators, trainer and metrics the suite uses. The list is explicit and pinned
 * by src/package/surface.test.ts; the vitest-bound claim helpers (assertClaim, findCounterexample) live in
 * 'dlncheck/testing' (src/testing.ts) so that this entry loads without vitest.
 */

// generators (fast-check arbitraries)
export {
  alignedRankOneInit,
  architecture,
  balancedInit,
  boundedDouble,
  factorizationTarget,
  gaussianInit,
  nonSeparableDataset,
  regressionDataset,
  schedule,
  separableDataset,
  stepSize,
} from './arbitraries/index.js';
export type {
  AlignedRankOneInitConstraints,
  Architecture,
  ArchitectureConstraints,
  BalancedFrames,
  BalancedInitConstraints,
  BoundedDoubleConstraints,
  ClassificationData,
  FactorizationTarget,
  FactorizationTargetConstraints,
  GaussianInitConstraints,
  GeneratedSchedule,
  GeneratedScheduleKind,
  NonSeparableDataset,
  NonSeparableDatasetConstraints,
  NonSeparableKind,
  RegressionData,
  RegressionDatasetConstraints,
  ScheduleConstraints,
  SeparableDataset,
  SeparableDatasetConstraints,
  StepSizeConstraints,
  Weights,
} from './arbitraries/index.js';

// data, networks, losses
export { datasetFromArrays, datasetToArrays, signedSamples, type Dataset } from './data/dataset.js';
export { twoMoons, type TwoMoonsConstraints } from './data/twoMoons.js';
export { activationName, isHomogeneous, linear, type Activation } from './network/activation.js';
export { allFinite, cloneNetwork, depth, networkFromArrays, weightsToArrays, type Network } from './network/network.js';
export { exponential } from './losses/exponential.js';
export { logistic } from './losses/logistic.js';
export { expressionLoss } from './losses/expressionLoss.js';
export { squared, type Loss, type MarginLoss, type SquaredLoss } from './losses/loss.js';

// trainer
export { createWorkspace, risk, riskAndGradient, type GradientFn, type GradientWorkspace } from './trainer/gradient.js';
export { gradientDescent, type DescentOptions, type DescentResult, type StepView } from './trainer/gradientDescent.js';
export { gradientFlow, type FlowOptions, type FlowResult } from './trainer/gradientFlow.js';
export { createStepRule, jiTelgarskySmoothness, type ScheduleSpec, type StepRule } from './trainer/schedule.js';
export { brokenGradient, faultName, type GradientFault } from './trainer/brokenGradient.js';

// metrics
export { adjacentAlignment, cosine, layerSingularPairs, productAlignment, productVector } from './metrics/alignment.js';
export { alignmentDistance, alignmentInBases, type AlignmentReport, type LayerAlignment } from './metrics/alignmentDistance.js';
export { balanceMatrices, balancednessDrift, neuronInvariants } from './metrics/balancedness.js';
export { checkpointRecord, type CheckpointRecord } from './metrics/checkpoint.js';
export { endToEndVelocity, type EndToEndVelocity } from './metrics/endToEndDynamics.js';
export { logRisk } from './metrics/logRisk.js';
export { minMarginOf, normalizedMargin, orthogonalPart } from './metrics/margin.js';
export { frobenius, normRatio, spectral } from './linalg/norms.js';
export { svd, topSingular, type FullSvd, type SingularPair } from './linalg/singularValues.js';
export { smoothedMargin } from './metrics/smoothedMargin.js';

// max-margin direction
export { lemma4Alpha } from './maxMargin/lemma4Alpha.js';
export { maxMarginDirection, type MaxMargin, type MaxMarginOptions } from './maxMargin/maxMargin.js';

// hypotheses as predicates
export type { AssumptionResult } from './assumptions/assumption.js';
export { jtA1, jtA2, jtA3, jtA4, jtA5 } from './assumptions/index.js';

// claims and their tolerances (each bound's derivation is in the comment beside it)
export { ablationTest, claim, claims, claimTitle, type Ablation, type CheckType, type Claim, type Paper } from './claims/registry.js';
export { gamma, UNIT_ROUNDOFF } from './tolerances/rounding.js';
export { adjacentAlignmentBound, energyBudget, initializationConstant, lemma4Threshold, rankOneGapBound } from './tolerances/jt.js';
export { descentAllowance, evaluationScale, normChangeAllowance, type EvaluationScale } from './tolerances/jtRounding.js';
export { balanceStepRatio, layerSumStepRatio, type BalanceStep } from './tolerances/dhlStep.js';
export { recordBalanceStep } from './verify/recordBalanceStep.js';
export { currentProfile, horizon, runs, type Profile } from './verify/profile.js';
export { DEFAULT_SEED, globalSeed } from './verify/seed.js';

// spec files and dlncheck train
export { parseSpec, SpecError, specSchema, type Spec, type SpecInput, type TrainingSetup } from './spec/spec.js';
export { runSpec, type TrainResult } from './run/recordedRun.js';

// dlncheck audit: the claims that apply to a trajectory recorded elsewhere (docs/audit.md)
export { auditText, auditTrajectory, formatAudit, type AuditReport } from './audit/audit.js';
export type { CheckResult, Verdict } from './audit/check.js';
export { AuditInputError, parseTrajectory, type Trajectory, type TrajectoryRecord } from './audit/trajectory.js';
export { recordTrajectory, type RecordOptions } from './audit/recordTrajectory.js';
